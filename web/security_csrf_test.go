package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// securityWorld is the authorisation matrix's world with every feature's
// data: the suite attacks the same things the matrix guards.
func securityWorld(t *testing.T, live *webtest.Live) world {
	t.Helper()
	w := buildWorld(t, live)
	w.fileAppeals(t, live)
	w.extra = map[string]int64{}
	for _, build := range matrixWorlds {
		build(t, live, &w)
	}
	return w
}

// csrfExempt says why a route takes posts without a CSRF token, "" when
// it must not: Open311 clients post with an api_key and no cookies, and
// Signed routes verify a signature over the body. Both are attacked
// separately below.
func csrfExempt(rt web.Route) string {
	switch {
	case strings.HasPrefix(rt.Pattern, "/open311/"):
		return "open311"
	case rt.Signed:
		return "signed"
	}
	return ""
}

// TestSecurityCSRF walks every state-changing route of the route table
// and posts to it as every member of the matrix's cast who signs in with
// a cookie (and as anonymous visitors), first without a CSRF token, then
// with the right token but from another site (Sec-Fetch-Site: cross-site).
// Every such post must be refused with 403 before it reaches a handler,
// and the database must be exactly as it was. The exempt routes are
// posted to with a session cookie and nothing else: they must refuse too,
// since they never act as a session.
func TestSecurityCSRF(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := securityWorld(t, live)
		db := live.App.DB

		// Each actor's synchronizer token, from a page with a form.
		tokens := map[string]string{}
		for _, ra := range w.cast {
			if ra.key != "" {
				continue
			}
			v := live.NewVisitor(t).SignedIn(ra.token)
			v.Get("/design")
			if m := csrfTokenRE.FindStringSubmatch(v.Last); m != nil {
				tokens[ra.name] = m[1]
			}
		}
		before := snapshotDB(t, db, volatileTables...)
		unsafe := 0
		for _, rt := range live.App.Web.Routes() {
			if rt.Method == "" || rt.Method == http.MethodGet || rt.Method == http.MethodHead {
				continue
			}
			unsafe++
			path := w.target(rt.Pattern)
			ctype, body := "application/x-www-form-urlencoded", "confirm=1"
			if rt.IsAPI() {
				ctype, body = "application/json", w.apiBody(rt.Pattern)
			}
			if why := csrfExempt(rt); why != "" {
				// A victim's cookie is all a cross-site form could add.
				for _, ra := range w.cast {
					if ra.token == "" {
						continue
					}
					status, page := rawRequest(t, live, rt.Method, path, ctype, body, map[string]string{"Cookie": "okno_session=" + ra.token})
					if status < 400 {
						t.Errorf("%s (exempt: %s) with only %s's session cookie: status %d, want a refusal\n%s", rt, why, ra.name, status, excerptOf(page))
					}
				}
				continue
			}
			for _, ra := range w.cast {
				if ra.key != "" {
					continue // API keys carry no ambient credentials
				}
				cookie := map[string]string{}
				if ra.token != "" {
					cookie["Cookie"] = "okno_session=" + ra.token
				}
				status, page := rawRequest(t, live, rt.Method, path, ctype, body, cookie)
				if status != http.StatusForbidden {
					t.Errorf("%s as %s without a CSRF token: status %d, want 403\n%s", rt, ra.name, status, excerptOf(page))
				} else if !rt.IsAPI() && !strings.Contains(page, "Форма устарела") {
					t.Errorf("%s as %s without a CSRF token: 403 but not the CSRF refusal\n%s", rt, ra.name, excerptOf(page))
				}
				if tok := tokens[ra.name]; tok != "" {
					h := map[string]string{"Sec-Fetch-Site": "cross-site", web.CSRFHeader: tok}
					for k, v := range cookie {
						h[k] = v
					}
					if status, page := rawRequest(t, live, rt.Method, path, ctype, body, h); status != http.StatusForbidden {
						t.Errorf("%s as %s from another site with the right token: status %d, want 403\n%s", rt, ra.name, status, excerptOf(page))
					}
				}
			}
		}
		if unsafe < 50 {
			t.Fatalf("walked %d state-changing routes: the route table has more", unsafe)
		}
		if diff := cmp.Diff(before, snapshotDB(t, db, volatileTables...)); diff != "" {
			t.Errorf("refused posts changed the database (-before +after):\n%s", diff)
		}

		// The control: the same post with the token does change something,
		// so the comparison above can see a change.
		ra := w.actor(t, "citizen-simplified")
		path := w.target("/cabinet/notifications/{id}/read")
		if status, page := rawRequest(t, live, "POST", path, "application/x-www-form-urlencoded", "", map[string]string{
			"Cookie": "okno_session=" + ra.token, web.CSRFHeader: tokens[ra.name]}); status >= 400 {
			t.Fatalf("control post: status %d\n%s", status, excerptOf(page))
		}
		if got := changedTables(before, snapshotDB(t, db, volatileTables...)); len(got) == 0 {
			t.Error("the control post changed nothing the snapshot sees")
		}
	})
}

// rawRequest sends one request with exactly the headers given, no cookie
// jar and no redirects followed, and returns the status and body.
func rawRequest(t *testing.T, live *webtest.Live, method, path, ctype, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, live.URL+path, strings.NewReader(body))
	mustOK(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := noRedirectClient.Do(req)
	mustOK(t, err)
	defer res.Body.Close()
	var b strings.Builder
	_, err = io.Copy(&b, res.Body)
	mustOK(t, err)
	return res.StatusCode, b.String()
}

var noRedirectClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
