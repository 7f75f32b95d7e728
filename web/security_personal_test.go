package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno/casework"
	"github.com/okno/okno/web/webtest"
)

// The person of TestSecurityPersonalDataAtRest: values distinctive enough
// that finding one anywhere is no coincidence.
const (
	pdEmail    = "zinaida.kuropatkina@example.ru"
	pdPhone    = "+7 931 777-12-34"
	pdPassport = "4512 734519"
	pdLast     = "Куропаткина"
	pdFirst    = "Зинаида"
	pdMiddle   = "Аполлинарьевна"
	pdDisplay  = "Кира" // the name she chose to be greeted by: not personal data
)

// plaintextAllowed lists the columns where the flow's values may be found
// in plaintext, each with the reason. Anything else holding one fails.
var plaintextAllowed = map[string]string{
	// An appeal's text is sealed as the author wrote it; what moderation
	// publishes on the public map is kept in the clear. A moderator edits
	// names out before publishing; this flow publishes the text as it is
	// to prove the scan reads plaintext columns.
	"appeals.public_text": "the appeal text as moderation published it",
}

// TestSecurityPersonalDataAtRest takes a citizen with a distinctive
// e-mail, phone, passport, СНИЛС and name through sign-up, raising the
// level, an application whose form asks for her СНИЛС, phone and name,
// and an appeal whose text names her; then searches every column of every
// table (both engines) and everything the app logged for those values in
// every spelling people type them.
func TestSecurityPersonalDataAtRest(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		var logs lockedBuffer
		t.Cleanup(func() { checkLogs(t, logs.String(), pdSpellings()) })
		dropTime := func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
		live := webtest.StartLiveLogging(t, dsn, slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: dropTime})))
		w := securityWorld(t, live)

		v := live.NewVisitor(t)
		v.Get("/signup")
		v.Post("/signup", "display_name", pdDisplay, "contact", pdEmail, "password", secPassword)
		v.Post("/confirm", "contact", pdEmail, "code", live.CodeFor(t, pdEmail))
		v.Post("/signin", "contact", pdEmail, "password", secPassword)
		v.Expect(http.StatusOK, "Здравствуйте, "+pdDisplay)
		v.Get("/cabinet/level/name")
		v.Post("/cabinet/level/name", "last_name", pdLast, "first_name", pdFirst, "middle_name", pdMiddle)
		v.Post("/cabinet/level/birth-date", "birth_day", "23", "birth_month", "11", "birth_year", "1979")
		v.Post("/cabinet/level/passport", "passport", pdPassport)
		v.Post("/cabinet/level/snils", "snils", formatSNILS(pdSNILS))
		v.Post("/cabinet/level/check")
		v.Expect(http.StatusOK, "Стандартная")

		id := startDraft(t, v, applyCode)
		base := "/applications/" + strconv.FormatInt(id, 10)
		v.Post(base+"/pages/about", "page", "about", "/name", pdFirst+" "+pdLast, "/age", "46", "/income", "1000")
		v.Post(base+"/pages/ids", "/birth.day", "23", "/birth.month", "11", "/birth.year", "1979", "/snils", formatSNILS(pdSNILS), "/phone", pdPhone)
		v.Expect(http.StatusOK, "Обстоятельства")
		v.Post(base+"/pages/choices", "/kind", "self", "/benefits", "large-family", "/hasCar", "false", "/district", "centralny")
		v.Post(base+"/pages/children", "/children.n", "1", "/children/0/fullName", "Пётр "+pdLast, "/children/0/born.day", "5", "/children/0/born.month", "6", "/children/0/born.year", "2024")
		v.PostFile(base+"/pages/files", "/scan", "паспорт "+pdLast+".png", testPNG(t), "page", "files", "action", "upload:/scan")
		v.Post(base+"/pages/files", "page", "files")
		v.Post(base+"/pages/agree", "/agree", "true")
		v.Expect(http.StatusOK, "Проверьте ответы")
		v.Post(base+"/submit", "consent", "yes")
		v.Expect(http.StatusOK, "Заявление отправлено")

		v.Get("/appeals/new")
		key := keyInput.FindStringSubmatch(v.Last)[1]
		answers := []string{"key", key, "reason", w.reason, "text", "Яма у подъезда, пишет жительница " + pdLast + ", дом 5",
			"lat", "59.925", "lon", "30.35", "address", "ул. Рубинштейна, 5"}
		v.Post("/appeals/new", answers...)
		v.PostFile("/appeals", "photos", "yama.png", testPNG(t), answers...)
		v.Expect(http.StatusOK, "Сообщение отправлено")
		appealID, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(v.URL, "/appeals/"), "/sent"), 10, 64)
		mustOK(t, err)
		op := w.actor(t, "staff-operator")
		c, err := live.App.Cases.Get(context.Background(), op.actor, appealID)
		mustOK(t, err)
		_, err = live.App.Cases.Act(context.Background(), op.actor, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "publish"})
		mustOK(t, err)
		live.Deliver(t)

		found := map[string][]string{} // table.column → values found
		for _, table := range dbTables(t, live.App.DB) {
			for _, row := range dumpTable(t, live.App.DB, table) {
				for _, c := range row {
					for _, s := range pdSpellings() {
						if bytes.Contains(c.val, []byte(s)) {
							col := table + "." + c.col
							if !slices.Contains(found[col], s) {
								found[col] = append(found[col], s)
							}
						}
					}
				}
			}
		}
		for col, values := range found {
			if _, ok := plaintextAllowed[col]; !ok {
				t.Errorf("%s holds in plaintext: %q", col, values)
			}
		}
		// The scan sees what is there: the display name is stored as typed.
		if !displayNameStored(t, live) {
			t.Fatal("the scan does not find the display name: it reads the wrong thing")
		}
		if !slices.Contains(found["appeals.public_text"], pdLast) {
			t.Error("the published appeal text, which names her, was not found: the scan misses plaintext columns")
		}
	})
}

// pdSNILS is the person's СНИЛС, with a correct check number.
var pdSNILS = validSNILS(777)

// pdSpellings are the person's values in every way people write them.
func pdSpellings() []string {
	s := pdSNILS
	return []string{
		pdEmail, "zinaida.kuropatkina", "ZINAIDA.KUROPATKINA",
		"+79317771234", "79317771234", "89317771234", "9317771234", "931 777-12-34", "777-12-34",
		pdPassport, "4512734519", "45 12 734519", "734519",
		s, formatSNILS(s), s[:3] + " " + s[3:6] + " " + s[6:9] + " " + s[9:], s[:3] + "-" + s[3:6] + "-" + s[6:9] + "-" + s[9:], s[:9],
		pdLast, strings.ToUpper(pdLast), pdFirst, pdMiddle, "1979-11-23", "23.11.1979",
	}
}

// displayNameStored reports whether users holds the display name as typed.
func displayNameStored(t *testing.T, live *webtest.Live) bool {
	t.Helper()
	for _, row := range dumpTable(t, live.App.DB, "users") {
		for _, c := range row {
			if string(c.val) == pdDisplay {
				return true
			}
		}
	}
	return false
}
