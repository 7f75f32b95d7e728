package notify

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 15, 123456789, time.UTC)

func fixedNow() time.Time { return testNow }

// smtpSink starts postfix's smtp-sink, a real SMTP server that accepts mail
// and dumps each message to a file in the returned directory. extra are more
// smtp-sink options (e.g. "-f", "RCPT" to refuse recipients). The server
// stops when the test ends.
func smtpSink(t *testing.T, extra ...string) (addr, dir string) {
	t.Helper()
	bin, err := exec.LookPath("smtp-sink")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/smtp-sink"); err != nil {
			t.Skip("smtp-sink not found: install Debian's postfix package " +
				"(DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix)")
		}
	}
	// smtp-sink drops root privileges to -u's user, which must be able to
	// write the dump directory; t.TempDir's parents are private to root, so
	// the directory is made in the shared temporary directory.
	dir, err = os.MkdirTemp("", "okno-smtp-sink-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	// A free port: listen on port 0, note the port, release it for smtp-sink.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = l.Addr().String()
	l.Close()

	args := append([]string{"-d", filepath.Join(dir, "%M.")}, extra...)
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	args = append(args, addr, "10")
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start smtp-sink: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	// Wait until it listens. This polls a real process starting up: there is
	// no clock to inject, and the loop is bounded.
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return addr, dir
		}
		select {
		case <-exited:
			t.Fatalf("smtp-sink exited: %s", stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtp-sink did not listen on %s: %v; %s", addr, err, stderr.String())
		}
	}
}

// dumped returns the messages smtp-sink has written to dir. It opens a dump
// file when a transaction starts, so a refused transaction leaves an empty
// file, which is no message.
func dumped(t *testing.T, dir string) [][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var msgs [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 {
			msgs = append(msgs, b)
		}
	}
	return msgs
}

func TestSMTPSendsRussianMessage(t *testing.T) {
	addr, dir := smtpSink(t)
	s, err := NewSMTP(SMTPConfig{
		Addr:       addr,
		From:       "Окно — портал услуг <noreply@okno.example>",
		AllowPlain: true, // smtp-sink offers no STARTTLS
		Timeout:    10 * time.Second,
	}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	subject := "Код подтверждения для входа на портал «Окно»: никому его не сообщайте, даже сотрудникам"
	body := "Здравствуйте!\n\nВаш код: 482913.\nОн действует 10 минут.\n.\nЕсли вы не запрашивали код, просто удалите это письмо."
	err = s.Send(context.Background(), Message{Channel: ChannelEmail, To: "Иван Петров <ivan.petrov@example.ru>", Subject: subject, Body: body})
	if err != nil {
		t.Fatal(err)
	}

	msgs := dumped(t, dir)
	if len(msgs) != 1 {
		t.Fatalf("smtp-sink received %d messages, want 1", len(msgs))
	}
	raw := string(msgs[0])
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, raw)
	}
	h := msg.Header
	// smtp-sink records the envelope as X- headers.
	if got, want := h.Get("X-Mail-Args"), "<noreply@okno.example>"; !strings.HasPrefix(got, want) {
		t.Errorf("MAIL FROM = %q, want %q", got, want)
	}
	if got, want := h.Get("X-Rcpt-Args"), "<ivan.petrov@example.ru>"; !strings.HasPrefix(got, want) {
		t.Errorf("RCPT TO = %q, want %q", got, want)
	}
	for _, line := range strings.Split(raw, "\n") {
		if len(strings.TrimRight(line, "\r")) > 78 {
			t.Errorf("line longer than 78 characters: %q", line)
		}
		for _, r := range line {
			if r > 127 {
				t.Fatalf("non-ASCII byte in the message: %q", line)
			}
		}
	}

	dec := new(mime.WordDecoder)
	gotSubject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	from, err := h.AddressList("From")
	if err != nil {
		t.Fatal(err)
	}
	to, err := h.AddressList("To")
	if err != nil {
		t.Fatal(err)
	}
	date, err := h.Date()
	if err != nil {
		t.Fatal(err)
	}
	type headers struct {
		Subject, From, To, MIME, ContentType, Encoding string
		Date                                           time.Time
	}
	got := headers{gotSubject, from[0].String(), to[0].String(), h.Get("MIME-Version"), h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"), date.UTC()}
	want := headers{subject,
		(&mail.Address{Name: "Окно — портал услуг", Address: "noreply@okno.example"}).String(),
		(&mail.Address{Name: "Иван Петров", Address: "ivan.petrov@example.ru"}).String(),
		"1.0", "text/plain; charset=utf-8", "base64", testNow.Truncate(time.Second)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@okno.example>") {
		t.Errorf("Message-ID = %q", id)
	}

	enc, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(enc)))
	if err != nil {
		t.Fatalf("body is not base64: %v", err)
	}
	if diff := cmp.Diff(strings.ReplaceAll(body, "\n", "\r\n"), string(b)); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func TestSMTPRequiresSTARTTLS(t *testing.T) {
	addr, dir := smtpSink(t)
	s, err := NewSMTP(SMTPConfig{Addr: addr, From: "noreply@okno.example"}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), Message{Channel: ChannelEmail, To: "ivan@example.ru", Subject: "Код", Body: "123456"})
	if err == nil {
		t.Fatal("Send to a server without STARTTLS succeeded, want a refusal")
	}
	if n := len(dumped(t, dir)); n != 0 {
		t.Fatalf("server received %d messages in clear text", n)
	}
}

func TestSMTPRefusalKeepsRecipientOutOfError(t *testing.T) {
	addr, dir := smtpSink(t, "-f", "RCPT")
	s, err := NewSMTP(SMTPConfig{Addr: addr, From: "noreply@okno.example", AllowPlain: true}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), Message{Channel: ChannelEmail, To: "ivan@example.ru", Subject: "Код", Body: "123456"})
	var re *ReplyError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *ReplyError", err)
	}
	if re.Stage != "RCPT" || re.Code/100 != 5 || !re.Permanent() {
		t.Errorf("ReplyError = %+v (permanent %v), want a permanent RCPT refusal", re, re.Permanent())
	}
	if strings.Contains(err.Error(), "ivan") {
		t.Errorf("error %q carries the recipient", err)
	}
	if n := len(dumped(t, dir)); n != 0 {
		t.Fatalf("server kept %d messages: %q", n, dumped(t, dir))
	}
}

func TestNewSMTPChecksConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  SMTPConfig
		ok   bool
	}{
		{"relay with TLS", SMTPConfig{Addr: "smtp.example.ru:587", From: "noreply@okno.example"}, true},
		{"plain to localhost", SMTPConfig{Addr: "localhost:25", From: "noreply@okno.example", AllowPlain: true}, true},
		{"plain to ::1", SMTPConfig{Addr: "[::1]:25", From: "noreply@okno.example", AllowPlain: true}, true},
		{"plain to a remote relay", SMTPConfig{Addr: "smtp.example.ru:25", From: "noreply@okno.example", AllowPlain: true}, false},
		{"no port", SMTPConfig{Addr: "smtp.example.ru", From: "noreply@okno.example"}, false},
		{"bad sender", SMTPConfig{Addr: "smtp.example.ru:587", From: "okno"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSMTP(tt.cfg, fixedNow)
			if got := err == nil; got != tt.ok {
				t.Errorf("NewSMTP ok = %v (err %v), want %v", got, err, tt.ok)
			}
		})
	}
}

func TestSMTPRejectsBadMessages(t *testing.T) {
	// Nothing listens on this address: a message that is checked first never dials.
	s, err := NewSMTP(SMTPConfig{Addr: "127.0.0.1:1", From: "noreply@okno.example", AllowPlain: true}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Message{
		{Channel: ChannelSMS, To: "+79001234567"},
		{Channel: ChannelEmail, To: "not an address"},
		{Channel: ChannelEmail, To: "ivan@example.ru\r\nBcc: all@example.ru"},
	} {
		if got := okno.ErrorCodeOf(s.Send(context.Background(), m)); got != okno.EINVALID {
			t.Errorf("Send(%+v) code = %q, want invalid", m, got)
		}
	}
}

func TestFoldHeader(t *testing.T) {
	for _, v := range []string{
		"Plain ASCII",
		"Код",
		"Injected\r\nBcc: all@example.ru",
		strings.Repeat("Длинная тема ", 20),
		strings.Repeat("long  ascii   words ", 10),
	} {
		enc := foldHeader("Subject", mime.BEncoding.Encode("utf-8", v))
		lines := strings.Split(strings.TrimSuffix(enc, "\r\n"), "\r\n")
		for i, line := range lines {
			if len(line) > 78 {
				t.Errorf("%q: line %d has %d characters", v, i, len(line))
			}
			if i > 0 && strings.TrimSpace(line) == "" {
				t.Errorf("%q: line %d is blank", v, i)
			}
			if strings.ContainsAny(line, "\r\n") || (i > 0 && line[0] != ' ') {
				t.Errorf("%q: line %d = %q: a line break that is not folding", v, i, line)
			}
		}
		got, err := new(mime.WordDecoder).DecodeHeader(strings.TrimPrefix(strings.Join(lines, ""), "Subject: "))
		if err != nil {
			t.Fatal(err)
		}
		if got != v {
			t.Errorf("decoded %q, want %q", got, v)
		}
	}
}
