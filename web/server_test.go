package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// testServer is a server with the webtest cast, its logs captured.
type testServer struct {
	*web.Server
	logs *bytes.Buffer
}

func newServer(t *testing.T, cfg web.Config) testServer {
	t.Helper()
	var logs bytes.Buffer
	deps := webtest.NewFakes(webtest.Cast()).Deps()
	deps.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	return testServer{web.New(cfg, deps), &logs}
}

// do serves r and returns the response.
func (s testServer) do(t *testing.T, r *http.Request) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, r)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func actor(name string) webtest.Actor {
	for _, a := range webtest.Cast() {
		if a.Name == name {
			return a
		}
	}
	panic("no actor " + name)
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := newServer(t, webtest.Config())
	anon := actor("anonymous")
	big, ctype := webtest.Form("message", strings.Repeat("я", 1<<20))
	requests := map[string]*http.Request{
		"home":          anon.NewRequest("GET", "/", nil, ""),
		"design":        anon.NewRequest("GET", "/design", nil, ""),
		"not found":     anon.NewRequest("GET", "/no/such/page", nil, ""),
		"api not found": anon.NewRequest("GET", "/api/v1/nope", nil, ""),
		"openapi":       anon.NewRequest("GET", "/api/v1/openapi.json", nil, ""),
		"healthz":       anon.NewRequest("GET", "/healthz", nil, ""),
		"metrics":       anon.NewRequest("GET", "/metrics", nil, ""),
		"asset":         anon.NewRequest("GET", "/assets/css/okno.css", nil, ""),
		"csrf refused":  webtest.WithoutCSRF(anon.NewRequest("POST", "/design", nil, "")),
		"too large":     anon.NewRequest("POST", "/design", big, ctype),
		"unauthorized":  anon.NewRequest("GET", "/api/v1/whoami", nil, ""),
	}
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	}
	for name, r := range requests {
		t.Run(name, func(t *testing.T) {
			res := s.do(t, r)
			for h, v := range want {
				if got := res.Header.Get(h); got != v {
					t.Errorf("%s = %q, want %q", h, got, v)
				}
			}
			csp := res.Header.Get("Content-Security-Policy")
			for _, part := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, part) {
					t.Errorf("CSP %q lacks %q", csp, part)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP allows unsafe code: %q", csp)
			}
			if res.Header.Get("Permissions-Policy") == "" {
				t.Error("no Permissions-Policy")
			}
			if res.Header.Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID")
			}
			if got := res.Header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("HSTS over plain HTTP: %q", got)
			}
		})
	}
}

func TestHSTS(t *testing.T) {
	behind := newServer(t, web.Config{CSRFKey: webtest.CSRFKey, BehindTLS: true})
	if got := behind.do(t, httptest.NewRequest("GET", "/", nil)).Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("behind TLS: HSTS = %q", got)
	}
	direct := newServer(t, webtest.Config())
	r := httptest.NewRequest("GET", "https://okno.test/", nil) // httptest sets r.TLS for https targets
	if got := direct.do(t, r).Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("over TLS: HSTS = %q", got)
	}
}

func TestCSRF(t *testing.T) {
	s := newServer(t, webtest.Config())
	valid := []string{"name", "Анна", "email", "anna@example.ru", "topic", "yard", "message", "Не горит фонарь"}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"anonymous without token", func() *http.Request {
			b, ct := webtest.Form(valid...)
			return webtest.WithoutCSRF(actor("anonymous").NewRequest("POST", "/design", b, ct))
		}, http.StatusForbidden},
		{"anonymous with token", func() *http.Request {
			b, ct := webtest.Form(valid...)
			return actor("anonymous").NewRequest("POST", "/design", b, ct)
		}, http.StatusOK},
		{"anonymous token in form field", func() *http.Request {
			r := actor("anonymous").NewRequest("POST", "/design", nil, "")
			tok := r.Header.Get(web.CSRFHeader)
			b, ct := webtest.Form(append(valid, web.CSRFField, tok)...)
			r2 := webtest.WithoutCSRF(actor("anonymous").NewRequest("POST", "/design", b, ct))
			return r2
		}, http.StatusOK},
		{"anonymous token without its cookie", func() *http.Request {
			b, ct := webtest.Form(valid...)
			r := actor("anonymous").NewRequest("POST", "/design", b, ct)
			r.Header.Del("Cookie")
			return r
		}, http.StatusForbidden},
		{"anonymous forged token", func() *http.Request {
			b, ct := webtest.Form(valid...)
			r := actor("anonymous").NewRequest("POST", "/design", b, ct)
			r.Header.Set(web.CSRFHeader, web.CSRFToken([]byte("attacker's own key, 32 bytes....."), "webtest-anonymous-nonce-0123456789abcdef"))
			return r
		}, http.StatusForbidden},
		{"citizen with session token", func() *http.Request {
			b, ct := webtest.Form(valid...)
			return actor("citizen-standard").NewRequest("POST", "/design", b, ct)
		}, http.StatusOK},
		{"citizen with another session's token", func() *http.Request {
			b, ct := webtest.Form(valid...)
			r := actor("citizen-standard").NewRequest("POST", "/design", b, ct)
			r.Header.Set(web.CSRFHeader, actor("citizen-confirmed").Session.CSRF)
			return r
		}, http.StatusForbidden},
		{"cross-site fetch", func() *http.Request {
			b, ct := webtest.Form(valid...)
			r := actor("anonymous").NewRequest("POST", "/design", b, ct)
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			return r
		}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do(t, tt.req())
			b := body(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if tt.status == http.StatusForbidden && !strings.Contains(b, "Форма устарела") {
				t.Errorf("403 page does not say the form expired:\n%s", b)
			}
		})
	}
}

func TestAnonymousFormGetsCSRFCookie(t *testing.T) {
	s := newServer(t, webtest.Config())
	res := s.do(t, httptest.NewRequest("GET", "/design", nil))
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "okno_csrf" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no okno_csrf cookie on a page with a form")
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Errorf("cookie attributes: %+v", cookie)
	}
	if want := `name="csrf_token" value="` + web.CSRFToken(webtest.CSRFKey, cookie.Value) + `"`; !strings.Contains(body(t, res), want) {
		t.Errorf("page lacks the token matching its cookie (%s)", want)
	}
	secure := newServer(t, web.Config{CSRFKey: webtest.CSRFKey})
	for _, c := range secure.do(t, httptest.NewRequest("GET", "/design", nil)).Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure without DevInsecureCookies", c.Name)
		}
	}
}

func TestLanguage(t *testing.T) {
	s := newServer(t, webtest.Config())
	tests := []struct {
		name     string
		target   string
		cookie   string
		accept   string
		wantLang string
		setsLang string
	}{
		{"default", "/", "", "", "ru", ""},
		{"pages ignore an English browser", "/", "", "en-GB,en;q=0.9", "ru", ""},
		{"cookie beats header", "/", "en", "ru", "en", ""},
		{"query beats cookie and sets it", "/?lang=ru", "en", "en", "ru", "ru"},
		{"query en", "/design?lang=en", "", "", "en", "en"},
		{"unknown query ignored", "/?lang=xx", "en", "", "en", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: "okno_lang", Value: tt.cookie})
			}
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			res := s.do(t, r)
			if b := body(t, res); !strings.Contains(b, `<html lang="`+tt.wantLang+`">`) {
				t.Errorf("page is not in %q", tt.wantLang)
			}
			got := ""
			for _, c := range res.Cookies() {
				if c.Name == "okno_lang" {
					got = c.Value
				}
			}
			if got != tt.setsLang {
				t.Errorf("okno_lang cookie set to %q, want %q", got, tt.setsLang)
			}
		})
	}
	res := s.do(t, httptest.NewRequest("GET", "/?lang=en", nil))
	b := body(t, res)
	if !strings.Contains(b, `hreflang="ru"`) || !strings.Contains(b, "Русский") || !strings.Contains(b, "Report a problem") {
		t.Error("English page lacks the switch to Russian or English copy")
	}
}

func TestProblemDetails(t *testing.T) {
	s := newServer(t, webtest.Config())
	tests := []struct {
		name string
		req  *http.Request
		want web.Problem
	}{
		{"unknown path", actor("anonymous").NewRequest("GET", "/api/v1/nope", nil, ""),
			web.Problem{Type: "urn:okno:problem:not_found", Title: "Ничего не найдено", Status: 404}},
		{"no key", actor("anonymous").NewRequest("GET", "/api/v1/whoami", nil, ""),
			web.Problem{Type: "urn:okno:problem:unauthorized", Title: "Войдите, чтобы продолжить", Status: 401}},
		{"citizen session is not a key", actor("citizen-confirmed").NewRequest("GET", "/api/v1/whoami", nil, ""),
			web.Problem{Type: "urn:okno:problem:forbidden", Title: "У вас нет доступа к этой странице", Status: 403}},
	}
	bad := httptest.NewRequest("GET", "/api/v1/whoami", nil)
	bad.Header.Set("Authorization", "Bearer okno_unknown")
	bad.Header.Set("Accept-Language", "en")
	tests = append(tests, struct {
		name string
		req  *http.Request
		want web.Problem
	}{"unknown key in English", bad, web.Problem{Type: "urn:okno:problem:unauthorized", Title: "Sign in to continue", Status: 401,
		Detail: "The API key was not accepted. Send it as Authorization: Bearer okno_…"}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do(t, tt.req)
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if res.StatusCode != tt.want.Status {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.want.Status)
			}
			var got web.Problem
			if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if got.RequestID == "" || got.RequestID != res.Header.Get("X-Request-ID") {
				t.Errorf("request_id = %q, header %q", got.RequestID, res.Header.Get("X-Request-ID"))
			}
			got.RequestID = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWhoami(t *testing.T) {
	s := newServer(t, webtest.Config())
	res := s.do(t, actor("apikey").NewRequest("GET", "/api/v1/whoami", nil, ""))
	got := body(t, res)
	want := `{"api_key_id":9,"kind":"apikey","name":"ЦУР","org_id":7,"roles":["official"]}` + "\n"
	if res.StatusCode != 200 || got != want {
		t.Errorf("whoami = %d %s, want 200 %s", res.StatusCode, got, want)
	}
}

func TestBodyLimit(t *testing.T) {
	s := newServer(t, web.Config{CSRFKey: webtest.CSRFKey, MaxBodyBytes: 1024})
	big, ct := webtest.Form("message", strings.Repeat("x", 4096))
	r := actor("anonymous").NewRequest("POST", "/design", big, ct)
	if res := s.do(t, r); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("declared length: status = %d, want 413", res.StatusCode)
	}
	// Without Content-Length the limit bites while reading.
	big, ct = webtest.Form("message", strings.Repeat("x", 4096))
	r = actor("anonymous").NewRequest("POST", "/design", io.MultiReader(big), ct)
	r.ContentLength = -1
	res := s.do(t, r)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("streamed: status = %d, want 413", res.StatusCode)
	}
	if b := body(t, res); !strings.Contains(b, "Слишком большой объём данных") {
		t.Errorf("413 page does not explain:\n%s", b)
	}
}

func TestAccessLogAndMetrics(t *testing.T) {
	s := newServer(t, webtest.Config())
	r := httptest.NewRequest("GET", "/?lang=ru&secret=passport-4510", nil)
	r.AddCookie(&http.Cookie{Name: "okno_session", Value: "cookie-secret"})
	s.do(t, r)
	logs := s.logs.String()
	for _, leak := range []string{"passport-4510", "cookie-secret", "secret="} {
		if strings.Contains(logs, leak) {
			t.Errorf("access log leaks %q:\n%s", leak, logs)
		}
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(strings.Split(strings.TrimSpace(logs), "\n")[0]), &entry); err != nil {
		t.Fatalf("log is not JSON: %v\n%s", err, logs)
	}
	for k, want := range map[string]any{"msg": "http", "method": "GET", "route": "/{$}", "status": 200.0} {
		if entry[k] != want {
			t.Errorf("log %s = %v, want %v", k, entry[k], want)
		}
	}
	for _, k := range []string{"duration_ms", "bytes", "request_id"} {
		if _, ok := entry[k]; !ok {
			t.Errorf("log lacks %s", k)
		}
	}
	m := body(t, s.do(t, httptest.NewRequest("GET", "/metrics", nil)))
	for _, want := range []string{
		`http_request_duration_seconds_count{route="/{$}",method="GET",code="2xx"} 1`,
		`http_requests_in_flight 1`, // the scrape itself
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
}

func TestAssets(t *testing.T) {
	s := newServer(t, webtest.Config())
	page := body(t, s.do(t, httptest.NewRequest("GET", "/", nil)))
	i := strings.Index(page, "/assets/css/okno.css?v=")
	if i < 0 {
		t.Fatal("page does not link the versioned stylesheet")
	}
	url := page[i : i+strings.IndexByte(page[i:], '"')]
	res := s.do(t, httptest.NewRequest("GET", url, nil))
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("%s: %d, Cache-Control %q, Content-Type %q", url, res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
	stale := s.do(t, httptest.NewRequest("GET", "/assets/css/okno.css?v=old", nil))
	if got := stale.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("stale version: Cache-Control %q, want no-cache", got)
	}
	if res := s.do(t, httptest.NewRequest("GET", "/assets/VENDOR.md", nil)); res.StatusCode != 404 {
		t.Errorf("VENDOR.md served: %d", res.StatusCode)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	deps := webtest.NewFakes(webtest.Cast()).Deps()
	ping := &fakePing{}
	deps.Ping = ping
	s := testServer{web.New(webtest.Config(), deps), nil}
	if res := s.do(t, httptest.NewRequest("GET", "/readyz", nil)); res.StatusCode != 200 {
		t.Errorf("readyz = %d while the database answers", res.StatusCode)
	}
	ping.err = io.ErrUnexpectedEOF
	if res := s.do(t, httptest.NewRequest("GET", "/readyz", nil)); res.StatusCode != 503 {
		t.Errorf("readyz = %d while the database is down", res.StatusCode)
	}
	if res := s.do(t, httptest.NewRequest("GET", "/healthz", nil)); res.StatusCode != 200 {
		t.Errorf("healthz = %d while the database is down; it must only say the process runs", res.StatusCode)
	}
}

type fakePing struct{ err error }

func (p *fakePing) Ping(context.Context) error { return p.err }

// TestServeOnPort0 runs the real server and shuts it down gracefully.
func TestServeOnPort0(t *testing.T) {
	s := newServer(t, webtest.Config())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	if got := body(t, res); res.StatusCode != 200 || got != "ok\n" {
		t.Errorf("healthz = %d %q", res.StatusCode, got)
	}
	res.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve returned %v after cancel, want nil", err)
	}
}
