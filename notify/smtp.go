package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/okno/okno"
)

// SMTPConfig says how to reach the mail relay.
type SMTPConfig struct {
	Addr string // host:port, e.g. "smtp.region.example:587"
	// From is the header and envelope sender: a bare address or one with a
	// display name ("Окно <noreply@okno.region.example>").
	From string
	// Username and Password, when Username is set, authenticate with AUTH
	// PLAIN, which net/smtp sends only over TLS or to localhost.
	Username string
	Password string
	// AllowPlain permits a relay that does not offer STARTTLS. It is accepted
	// only when Addr is a loopback address (a local relay such as postfix),
	// so that mail with codes and personal data never crosses a network in
	// clear text. Without it, a relay that does not offer STARTTLS is refused.
	AllowPlain bool
	// Timeout bounds one whole exchange (dial to QUIT); 0 means 30 seconds.
	// A shorter deadline on the context wins.
	Timeout time.Duration
	// TLS configures STARTTLS (e.g. a private CA); nil means the system roots.
	// ServerName defaults to Addr's host.
	TLS *tls.Config
	// Hello is the name sent in EHLO; empty means From's domain.
	Hello string
}

// SMTP sends e-mail through one relay with net/smtp, one connection per
// message: notifications are few and outbox workers retry, so pooling would
// add state for no gain.
type SMTP struct {
	cfg  SMTPConfig
	host string
	from *mail.Address
	now  func() time.Time
}

// NewSMTP checks cfg and returns a sender. now stamps the Date header.
func NewSMTP(cfg SMTPConfig, now func() time.Time) (*SMTP, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp address %q: want host:port: %w", cfg.Addr, err)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp sender %q: %w", cfg.From, err)
	}
	if cfg.AllowPlain && !isLoopback(host) {
		return nil, fmt.Errorf("notify: smtp: plain (no STARTTLS) is allowed only for a relay on localhost, not %q", host)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Hello == "" {
		cfg.Hello = domainOf(from.Address)
	}
	return &SMTP{cfg: cfg, host: host, from: from, now: now}, nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func domainOf(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

// ReplyError is a refusal by the SMTP server. It keeps the reply code and the
// stage but not the server's text, which often echoes the recipient's address
// and would carry it into logs.
type ReplyError struct {
	Stage string // SMTP command: "MAIL", "RCPT", "DATA", "AUTH", ...
	Code  int    // reply code, e.g. 550
}

// Error implements error.
func (e *ReplyError) Error() string {
	return fmt.Sprintf("notify: smtp %s refused with %d", e.Stage, e.Code)
}

// Permanent reports whether retrying cannot help (a 5xx reply), so that an
// outbox handler gives up instead of retrying.
func (e *ReplyError) Permanent() bool { return e.Code >= 500 }

// Send delivers an e-mail message. It upgrades the connection with STARTTLS
// whenever the server offers it, and refuses to go on without TLS unless
// AllowPlain (loopback only) is set.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := requireChannel(m, ChannelEmail); err != nil {
		return err
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return okno.Wrap(okno.EINVALID, "notify.recipient_invalid", errors.New("notify: recipient is not an e-mail address"))
	}
	msg, err := s.compose(to, m)
	if err != nil {
		return err
	}

	// Network deadlines run on the real clock, not the injected one, which
	// only stamps the Date header.
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp dial %s: %w", s.cfg.Addr, err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	// Cancelling ctx unblocks whatever read or write is in progress.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return s.fail(ctx, "greeting", err)
	}
	defer c.Close()
	if err := s.exchange(ctx, c, to.Address, msg); err != nil {
		// After a refusal the server still talks: end the session politely
		// so it does not keep a half-made transaction.
		var re *ReplyError
		if errors.As(err, &re) {
			_ = c.Quit()
		}
		return err
	}
	// The message is accepted once DATA is; a failed QUIT does not unsend it.
	_ = c.Quit()
	return nil
}

// exchange runs the SMTP dialogue from EHLO to the end of DATA.
func (s *SMTP) exchange(ctx context.Context, c *smtp.Client, to string, msg []byte) error {
	if err := c.Hello(s.cfg.Hello); err != nil {
		return s.fail(ctx, "EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
		if s.cfg.TLS != nil {
			tc = s.cfg.TLS.Clone()
			if tc.ServerName == "" {
				tc.ServerName = s.host
			}
		}
		if err := c.StartTLS(tc); err != nil {
			return s.fail(ctx, "STARTTLS", err)
		}
	} else if !s.cfg.AllowPlain {
		return fmt.Errorf("notify: smtp server %s does not offer STARTTLS; refusing to send in clear text", s.cfg.Addr)
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host)); err != nil {
			return s.fail(ctx, "AUTH", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return s.fail(ctx, "MAIL", err)
	}
	if err := c.Rcpt(to); err != nil {
		return s.fail(ctx, "RCPT", err)
	}
	w, err := c.Data()
	if err != nil {
		return s.fail(ctx, "DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return s.fail(ctx, "DATA", err)
	}
	if err := w.Close(); err != nil {
		return s.fail(ctx, "DATA", err)
	}
	return nil
}

// fail wraps an error of one SMTP stage: the context's error when it was
// cancelled, a ReplyError (without the server's text) for a refusal.
func (s *SMTP) fail(ctx context.Context, stage string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("notify: smtp %s: %w", stage, ctx.Err())
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return &ReplyError{Stage: stage, Code: te.Code}
	}
	return fmt.Errorf("notify: smtp %s: %w", stage, err)
}

// compose renders the message: UTF-8 headers encoded per RFC 2047, and a
// text/plain body in base64, which is a third the size of quoted-printable
// for Cyrillic text and survives any relay.
func (s *SMTP) compose(to *mail.Address, m Message) ([]byte, error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, fmt.Errorf("notify: message id: %w", err)
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(foldHeader(k, v)) }
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", mime.BEncoding.Encode("utf-8", m.Subject))
	header("Date", s.now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domainOf(s.from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes(), nil
}

// foldHeader renders one header field, folding at spaces so that lines stay
// within 78 characters where the words allow (RFC 5322 2.2.3). Values reach
// here already encoded: mail.Address and mime.BEncoding turn non-ASCII text
// into encoded-words of at most 75 characters, and encode control characters
// (CR, LF) too, so a value can never inject a header.
func foldHeader(name, value string) string {
	var b strings.Builder
	line := len(name) + 1
	b.WriteString(name + ":")
	for _, w := range strings.Split(value, " ") {
		// Fold only before a word: a folded line of spaces alone is not allowed.
		if w != "" && line+1+len(w) > 78 {
			b.WriteString("\r\n")
			line = 0
		}
		b.WriteString(" " + w)
		line += 1 + len(w)
	}
	b.WriteString("\r\n")
	return b.String()
}
