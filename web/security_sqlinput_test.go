package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/web/webtest"
)

// sqlPayloads are what people try on search boxes and filters.
var sqlPayloads = []string{
	`' OR 1=1 --`,
	`"; DROP TABLE users; --`,
	`1; DELETE FROM cases WHERE 1=1`,
	`%' UNION SELECT password_hash FROM users --`,
	`\'; SELECT pg_sleep(5); --`,
}

// queryParams are the query parameters the handlers read (found by
// reading web/*.go for Query().Get and FormValue): each GET gets all of
// them at once, so whichever the route reads carries the payload.
var queryParams = []string{"q", "after", "before", "bbox", "by", "category", "date", "day", "dir", "from", "id", "kind", "level",
	"limit", "office", "org", "org_id", "page", "parent", "process", "service", "service_code", "sort", "source", "start",
	"start_date", "end_date", "state", "status", "tab", "territory", "uin", "view", "year", "service_request_id", "jurisdiction_id"}

// TestSecuritySQLLikeInput requests every GET route of the route table,
// as an actor the route admits, with every query parameter set to
// SQL-like text, and then signs in, signs up and searches with it: no
// answer is a 5xx, and the database is exactly as it was.
func TestSecuritySQLLikeInput(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := securityWorld(t, live)
		db := live.App.DB
		before := snapshotDB(t, db, volatileTables...)
		gets := 0
		for _, rt := range live.App.Web.Routes() {
			if rt.Method != http.MethodGet || rt.Pattern == "/metrics" {
				continue
			}
			// The first of the cast the rule admits (anonymous for public pages).
			var who *realActor
			for i, ra := range w.cast {
				as := ra.actor
				if ra.key != "" && !rt.IsAPI() {
					continue
				}
				if rt.Access.Allows(as, ra.assurance) {
					who = &w.cast[i]
					break
				}
			}
			if who == nil {
				continue
			}
			gets++
			for _, p := range sqlPayloads {
				q := url.Values{}
				for _, name := range queryParams {
					q.Set(name, p)
				}
				h := map[string]string{}
				if who.token != "" {
					h["Cookie"] = "okno_session=" + who.token
				}
				if who.key != "" {
					h["Authorization"] = "Bearer " + who.key
				}
				status, body := rawRequest(t, live, "GET", w.target(rt.Pattern)+"?"+q.Encode(), "", "", h)
				if status >= 500 {
					t.Errorf("%s as %s with %q in every parameter: status %d\n%s", rt, who.name, p, status, excerptOf(body))
				}
			}
		}
		if gets < 80 {
			t.Fatalf("requested %d GET routes: the table has more", gets)
		}

		// Forms: sign-in and sign-up take the text as a contact, the
		// catalogue's search as a query; all refuse or find nothing.
		for _, p := range sqlPayloads {
			b := newSecBrowser(t, live)
			res, body := b.signIn("/signin", p, p)
			if res.StatusCode >= 500 || res.StatusCode == http.StatusSeeOther {
				t.Errorf("sign-in as %q: status %d\n%s", p, res.StatusCode, excerptOf(body))
			}
			res, body = b.signIn("/staff/signin", "admin"+p+"@spb.example", p)
			if res.StatusCode >= 500 || res.StatusCode == http.StatusSeeOther {
				t.Errorf("staff sign-in as %q: status %d\n%s", p, res.StatusCode, excerptOf(body))
			}
			b.get("/signup")
			if res, body := b.post("/signup", "display_name", p, "contact", p, "password", p); res.StatusCode >= 500 || res.StatusCode == http.StatusSeeOther {
				t.Errorf("sign-up with %q: status %d\n%s", p, res.StatusCode, excerptOf(body))
			}
		}
		if diff := cmp.Diff(before, snapshotDB(t, db, volatileTables...)); diff != "" {
			t.Errorf("SQL-like input changed the database (-before +after):\n%s", diff)
		}
	})
}
