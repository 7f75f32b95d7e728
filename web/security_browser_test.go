package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/okno/okno/web/webtest"
)

// secBrowser is a browser for the security suite: unlike webtest.Visitor
// it never follows redirects and lets a test read and plant cookies, set
// headers and leave the CSRF token out, which is what attackers do.
type secBrowser struct {
	t    *testing.T
	base *url.URL
	jar  *cookiejar.Jar
	c    *http.Client
	csrf string // the token of the last page with a form
}

func newSecBrowser(t *testing.T, live *webtest.Live) *secBrowser {
	t.Helper()
	u, err := url.Parse(live.URL)
	mustOK(t, err)
	jar, _ := cookiejar.New(nil)
	return &secBrowser{t: t, base: u, jar: jar, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends req and returns the response with its body read.
func (b *secBrowser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Do(req)
	mustOK(b.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	mustOK(b.t, err)
	if m := csrfTokenRE.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return res, string(body)
}

func (b *secBrowser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.base.String()+path, nil)
	mustOK(b.t, err)
	return b.do(req)
}

// post submits form with the last page's CSRF token.
func (b *secBrowser) post(path string, pairs ...string) (*http.Response, string) {
	b.t.Helper()
	return b.postForm(path, true, nil, pairs...)
}

// postForm submits a form, with the CSRF token or without, and headers.
func (b *secBrowser) postForm(path string, withToken bool, header http.Header, pairs ...string) (*http.Response, string) {
	b.t.Helper()
	form := url.Values{}
	if withToken {
		form.Set("csrf_token", b.csrf)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		form.Add(pairs[i], pairs[i+1])
	}
	req, err := http.NewRequest("POST", b.base.String()+path, strings.NewReader(form.Encode()))
	mustOK(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range header {
		req.Header[k] = vs
	}
	return b.do(req)
}

// cookie is the value the browser holds for name, "" for none.
func (b *secBrowser) cookie(name string) string {
	for _, c := range b.jar.Cookies(b.base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// plant sets a cookie as an attacker on a sibling host or a shared
// computer could.
func (b *secBrowser) plant(name, value string) {
	b.jar.SetCookies(b.base, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// signIn signs in through door ("/signin" or "/staff/signin") and
// returns the response to the form.
func (b *secBrowser) signIn(door, contact, password string) (*http.Response, string) {
	b.t.Helper()
	b.get(door)
	return b.post(door, "contact", contact, "password", password)
}

// setCookieOf returns the Set-Cookie of res named name, nil for none.
func setCookieOf(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// secPassword is the password of the suite's citizens.
const secPassword = "длинный пароль 2026"

// secCitizen signs a citizen up through the pages (display name, contact,
// code) and returns a browser signed in as them.
func secCitizen(t *testing.T, live *webtest.Live, name, contact string) *secBrowser {
	t.Helper()
	b := newSecBrowser(t, live)
	b.get("/signup")
	if res, body := b.post("/signup", "display_name", name, "contact", contact, "password", secPassword); res.StatusCode >= 400 {
		t.Fatalf("sign-up: status %d\n%s", res.StatusCode, excerptOf(body))
	}
	if res, body := b.post("/confirm", "contact", contact, "code", live.CodeFor(t, contact)); res.StatusCode >= 400 {
		t.Fatalf("confirm: status %d\n%s", res.StatusCode, excerptOf(body))
	}
	if res, body := b.signIn("/signin", contact, secPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d\n%s", res.StatusCode, excerptOf(body))
	}
	return b
}
