package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/ruid"
)

// SMPPConfig says how to reach the SMS centre (SMSC) of a messaging
// gateway over SMPP 3.4.
type SMPPConfig struct {
	Addr       string // host:port, e.g. "smpp.operator.example:2775"
	SystemID   string // the account at the SMSC (at most 15 characters)
	Password   string // at most 8 characters, as SMPP 3.4 allows
	SystemType string // empty unless the SMSC asks for one (at most 12)
	// SourceAddr is the sender people see: an alphanumeric name agreed
	// with the operator ("Okno", at most 11 characters) or a number. Empty
	// leaves it to the SMSC.
	SourceAddr string
	// Timeout bounds the dial, every write and the wait for every
	// response; 0 means 10 seconds. A shorter deadline on the context wins
	// for the wait.
	Timeout time.Duration
	// EnquireLink is how long the link may stay idle before an
	// enquire_link checks it; 0 means 30 seconds.
	EnquireLink time.Duration
}

// SMPP sends SMS as an ESME bound as a transmitter. It keeps one
// connection, made on first use and shared under a mutex: one message at a
// time, each part answered before the next is sent. Notifications are few,
// so a window of one costs nothing and keeps the client small. A broken
// connection is replaced on the next message; an idle one is kept alive
// with enquire_link. Close unbinds.
//
// SMPP itself is not encrypted: reach the SMSC over a private link or a
// VPN, as operators require anyway.
type SMPP struct {
	cfg  SMPPConfig
	from smsAddress
	now  func() time.Time

	mu       sync.Mutex // one exchange at a time on the one connection
	conn     *smppConn  // nil until connected
	seq      uint32
	ref      byte // concatenation reference of the last multi-part message
	lastUsed time.Time
	closed   bool

	keepalives sync.WaitGroup // one goroutine per connection
}

// NewSMPP checks cfg and returns a sender of SMS; it does not connect until
// the first message (or Connect). now tells when the link was last used.
func NewSMPP(cfg SMPPConfig, now func() time.Time) (*SMPP, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("notify: smpp address %q: want host:port: %w", cfg.Addr, err)
	}
	var errs []error
	check := func(name, v string, min, max int) {
		if len(v) < min || len(v) > max || !printableASCII(v) {
			errs = append(errs, fmt.Errorf("notify: smpp %s must be %d to %d printable ASCII characters", name, min, max))
		}
	}
	check("system_id", cfg.SystemID, 1, maxSystemID)
	check("password", cfg.Password, 0, maxPassword)
	check("system_type", cfg.SystemType, 0, maxSystemType)
	from, err := sourceAddress(cfg.SourceAddr)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.EnquireLink <= 0 {
		cfg.EnquireLink = 30 * time.Second
	}
	return &SMPP{cfg: cfg, from: from, now: now}, nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// sourceAddress classifies the sender: a name (type of number 5,
// alphanumeric), an international number (1, ISDN plan) or a short code
// (left to the SMSC: unknown type and plan).
func sourceAddress(s string) (smsAddress, error) {
	digits := strings.TrimPrefix(s, "+")
	switch {
	case s == "":
		return smsAddress{}, nil
	case !printableASCII(s):
		return smsAddress{}, fmt.Errorf("notify: smpp source address %q must be printable ASCII", s)
	case strings.Trim(digits, "0123456789") != "":
		if len(s) > 11 {
			return smsAddress{}, fmt.Errorf("notify: smpp alphanumeric source address %q is longer than 11 characters", s)
		}
		return smsAddress{TON: 5, NPI: 0, Addr: s}, nil
	case len(digits) > maxAddress:
		return smsAddress{}, fmt.Errorf("notify: smpp source number %q is longer than %d digits", s, maxAddress)
	case strings.HasPrefix(s, "+") || len(digits) >= 10:
		return smsAddress{TON: 1, NPI: 1, Addr: digits}, nil
	}
	return smsAddress{Addr: digits}, nil
}

// Connect dials and binds now, if not yet connected, so that start-up can
// report a wrong address or password at once.
func (s *SMPP) Connect(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.connected(ctx)
	return err
}

// Send delivers an SMS to the phone number in m.To (+7 numbers: the
// gateway is Russian). The body is sent in as many parts as it needs (see
// SMSParts). A refusal of the message itself is wrapped by
// outbox.Permanent, so that no handler retries it; a failed part makes the
// whole message fail, and a retry sends every part again.
func (s *SMPP) Send(ctx context.Context, m Message) error {
	if err := requireChannel(m, ChannelSMS); err != nil {
		return err
	}
	phone, err := ruid.Phone(m.To)
	if err != nil {
		return okno.Errorf(okno.EINVALID, "notify.phone_invalid")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ref++
	msg, err := encodeSMS(m.Body, s.ref)
	if err != nil {
		return err
	}
	c, err := s.connected(ctx)
	if err != nil {
		return err
	}
	to := smsAddress{TON: 1, NPI: 1, Addr: strings.TrimPrefix(phone, "+")}
	var esm byte
	if msg.UDH() {
		esm = 0x40 // UDHI: the short message starts with a user data header
	}
	for _, part := range msg.Parts {
		_, err := c.call(ctx, pdu{Command: cmdSubmitSM, Seq: s.nextSeq(), Body: submitSMBody(s.from, to, esm, msg.Coding, part)})
		if err != nil {
			return s.failed(c, err)
		}
		s.lastUsed = s.now()
	}
	return nil
}

// failed classifies an error of submit_sm.
func (s *SMPP) failed(c *smppConn, err error) error {
	var se *SMPPError
	if !errors.As(err, &se) {
		return err
	}
	if se.Status == statusInvalidBind {
		// The SMSC no longer counts us bound: bind again next time.
		c.shutdown(err)
	}
	if se.Permanent() {
		return outbox.Permanent(err)
	}
	return err
}

// nextSeq returns the next sequence number (1 to 0x7FFFFFFF, wrapping).
func (s *SMPP) nextSeq() uint32 {
	s.seq++
	if s.seq > 0x7FFFFFFF {
		s.seq = 1
	}
	return s.seq
}

// connected returns the live connection, dialling and binding a new one
// when there is none or the last one broke. s.mu is held.
func (s *SMPP) connected(ctx context.Context) (*smppConn, error) {
	if s.closed {
		return nil, errors.New("notify: smpp: the client is closed")
	}
	if s.conn != nil && s.conn.alive() {
		return s.conn, nil
	}
	s.conn = nil
	d := net.Dialer{Timeout: s.cfg.Timeout}
	nc, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("notify: smpp dial %s: %w", s.cfg.Addr, err)
	}
	c := newSMPPConn(nc, s.cfg.Timeout)
	_, err = c.call(ctx, pdu{Command: cmdBindTransmitter, Seq: s.nextSeq(),
		Body: bindTransmitterBody(s.cfg.SystemID, s.cfg.Password, s.cfg.SystemType)})
	if err != nil {
		c.shutdown(err)
		<-c.done
		return nil, s.bindFailed(err)
	}
	s.conn, s.lastUsed = c, s.now()
	s.keepalives.Go(func() { s.keepalive(c) })
	return c, nil
}

// bindFailed explains a failed bind. Some SMSCs refuse with a status, some
// just hang up; both usually mean a wrong system_id or password. The error
// is never permanent: the messages can go once an operator fixes the
// configuration.
func (s *SMPP) bindFailed(err error) error {
	var se *SMPPError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("notify: smpp bind as %q at %s refused; check system_id, password and system_type: %w", s.cfg.SystemID, s.cfg.Addr, err)
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, errSMPPUnbound):
		return fmt.Errorf("notify: smpp bind as %q at %s: the SMSC closed the connection without answering; check system_id and password: %w", s.cfg.SystemID, s.cfg.Addr, err)
	}
	return fmt.Errorf("notify: smpp bind as %q at %s: %w", s.cfg.SystemID, s.cfg.Addr, err)
}

// keepalive checks an idle link with enquire_link until the connection
// ends. A link that does not answer is dropped and the next message makes
// a new one.
func (s *SMPP) keepalive(c *smppConn) {
	t := time.NewTicker(s.cfg.EnquireLink)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			s.mu.Lock()
			if s.conn == c && s.now().Sub(s.lastUsed) >= s.cfg.EnquireLink {
				s.enquire(context.Background(), c) //nolint:errcheck // a failure drops the connection
			}
			s.mu.Unlock()
		}
	}
}

// enquire sends enquire_link on c. s.mu is held.
func (s *SMPP) enquire(ctx context.Context, c *smppConn) error {
	_, err := c.call(ctx, pdu{Command: cmdEnquireLink, Seq: s.nextSeq()})
	if err != nil {
		c.shutdown(err)
		return err
	}
	s.lastUsed = s.now()
	return nil
}

// Close unbinds and closes the connection, waiting for its goroutines.
// Messages sent after Close fail.
func (s *SMPP) Close() error {
	s.mu.Lock()
	s.closed = true
	c := s.conn
	s.conn = nil
	var err error
	if c != nil && c.alive() {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
		_, err = c.call(ctx, pdu{Command: cmdUnbind, Seq: s.nextSeq()})
		cancel()
		c.shutdown(errors.New("notify: smpp: closed"))
	}
	s.mu.Unlock()
	if c != nil {
		<-c.done
	}
	s.keepalives.Wait()
	return err
}
