package notify

import (
	"context"
	"errors"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	gopdu "github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutext"
	"github.com/fiorix/go-smpp/smpp/smpptest"
	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
)

// submitted is one submit_sm as the test SMSC decoded it.
type submitted struct {
	Source, Dest       string
	SourceTON, DestTON byte
	ESMClass, Coding   byte
	Short              []byte
}

// smsc is go-smpp's test SMSC, a real SMPP server on a local port, with a
// handler that answers like an SMSC and records what it received.
type smsc struct {
	srv *smpptest.Server

	mu        sync.Mutex
	submits   []submitted
	commands  []string     // every PDU received after the bind, in order
	status    gopdu.Status // command_status of the next submit_sm_resp
	pingFirst bool         // send an enquire_link before answering a submit_sm
	conns     []smpptest.Conn
	unbound   chan struct{}
}

func startSMSC(t *testing.T) *smsc {
	t.Helper()
	s := &smsc{srv: smpptest.NewUnstartedServer(), unbound: make(chan struct{}, 10)}
	s.srv.Handler = s.handle
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

func (s *smsc) handle(c smpptest.Conn, p gopdu.Body) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := p.Header()
	s.commands = append(s.commands, h.ID.String())
	if len(s.conns) == 0 || s.conns[len(s.conns)-1] != c {
		s.conns = append(s.conns, c)
	}
	var resp gopdu.Body
	switch h.ID {
	case gopdu.SubmitSMID:
		f := p.Fields()
		s.submits = append(s.submits, submitted{
			Source: f[pdufield.SourceAddr].String(), Dest: f[pdufield.DestinationAddr].String(),
			SourceTON: f[pdufield.SourceAddrTON].Bytes()[0], DestTON: f[pdufield.DestAddrTON].Bytes()[0],
			ESMClass: f[pdufield.ESMClass].Bytes()[0], Coding: f[pdufield.DataCoding].Bytes()[0],
			Short: append([]byte(nil), f[pdufield.ShortMessage].Bytes()...),
		})
		if s.pingFirst {
			s.pingFirst = false
			c.Write(gopdu.NewEnquireLink())
		}
		resp = gopdu.NewSubmitSMResp()
		resp.Fields().Set(pdufield.MessageID, "msg-1")
		resp.Header().Status = s.status
	case gopdu.EnquireLinkID:
		resp = gopdu.NewEnquireLinkResp()
	case gopdu.UnbindID:
		resp = gopdu.NewUnbindResp()
		defer func() { s.unbound <- struct{}{} }()
	default:
		return
	}
	resp.Header().Seq = h.Seq
	c.Write(resp)
}

func (s *smsc) received() ([]submitted, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]submitted(nil), s.submits...), append([]string(nil), s.commands...)
}

func (s *smsc) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *smsc) reset(status gopdu.Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.submits, s.commands, s.status = nil, nil, status
}

func newTestSMPP(t *testing.T, addr, password string) *SMPP {
	t.Helper()
	c, err := NewSMPP(SMPPConfig{Addr: addr, SystemID: smpptest.DefaultUser, Password: password, SourceAddr: "Okno", Timeout: 10 * time.Second}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// decodeSubmits reassembles the parts the SMSC received with go-smpp's own
// decoders: GSM 03.38 (unpacked) or UCS-2 by data_coding, concatenated by
// the UDH's sequence numbers.
func decodeSubmits(t *testing.T, subs []submitted) string {
	t.Helper()
	type part struct {
		seq  byte
		text string
	}
	var parts []part
	for i, s := range subs {
		payload, seq := s.Short, byte(1)
		if s.ESMClass&0x40 != 0 {
			udh := payload[:1+int(payload[0])]
			if len(udh) != 6 || udh[1] != 0x00 || udh[2] != 3 || udh[4] != byte(len(subs)) {
				t.Fatalf("part %d: UDH % x for %d parts", i, udh, len(subs))
			}
			if udh[3] != subs[0].Short[3] {
				t.Fatalf("part %d: reference %d, first part's %d", i, udh[3], subs[0].Short[3])
			}
			payload, seq = payload[len(udh):], udh[5]
		} else if len(subs) > 1 {
			t.Fatalf("part %d of %d without a UDH", i, len(subs))
		}
		var text []byte
		switch s.Coding {
		case codingGSM7:
			text = pdutext.GSM7(payload).Decode()
		case codingUCS2:
			text = pdutext.UCS2(payload).Decode()
		default:
			t.Fatalf("data_coding %d", s.Coding)
		}
		parts = append(parts, part{seq, string(text)})
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].seq < parts[j].seq })
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.text)
	}
	return b.String()
}

func TestSMPPSendsOverRealSMSC(t *testing.T) {
	srv := startSMSC(t)
	c := newTestSMPP(t, srv.srv.Addr(), smpptest.DefaultPasswd)
	ctx := context.Background()
	cyr := func(n int) string { return strings.Repeat("Щ", n) }
	tests := []struct {
		name   string
		text   string
		parts  int
		coding byte
	}{
		{"70 Cyrillic", cyr(70), 1, codingUCS2},
		{"71 Cyrillic", cyr(71), 2, codingUCS2},
		{"134 Cyrillic", cyr(134), 2, codingUCS2},
		{"135 Cyrillic", cyr(135), 3, codingUCS2},
		{"160 Latin", strings.Repeat("x", 160), 1, codingGSM7},
		{"161 Latin", strings.Repeat("x", 161), 2, codingGSM7},
		{"GSM escapes at a boundary", strings.Repeat("x", 152) + "{€}" + "[~]|^\\", 2, codingGSM7},
		{"emoji at a boundary", cyr(66) + "🙂" + cyr(5), 2, codingUCS2},
		{"Russian notification", "Заявление № 2026-000123 рассмотрено. Ответ: https://okno.example/cabinet/cases/12", 2, codingUCS2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.reset(0)
			if err := c.Send(ctx, Message{Channel: ChannelSMS, To: "8 (916) 123-45-67", Body: tt.text}); err != nil {
				t.Fatal(err)
			}
			subs, _ := srv.received()
			if len(subs) != tt.parts {
				t.Fatalf("SMSC received %d parts, want %d", len(subs), tt.parts)
			}
			for _, s := range subs {
				if s.Coding != tt.coding || s.Dest != "79161234567" || s.DestTON != 1 || s.Source != "Okno" || s.SourceTON != 5 {
					t.Errorf("submit_sm %+v", s)
				}
			}
			if diff := cmp.Diff(tt.text, decodeSubmits(t, subs)); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
		})
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	<-srv.unbound
	_, cmds := srv.received()
	if got := cmds[len(cmds)-1]; got != "Unbind" {
		t.Errorf("last command = %s, want Unbind", got)
	}
	if n := srv.connections(); n != 1 {
		t.Errorf("%d connections, want one shared by every message", n)
	}
}

func TestSMPPKeepaliveAndSMSCRequests(t *testing.T) {
	srv := startSMSC(t)
	c := newTestSMPP(t, srv.srv.Addr(), smpptest.DefaultPasswd)
	ctx := context.Background()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	err := c.enquire(ctx, c.conn)
	c.mu.Unlock()
	if err != nil {
		t.Fatalf("enquire_link: %v", err)
	}
	// The SMSC asks enquire_link in the middle of a submit: the client answers it.
	srv.mu.Lock()
	srv.pingFirst = true
	srv.mu.Unlock()
	if err := c.Send(ctx, Message{Channel: ChannelSMS, To: "+79161234567", Body: "Code 1"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	<-srv.unbound
	_, cmds := srv.received()
	if diff := cmp.Diff([]string{"EnquireLink", "SubmitSM", "EnquireLinkResp", "Unbind"}, cmds); diff != "" {
		t.Errorf("commands at the SMSC (-want +got):\n%s", diff)
	}
	if err := c.Send(ctx, Message{Channel: ChannelSMS, To: "+79161234567", Body: "Code 2"}); err == nil {
		t.Error("Send after Close succeeded")
	}
}

func TestSMPPReconnectsAfterBrokenConnection(t *testing.T) {
	srv := startSMSC(t)
	c := newTestSMPP(t, srv.srv.Addr(), smpptest.DefaultPasswd)
	ctx := context.Background()
	send := func() error {
		return c.Send(ctx, Message{Channel: ChannelSMS, To: "+79161234567", Body: "Code"})
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	first := c.conn
	c.mu.Unlock()
	srv.mu.Lock()
	srv.conns[0].Close() // the SMSC drops the link
	srv.mu.Unlock()
	<-first.done // the client's reader has seen it go
	srv.reset(0)
	if err := send(); err != nil {
		t.Fatalf("send after the link broke: %v", err)
	}
	if subs, _ := srv.received(); len(subs) != 1 {
		t.Errorf("SMSC received %d messages after reconnecting, want 1", len(subs))
	}
	if n := srv.connections(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestSMPPStatusErrors(t *testing.T) {
	srv := startSMSC(t)
	c := newTestSMPP(t, srv.srv.Addr(), smpptest.DefaultPasswd)
	tests := []struct {
		name      string
		status    gopdu.Status
		permanent bool
	}{
		{"throttled", 0x58, false},
		{"queue full", 0x14, false},
		{"system error", 0x08, false},
		{"invalid destination", 0x0B, true},
		{"rejected by the application", 0x66, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.reset(tt.status)
			err := c.Send(context.Background(), Message{Channel: ChannelSMS, To: "+79161234567", Body: "Code"})
			var se *SMPPError
			if !errors.As(err, &se) || se.Status != uint32(tt.status) || se.Command != "submit_sm" {
				t.Fatalf("err = %v, want an SMPPError with status 0x%x", err, tt.status)
			}
			if got := outbox.IsPermanent(err); got != tt.permanent {
				t.Errorf("permanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			if strings.Contains(err.Error(), "9161234567") {
				t.Errorf("error %q carries the phone number", err)
			}
		})
	}
}

func TestSMPPBindFailures(t *testing.T) {
	t.Run("wrong password: the SMSC hangs up", func(t *testing.T) {
		srv := startSMSC(t)
		c := newTestSMPP(t, srv.srv.Addr(), "wrong")
		err := c.Connect(context.Background())
		if err == nil || !strings.Contains(err.Error(), "bind") || !strings.Contains(err.Error(), "password") {
			t.Fatalf("err = %v, want a bind failure naming the password", err)
		}
		if outbox.IsPermanent(err) || isPermanent(err) {
			t.Errorf("a bind failure is permanent; the messages must wait for the configuration to be fixed")
		}
		if err := c.Send(context.Background(), Message{Channel: ChannelSMS, To: "+79161234567", Body: "Code"}); err == nil {
			t.Error("Send with a wrong password succeeded")
		}
	})
	t.Run("refused with a status", func(t *testing.T) {
		addr := refusingSMSC(t, statusInvalidPasswd)
		c := newTestSMPP(t, addr, "wrong")
		err := c.Connect(context.Background())
		var se *SMPPError
		if !errors.As(err, &se) || se.Status != statusInvalidPasswd || !strings.Contains(err.Error(), "ESME_RINVPASWD") {
			t.Fatalf("err = %v, want ESME_RINVPASWD", err)
		}
		if outbox.IsPermanent(err) || isPermanent(err) {
			t.Error("a refused bind is permanent")
		}
	})
}

// refusingSMSC answers one bind with status: a server that refuses
// instead of hanging up, as go-smpp's test server does.
func refusingSMSC(t *testing.T, status uint32) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		nc, err := l.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		p, err := readPDU(nc)
		if err != nil {
			return
		}
		nc.Write(pdu{Command: p.Command | cmdResponse, Status: status, Seq: p.Seq}.marshal())
		readPDU(nc) // until the client hangs up
	}()
	return l.Addr().String()
}

func TestSMPPRejectsBadMessages(t *testing.T) {
	// Nothing listens here: a message checked first never dials.
	c := newTestSMPP(t, "127.0.0.1:1", "x")
	for _, m := range []Message{
		{Channel: ChannelEmail, To: "+79161234567", Body: "x"},
		{Channel: ChannelSMS, To: "not a phone", Body: "x"},
		{Channel: ChannelSMS, To: "+1 202 555 0100", Body: "x"},
		{Channel: ChannelSMS, To: "+79161234567", Body: ""},
		{Channel: ChannelSMS, To: "+79161234567", Body: strings.Repeat("ж", 1000)},
	} {
		if got := okno.ErrorCodeOf(c.Send(context.Background(), m)); got != okno.EINVALID {
			t.Errorf("Send(%s to %q, %d runes) = %q, want invalid", m.Channel, m.To, len([]rune(m.Body)), got)
		}
	}
}

func TestNewSMPPChecksConfig(t *testing.T) {
	ok := SMPPConfig{Addr: "smsc.example:2775", SystemID: "okno", Password: "secret"}
	tests := []struct {
		name string
		edit func(*SMPPConfig)
		want *smsAddress // nil: refused
	}{
		{"no sender", func(*SMPPConfig) {}, &smsAddress{}},
		{"name", func(c *SMPPConfig) { c.SourceAddr = "Okno SPb" }, &smsAddress{TON: 5, Addr: "Okno SPb"}},
		{"number", func(c *SMPPConfig) { c.SourceAddr = "+79001234567" }, &smsAddress{TON: 1, NPI: 1, Addr: "79001234567"}},
		{"short code", func(c *SMPPConfig) { c.SourceAddr = "0911" }, &smsAddress{Addr: "0911"}},
		{"long name", func(c *SMPPConfig) { c.SourceAddr = "Okno Sankt-Peterburg" }, nil},
		{"Cyrillic name", func(c *SMPPConfig) { c.SourceAddr = "Окно" }, nil},
		{"no port", func(c *SMPPConfig) { c.Addr = "smsc.example" }, nil},
		{"no system_id", func(c *SMPPConfig) { c.SystemID = "" }, nil},
		{"long password", func(c *SMPPConfig) { c.Password = "123456789" }, nil},
		{"NUL in system_type", func(c *SMPPConfig) { c.SystemType = "a\x00" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			c, err := NewSMPP(cfg, fixedNow)
			if tt.want == nil {
				if err == nil {
					t.Errorf("NewSMPP accepted %+v", cfg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(*tt.want, c.from); diff != "" {
				t.Errorf("source address (-want +got):\n%s", diff)
			}
		})
	}
}
