package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/web/webtest"
)

// xssPayload is what the suite types into every field that is shown back:
// a script element, an attribute break-out with an event handler, and a
// javascript: URL.
const xssPayload = `<script>alert(1)</script>"><img src=x onerror=alert(2)> javascript:alert(3)`

// xssEscaped is the part of the payload as html/template writes it in text
// and attributes: finding it proves the field is shown at all.
const xssEscaped = `&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;`

// xssRaw are what must never reach a page: markup from the payload, or a
// link to a javascript: URL.
var xssRaw = []string{"<script>alert", "<img src=x", `href="javascript:`, `src="javascript:`, `action="javascript:`}

// expectEscaped fails unless page shows the payload escaped (when shown)
// and holds none of its markup raw.
func expectEscaped(t *testing.T, where, page string, shown bool) {
	t.Helper()
	for _, raw := range xssRaw {
		if i := strings.Index(page, raw); i >= 0 {
			t.Errorf("%s: the page holds %q raw: …%s…", where, raw, page[max(0, i-80):min(len(page), i+120)])
		}
	}
	if shown && !strings.Contains(page, xssEscaped) {
		t.Errorf("%s: the payload is not shown back escaped\n%s", where, excerptOf(page))
	}
}

// TestSecurityXSS types the payload into every field people fill in that
// is shown back to someone — display names, appeal texts and addresses,
// file names, staff notes and action comments, complaint texts, rating
// comments, search queries, service titles — and reads every page that
// shows them, as the author, the official and the public. Each page must
// show the payload escaped and carry a CSP without inline scripts.
func TestSecurityXSS(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := securityWorld(t, live)
		ctx := context.Background()
		check := func(v *webtest.Visitor, path string, shown bool) {
			t.Helper()
			res := v.Get(path)
			if res.Status >= 500 {
				t.Fatalf("%s: status %d", path, res.Status)
			}
			expectEscaped(t, path, v.Last, shown)
		}

		// A display name, at sign-up and then on every page's header.
		name := live.NewVisitor(t)
		name.Get("/signup")
		name.Post("/signup", "display_name", xssPayload[:60], "contact", "xss-name@example.ru", "password", secPassword)
		expectEscaped(t, "sign-up with a hostile name", name.Last, false)
		if name.Status < 400 {
			name.Post("/confirm", "contact", "xss-name@example.ru", "code", live.CodeFor(t, "xss-name@example.ru"))
			name.Get("/signin")
			name.Post("/signin", "contact", "xss-name@example.ru", "password", secPassword)
			expectEscaped(t, "the cabinet of a hostile name", name.Last, false)
			if !strings.Contains(name.Last, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("the cabinet does not greet the hostile name escaped\n%s", excerptOf(name.Last))
			}
		} else if !strings.Contains(name.Last, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("the refused name is not shown back escaped\n%s", excerptOf(name.Last))
		}

		// Names on the way to the standard level: refused or kept, they
		// come back escaped on the question and on the check page.
		lv := signedInCitizen(t, live, "xss-level@example.ru")
		lv.Get("/cabinet/level/name")
		lv.Post("/cabinet/level/name", "last_name", xssPayload[:40], "first_name", "Анна", "middle_name", xssPayload[:40])
		expectEscaped(t, "the name question", lv.Last, false)
		lv.Post("/cabinet/level/birth-date", "birth_day", "13", "birth_month", "04", "birth_year", "1987")
		lv.Post("/cabinet/level/passport", "passport", "4017 583920")
		lv.Post("/cabinet/level/snils", "snils", formatSNILS(validSNILS(58)))
		for _, p := range []string{"/cabinet/level/check", "/cabinet/level/name?return=check"} {
			check(lv, p, false)
			if !strings.Contains(lv.Last, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("%s does not show the names back escaped\n%s", p, excerptOf(lv.Last))
			}
		}

		// An appeal through the citizen's pages: text, address and the
		// photo's file name.
		me := w.actor(t, "citizen-simplified")
		cit := live.NewVisitor(t).SignedIn(me.token)
		cit.Get("/appeals/new").Expect(http.StatusOK)
		key := keyInput.FindStringSubmatch(cit.Last)[1]
		answers := []string{"key", key, "reason", w.reason, "text", "Во дворе яма уже месяц " + xssPayload,
			"lat", "59.925", "lon", "30.35", "address", "ул. Рубинштейна " + xssPayload[:40]}
		cit.Post("/appeals/new", answers...)
		cit.Expect(http.StatusOK, "Проверьте сообщение")
		expectEscaped(t, "the appeal's check page", cit.Last, true)
		cit.PostFile("/appeals", "photos", xssPayload+".png", testPNG(t), answers...)
		cit.Expect(http.StatusOK, "Сообщение отправлено")
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(cit.URL, "/appeals/"), "/sent"), 10, 64)
		mustOK(t, err)
		casePage := strconv.FormatInt(id, 10)
		// The citizen's case page names the category, not the text.
		check(cit, "/cabinet/cases/"+casePage, false)
		check(cit, "/cabinet/cases", false)

		// The official's case page, a note and an answer with comments.
		off := live.NewVisitor(t).SignedIn(w.actor(t, "staff-official").token)
		check(off, "/staff/cases/"+casePage, true)
		if !strings.Contains(off.Last, "alert(3).png") {
			t.Errorf("the photo's hostile file name is not on the official's case page\n%s", excerptOf(off.Last))
		}
		off.Post("/staff/cases/"+casePage+"/notes", "version", versionOf(t, off.Last), "text", "Заметка "+xssPayload)
		check(off, "/staff/cases/"+casePage, true)
		if strings.Count(off.Last, xssEscaped) < 2 {
			t.Errorf("the note is not on the case page escaped")
		}
		op := live.NewVisitor(t).SignedIn(w.actor(t, "staff-operator").token)
		op.Get("/staff/cases/" + casePage)
		op.Post("/staff/cases/"+casePage+"/actions", "action", "publish", "version", versionOf(t, op.Last))
		if op.Status != http.StatusOK {
			t.Fatalf("publish: status %d\n%s", op.Status, excerptOf(op.Last))
		}
		check(live.NewVisitor(t), "/appeals/"+casePage, true)
		check(live.NewVisitor(t), "/map", false)
		check(live.NewVisitor(t), "/api/v1/map/appeals", false)
		check(live.NewVisitor(t), "/open311/v2/requests/"+casePage+".xml", false)
		check(live.NewVisitor(t), "/open311/v2/requests/"+casePage+".json", false)

		// Search queries, echoed on the results pages.
		q := url.QueryEscape(xssPayload[:58])
		for _, p := range []string{"/services?q=" + q, "/services/search?q=" + q} {
			check(live.NewVisitor(t), p, false)
		}
		check(off, "/staff/cases?q="+q, false)
		check(op, "/staff/citizens?by=email&q="+q, false)

		// A complaint about the world's case, and a rating of a closed one.
		page := "/cabinet/cases/" + strconv.FormatInt(w.caseID, 10)
		cit.Get(page + "/complaint")
		ck := complaintKeyRE.FindStringSubmatch(cit.Last)[1]
		text := "Яму не заделали, срок прошёл. " + xssPayload
		cit.Post(page+"/complaint", "key", ck, "grounds", "deadline", "text", text)
		cit.Expect(http.StatusOK, "Проверьте жалобу")
		expectEscaped(t, "the complaint's check page", cit.Last, true)
		cit.Post(page+"/complaint", "key", ck, "grounds", "deadline", "text", text, "confirm", "1")
		cit.Expect(http.StatusOK, "Жалоба подана")
		expectEscaped(t, "the complaint's confirmation", cit.Last, false)
		var complaintID int64
		mustOK(t, live.App.DB.QueryRowContext(ctx, `SELECT complaint_case_id FROM complaints WHERE original_case_id = ?`, w.caseID).Scan(&complaintID))
		check(cit, "/cabinet/cases/"+strconv.FormatInt(complaintID, 10), false)
		ctl := live.NewVisitor(t).SignedIn(w.actor(t, "admin-region").token)
		check(ctl, "/staff/cases/"+strconv.FormatInt(complaintID, 10), false)

		closed := closedApplication(t, live, w, me.actor)
		rp := "/cabinet/cases/" + strconv.FormatInt(closed.ID, 10) + "/rating"
		cit.Get(rp)
		cit.Post(rp, "time", "2", "courtesy", "5", "comfort", "5", "information", "5", "convenience", "4",
			"problems", "deadline", "comment", "Долго "+xssPayload)
		cit.Expect(http.StatusOK, "Спасибо за оценку")
		check(cit, rp, true)
		boss := live.NewVisitor(t).SignedIn(w.actor(t, "staff-supervisor").token)
		check(boss, "/staff/quality", false)

		// The CSP of every page above forbids inline script.
		csp := rawHeader(t, live, "/cabinet", "Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q admits inline script", csp)
		}
	})
}

// TestSecurityXSSServiceTitles puts the payload into a service's title
// and summary and reads the catalogue's pages, its live search and its
// JSON API.
func TestSecurityXSSServiceTitles(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		_, err := catalogtest.Load(context.Background(), live.App.Services, live.App.Orgs, catalogtest.Options{Edit: func(sv *catalog.Service) {
			if sv.Code == catalogtest.Stall {
				sv.Title = catalog.Text{"ru": "Разрешение на ларёк " + xssPayload, "en": "Stall " + xssPayload}
				sv.Summary = catalog.Text{"ru": "Кратко " + xssPayload}
			}
		}})
		mustOK(t, err)
		v := live.NewVisitor(t)
		for _, p := range []string{"/services", "/services/" + catalogtest.Stall, "/services?q=" + url.QueryEscape("ларёк"),
			"/services/search?q=" + url.QueryEscape("ларёк"), "/services/" + catalogtest.Stall + "?lang=en"} {
			v.Get(p)
			if v.Status != http.StatusOK {
				t.Fatalf("%s: status %d", p, v.Status)
			}
			expectEscaped(t, p, v.Last, true)
		}
		for _, p := range []string{"/api/v1/services", "/api/v1/services/" + catalogtest.Stall} {
			v.Get(p)
			if v.Status != http.StatusOK {
				t.Fatalf("%s: status %d", p, v.Status)
			}
			// JSON is not HTML, but a browser sniffing it must find no markup.
			if strings.Contains(v.Last, "<script") || !strings.Contains(v.Last, `\u003cscript\u003e`) {
				t.Errorf("%s does not escape markup in JSON strings\n%.400s", p, v.Last)
			}
		}
	})
}

// rawHeader is one response header of a GET of path.
func rawHeader(t *testing.T, live *webtest.Live, path, name string) string {
	t.Helper()
	res, err := noRedirectClient.Get(live.URL + path)
	mustOK(t, err)
	res.Body.Close()
	return res.Header.Get(name)
}
