package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSecureCookiesOutsideTheLoopbackDemo assembles Okno as `okno serve`
// and `okno demo` do, with the flags an operator gives, and reads the
// cookie the sign-in form sets: only the demo listening on loopback over
// plain HTTP drops Secure (browsers would not send it back otherwise);
// every other combination keeps it, and behind a TLS proxy HSTS is sent.
func TestSecureCookiesOutsideTheLoopbackDemo(t *testing.T) {
	tests := []struct {
		name       string
		demo       bool
		args       []string
		wantSecure bool
		wantHSTS   bool
	}{
		{"serve on loopback", false, []string{"-addr", "127.0.0.1:8080"}, true, false},
		{"serve on all interfaces", false, []string{"-addr", "0.0.0.0:8080"}, true, false},
		{"serve behind TLS", false, []string{"-addr", "0.0.0.0:8080", "-behind-tls"}, true, true},
		{"demo on loopback", true, []string{"-addr", "127.0.0.1:8080"}, false, false},
		{"demo on localhost", true, []string{"-addr", "localhost:8080"}, false, false},
		{"demo on all interfaces", true, []string{"-addr", ":8080"}, true, false},
		{"demo behind TLS", true, []string{"-addr", "127.0.0.1:8080", "-behind-tls"}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
			a, _, _, err := openApp(context.Background(), env, "serve", append([]string{"-data", t.TempDir()}, tc.args...), tc.demo, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			rec := httptest.NewRecorder()
			a.Web.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/signin", nil))
			res := rec.Result()
			var csrf *http.Cookie
			for _, c := range res.Cookies() {
				if c.Name == "okno_csrf" {
					csrf = c
				}
			}
			if csrf == nil {
				t.Fatalf("GET /signin: status %d, no okno_csrf cookie", res.StatusCode)
			}
			if csrf.Secure != tc.wantSecure || !csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode {
				t.Errorf("okno_csrf: Secure %v HttpOnly %v SameSite %v, want Secure %v, HttpOnly, Lax", csrf.Secure, csrf.HttpOnly, csrf.SameSite, tc.wantSecure)
			}
			if got := res.Header.Get("Strict-Transport-Security") != ""; got != tc.wantHSTS {
				t.Errorf("HSTS sent: %v, want %v", got, tc.wantHSTS)
			}
		})
	}
}
