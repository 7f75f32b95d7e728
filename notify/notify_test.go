package notify

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestMessageLogValueHidesPersonalData(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	m := Message{Channel: ChannelEmail, To: "ivan@example.ru", UserID: 12, Subject: "Код для Ивана", Body: "482913"}
	log.Info("sent", "msg", m)
	got := buf.String()
	for _, secret := range []string{m.To, m.Subject, m.Body} {
		if strings.Contains(got, secret) {
			t.Errorf("log line %s contains %q", got, secret)
		}
	}
	for _, want := range []string{`"channel":"email"`, `"user_id":12`} {
		if !strings.Contains(got, want) {
			t.Errorf("log line %s lacks %s", got, want)
		}
	}
}
