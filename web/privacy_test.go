package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/org"
	"github.com/okno/okno/web/webtest"
)

// lockedBuffer is the log's destination: request handlers write to it
// from their own goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (lb *lockedBuffer) Write(p []byte) (int, error) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.b.Write(p)
}

func (lb *lockedBuffer) String() string {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.b.String()
}

// TestNoPersonalDataInLogs takes citizens through sign-up, confirmation,
// sign-in, the standard level and an operator's look-ups and in-person
// check — with mistakes on the way, since errors are what gets logged —
// and searches everything the app logged, at every level, for their
// contacts, names and document numbers in every spelling a person might
// type them.
func TestNoPersonalDataInLogs(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		snils := validSNILS(57)
		badSNILS := snils[:9] + strconv.Itoa((int(snils[9]-'0')+1)%10) + snils[10:]
		personal := []string{
			privacyEmail, "aglaya.voskresenskaya", "AGLAYA.VOSKRESENSKAYA",
			privacyPhone, "+79215554321", "79215554321", "89215554321", "9215554321", "921 555-43-21", "555-43-21",
			privacyPassport, "4017583920", "40 17 583920", "583920",
			snils, formatSNILS(snils), snils[:3] + " " + snils[3:6] + " " + snils[6:9] + " " + snils[9:],
			snils[:3] + "-" + snils[3:6] + "-" + snils[6:9] + "-" + snils[9:], snils[:9], badSNILS,
			"Воскресенская", "Аглая", "Феоктистовна", "Евлампий", "1987-04-13", "13.04.1987",
		}
		var logs lockedBuffer
		// Registered before the server starts, so it runs after the server
		// has closed and every request has written its access log line.
		t.Cleanup(func() { checkLogs(t, logs.String(), personal) })
		// Timestamps are left out: their digits could match a number by chance.
		dropTime := func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
		live := webtest.StartLiveLogging(t, dsn, slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: dropTime})))
		ctx := context.Background()

		const password = "тихий вечер у Невы"
		// inbox is the contact as the demo mailbox files it (a phone in +7… form).
		signUp := func(contact, inbox, name string) *webtest.Visitor {
			t.Helper()
			v := live.NewVisitor(t)
			v.Get("/signup")
			v.Post("/signup", "display_name", name, "contact", contact, "password", password)
			v.Expect(http.StatusOK, "Введите код подтверждения")
			code := live.CodeFor(t, inbox)
			v.Post("/confirm", "contact", contact, "code", wrongCode(code))
			v.Expect(http.StatusUnprocessableEntity, "Неверный код")
			v.Post("/confirm", "contact", contact, "code", code)
			v.Expect(http.StatusOK)
			v.Post("/signin", "contact", contact, "password", "не тот пароль")
			v.Expect(http.StatusUnauthorized)
			v.Post("/signin", "contact", contact, "password", password)
			v.Expect(http.StatusOK, "Здравствуйте, "+name)
			return v
		}
		v := signUp(privacyEmail, privacyEmail, "Аглая")
		signUp(privacyPhone, "+79215554321", "Евлампий")

		v.Get("/cabinet/level/name")
		v.Post("/cabinet/level/name", "last_name", "Воскресенская", "first_name", "Аглая", "middle_name", "Феоктистовна")
		v.Expect(http.StatusOK)
		v.Post("/cabinet/level/birth-date", "birth_day", "13", "birth_month", "04", "birth_year", "1987")
		v.Expect(http.StatusOK)
		v.Post("/cabinet/level/passport", "passport", privacyPassport)
		v.Expect(http.StatusOK)
		v.Post("/cabinet/level/snils", "snils", badSNILS)
		v.Expect(http.StatusUnprocessableEntity)
		v.Post("/cabinet/level/snils", "snils", formatSNILS(snils))
		v.Expect(http.StatusOK, "Проверьте данные")
		v.Post("/cabinet/level/check")
		v.Expect(http.StatusOK, "Стандартная")

		o, err := live.App.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindInstitution, Name: "МФЦ Центрального района", Hours: org.OfficeHours()}, okno.System)
		mustOK(t, err)
		p, err := live.App.Orgs.CreatePosition(ctx, orgPosition(o.ID, "Оператор", okno.RoleOperator), okno.System)
		mustOK(t, err)
		_, err = live.App.CreateStaff(ctx, okno.System, "operator@mfc.example", "Оператор МФЦ", castPassword, p.ID)
		mustOK(t, err)
		op := staffVisitor(t, live, "operator@mfc.example")
		op.Expect(http.StatusOK, "Граждане")
		for _, q := range []string{"by=snils&q=" + snils, "by=snils&q=" + formatSNILS(snils), "by=email&q=" + privacyEmail, "by=phone&q=" + privacyPhone, "by=phone&q=89215554321"} {
			op.Get("/staff/citizens?" + strings.ReplaceAll(q, " ", "+")).Expect(http.StatusOK)
		}
		op.Get("/staff/citizens?by=email&q=nobody." + privacyEmail).Expect(http.StatusUnprocessableEntity)
		op.Get("/staff/citizens?by=snils&q=" + snils)
		id := strconv.FormatInt(userID(t, live, privacyEmail), 10)
		op.Post("/staff/citizens/"+id+"/confirm", "by", "snils", "q", snils, "passport", "4017 583921")
		op.Expect(http.StatusUnprocessableEntity)
		op.Post("/staff/citizens/"+id+"/confirm", "by", "snils", "q", snils, "passport", privacyPassport)
		op.Expect(http.StatusOK, "Личность подтверждена")
		live.Deliver(t)
	})
}

const (
	privacyEmail    = "aglaya.voskresenskaya@example.ru"
	privacyPhone    = "+7 921 555-43-21"
	privacyPassport = "4017 583920"
)

// checkLogs fails the test if logs hold any of personal, or hold too
// little to prove anything.
func checkLogs(t *testing.T, logs string, personal []string) {
	t.Helper()
	// The same text, with JSON escapes undone, so that "\u0410" hides nothing.
	var decoded strings.Builder
	lines := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, line)
		}
		b, _ := json.Marshal(rec)
		decoded.WriteString(string(b) + "\n")
		for k, v := range rec {
			decoded.WriteString(k + "=" + stringOf(v) + "\n")
		}
		lines++
	}
	if lines < 30 || !strings.Contains(logs, `"msg":"http"`) || !strings.Contains(logs, "identity: delivered") {
		t.Fatalf("the app logged %d lines, without requests or deliveries: is the logger wired?\n%s", lines, logs)
	}
	for _, s := range personal {
		for _, text := range []string{logs, decoded.String()} {
			if i := strings.Index(text, s); i >= 0 {
				start, end := strings.LastIndex(text[:i], "\n")+1, strings.Index(text[i:], "\n")
				if end < 0 {
					end = len(text) - i
				}
				t.Errorf("the log holds %q:\n%s", s, text[start:i+end])
				break
			}
		}
	}
}

func stringOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		var b strings.Builder
		for k, x := range v {
			b.WriteString(k + "=" + stringOf(x) + " ")
		}
		return b.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// formatSNILS writes 11 digits as people do: 112-233-445 95.
func formatSNILS(d string) string { return d[:3] + "-" + d[3:6] + "-" + d[6:9] + " " + d[9:] }

// wrongCode is a six-digit code other than code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}
