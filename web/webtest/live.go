package webtest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/okno/okno/app"
	"github.com/okno/okno/storetest"
)

// Engines runs fn on SQLite and, when OKNO_TEST_POSTGRES is set, on a
// fresh PostgreSQL database: dsn is what app.Config.DB takes.
func Engines(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "") })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.PostgresDSN(t)) })
}

// Live is a real Okno — app.Open on a temporary data directory, with the
// demo mailbox — served over HTTP on a loopback port.
type Live struct {
	App *app.App
	URL string
}

// StartLive opens the app on dsn ("" for SQLite) and serves it until the
// test ends. No outbox workers run: tests call App.Outbox.ProcessDue where
// a person would wait for a message, so nothing depends on timing.
func StartLive(t testing.TB, dsn string) *Live {
	t.Helper()
	return StartLiveLogging(t, dsn, nil)
}

// StartLiveLogging is StartLive with the app logging to logger (nil
// discards), for tests that read what the app writes to its logs.
func StartLiveLogging(t testing.TB, dsn string, logger *slog.Logger) *Live {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), DB: dsn, DevInsecureCookies: true, DemoMailbox: true, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Web.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &Live{App: a, URL: srv.URL}
}

// Deliver runs the outbox until nothing is due: the messages a person
// would be waiting for arrive.
func (l *Live) Deliver(t testing.TB) {
	t.Helper()
	if _, err := l.App.Outbox.ProcessDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// CodeFor returns the newest confirmation code the demo mailbox holds for
// contact, delivering pending messages first.
func (l *Live) CodeFor(t testing.TB, contact string) string {
	t.Helper()
	l.Deliver(t)
	ms, err := l.App.Mailbox.ListFor(context.Background(), contact, 1)
	if err != nil || len(ms) == 0 {
		t.Fatalf("no message to %s: %v", contact, err)
	}
	code := sixDigits.FindString(ms[0].Body)
	if code == "" {
		t.Fatalf("no code in %q", ms[0].Body)
	}
	return code
}

// Visitor is a person with a browser without JavaScript: a cookie jar, and
// the CSRF token of the last page seen, which it sends with forms as a
// browser would.
type Visitor struct {
	t      testing.TB
	base   string
	client *http.Client
	csrf   string
	bearer string
	// location is the last redirect's target, when not following.
	location string
	// Last is the last response's body; Status and URL its status and
	// final address (after redirects).
	Last   string
	Status int
	URL    string
}

// NewVisitor returns a visitor of l that follows redirects like a browser.
func (l *Live) NewVisitor(t testing.TB) *Visitor {
	jar, _ := cookiejar.New(nil)
	return &Visitor{t: t, base: l.URL, client: &http.Client{Jar: jar}}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (v *Visitor) do(req *http.Request) {
	v.t.Helper()
	if v.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+v.bearer)
	}
	res, err := v.client.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	v.Last, v.Status, v.URL = string(b), res.StatusCode, res.Request.URL.RequestURI()
	v.location = res.Header.Get("Location")
	if m := csrfInput.FindStringSubmatch(v.Last); m != nil {
		v.csrf = m[1]
	}
}

// Get loads path.
func (v *Visitor) Get(path string) *Visitor {
	v.t.Helper()
	req, err := http.NewRequest("GET", v.base+path, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	v.do(req)
	return v
}

// Post submits a form to path with pairs of names and values, and the
// CSRF token of the last page.
func (v *Visitor) Post(path string, pairs ...string) *Visitor {
	v.t.Helper()
	form := url.Values{"csrf_token": {v.csrf}}
	for i := 0; i+1 < len(pairs); i += 2 {
		form.Add(pairs[i], pairs[i+1])
	}
	req, err := http.NewRequest("POST", v.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v.do(req)
	return v
}

// PostFile submits a multipart form to path, as a browser does for a form
// with a file input: the file under field with its name and content, the
// pairs of names and values, and the CSRF token of the last page.
func (v *Visitor) PostFile(path, field, name string, content []byte, pairs ...string) *Visitor {
	v.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	pairs = append([]string{"csrf_token", v.csrf}, pairs...)
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := mw.WriteField(pairs[i], pairs[i+1]); err != nil {
			v.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		v.t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		v.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		v.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", v.base+path, &body)
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	v.do(req)
	return v
}

// Expect fails the test unless the last response had status and its page
// contains every text.
func (v *Visitor) Expect(status int, texts ...string) {
	v.t.Helper()
	if v.Status != status {
		v.t.Fatalf("%s: status %d, want %d\n%s", v.URL, v.Status, status, excerpt(v.Last))
	}
	for _, s := range texts {
		if !strings.Contains(v.Last, s) {
			v.t.Fatalf("%s: page lacks %q\n%s", v.URL, s, excerpt(v.Last))
		}
	}
}

// excerpt is the main part of a page, for failure messages.
func excerpt(page string) string {
	if i := strings.Index(page, `<main`); i >= 0 {
		page = page[i:]
	}
	if len(page) > 3000 {
		page = page[:3000]
	}
	return page
}

// NoRedirects makes the visitor stop at redirects, to see them.
func (v *Visitor) NoRedirects() *Visitor {
	v.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return v
}

// Location is the last response's redirect target.
func (v *Visitor) Location() string { return v.location }

// SignedIn gives the visitor a session cookie, as signing in would.
func (v *Visitor) SignedIn(token string) *Visitor {
	u, _ := url.Parse(v.base)
	v.client.Jar.SetCookies(u, []*http.Cookie{{Name: "okno_session", Value: token, Path: "/"}})
	return v
}

// Bearer makes the visitor an API client sending key on every request.
func (v *Visitor) Bearer(key string) *Visitor {
	v.bearer = key
	return v
}
