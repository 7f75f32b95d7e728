package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/okno/okno/app"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// cspDirectives splits a Content-Security-Policy into its directives.
func cspDirectives(csp string) map[string]string {
	out := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		if name != "" {
			out[name] = value
		}
	}
	return out
}

// expectSecurityHeaders fails unless h carries the headers every
// response of Okno must: a CSP with no inline or eval'd code and no
// framing, nosniff, a referrer policy, and HSTS exactly when hsts.
func expectSecurityHeaders(t *testing.T, where string, h http.Header, hsts bool) {
	t.Helper()
	csp := cspDirectives(h.Get("Content-Security-Policy"))
	if len(csp) == 0 {
		t.Errorf("%s: no Content-Security-Policy", where)
		return
	}
	for _, d := range []string{"script-src", "style-src"} {
		v, ok := csp[d]
		if !ok && csp["default-src"] != "'none'" && csp["default-src"] != "'self'" {
			t.Errorf("%s: CSP has neither %s nor a strict default-src: %q", where, d, h.Get("Content-Security-Policy"))
		}
		for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "data:", "*", "'unsafe-hashes'"} {
			if strings.Contains(" "+v+" ", " "+bad+" ") {
				t.Errorf("%s: CSP %s admits %s: %q", where, d, bad, v)
			}
		}
	}
	if csp["frame-ancestors"] != "'none'" {
		t.Errorf("%s: CSP frame-ancestors %q, want 'none'", where, csp["frame-ancestors"])
	}
	if csp["base-uri"] != "'none'" && csp["base-uri"] != "'self'" {
		t.Errorf("%s: CSP base-uri %q lets injected markup move relative links", where, csp["base-uri"])
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", where, got)
	}
	switch h.Get("Referrer-Policy") {
	case "same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("%s: Referrer-Policy %q leaks addresses to other sites", where, h.Get("Referrer-Policy"))
	}
	if got := h.Get("Strict-Transport-Security"); (got != "") != hsts || (hsts && !strings.Contains(got, "max-age=31536000")) {
		t.Errorf("%s: Strict-Transport-Security %q, want it %v", where, got, hsts)
	}
}

// securityHeaderPaths are responses of every kind: pages, forms, errors,
// the API and its problems, Open311, assets, operations.
var securityHeaderPaths = []string{"/", "/signin", "/signup", "/services", "/map", "/no-such-page", "/cabinet",
	"/api/v1/services", "/api/v1/openapi.json", "/api/v1/cases", "/api/v1/no-such", "/open311/v2/services.json",
	"/assets/css/okno.css", "/healthz", "/design"}

// TestSecurityHeaders reads the headers of every kind of response, on a
// server over plain HTTP (no HSTS) and on one told it is behind a TLS
// proxy (HSTS, and every cookie Secure); cookies are HttpOnly and
// SameSite everywhere, and Secure unless the loopback demo asks not.
func TestSecurityHeaders(t *testing.T) {
	for _, behindTLS := range []bool{false, true} {
		name := "plain"
		if behindTLS {
			name = "behind-tls"
		}
		t.Run(name, func(t *testing.T) {
			a, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), BehindTLS: behindTLS, DevInsecureCookies: !behindTLS, DemoMailbox: true})
			mustOK(t, err)
			srv := httptest.NewServer(a.Web.Handler())
			t.Cleanup(func() { srv.Close(); a.Close() })
			live := &webtest.Live{App: a, URL: srv.URL}
			for _, p := range securityHeaderPaths {
				res, err := noRedirectClient.Get(srv.URL + p)
				mustOK(t, err)
				res.Body.Close()
				if res.StatusCode >= 500 {
					t.Errorf("GET %s: status %d", p, res.StatusCode)
				}
				expectSecurityHeaders(t, "GET "+p, res.Header, behindTLS)
			}
			status, _ := rawRequest(t, live, "POST", "/signin", "application/x-www-form-urlencoded", "contact=x", nil)
			if status != http.StatusForbidden {
				t.Errorf("POST /signin without a token: %d", status)
			}

			// Cookies: the anonymous form's CSRF cookie, the session after
			// sign-in, and the cleared session after sign-out.
			mustOK(t, a.Identity.SignUp(context.Background(), identity.NewAccount{Contact: "cookies@example.ru", Password: secPassword, DisplayName: "Печенье"}))
			mustOK(t, a.Identity.Confirm(context.Background(), "cookies@example.ru", live.CodeFor(t, "cookies@example.ru")))
			res, err := noRedirectClient.Get(srv.URL + "/signin")
			mustOK(t, err)
			var page strings.Builder
			_, err = io.Copy(&page, res.Body)
			mustOK(t, err)
			res.Body.Close()
			csrf := setCookieOf(res, "okno_csrf")
			if csrf == nil {
				t.Fatal("/signin set no CSRF cookie")
			}
			expectCookie(t, csrf, !behindTLS)
			form := url.Values{"contact": {"cookies@example.ru"}, "password": {secPassword}, "csrf_token": {csrfTokenRE.FindStringSubmatch(page.String())[1]}}
			req, err := http.NewRequest("POST", srv.URL+"/signin", strings.NewReader(form.Encode()))
			mustOK(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "okno_csrf", Value: csrf.Value})
			res, err = noRedirectClient.Do(req)
			mustOK(t, err)
			res.Body.Close()
			sess := setCookieOf(res, "okno_session")
			if res.StatusCode != http.StatusSeeOther || sess == nil {
				t.Fatalf("sign-in: status %d, session cookie %v", res.StatusCode, sess)
			}
			expectCookie(t, sess, !behindTLS)
			expectSecurityHeaders(t, "POST /signin", res.Header, behindTLS)
		})
	}
}

// expectCookie fails unless c is HttpOnly, SameSite Lax or Strict, and
// Secure unless insecureOK (the loopback demo over plain HTTP).
func expectCookie(t *testing.T, c *http.Cookie, insecureOK bool) {
	t.Helper()
	if !c.HttpOnly {
		t.Errorf("cookie %s is not HttpOnly", c.Name)
	}
	if c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie %s has SameSite %v", c.Name, c.SameSite)
	}
	if !c.Secure && !insecureOK {
		t.Errorf("cookie %s is not Secure behind TLS", c.Name)
	}
	if c.Path != "/" {
		t.Errorf("cookie %s has path %q", c.Name, c.Path)
	}
	if c.Domain != "" {
		t.Errorf("cookie %s is shared with the domain %q", c.Name, c.Domain)
	}
}
