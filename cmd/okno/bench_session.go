package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/okno/okno/demo"
)

// benchSession is a signed-in citizen: the cookies of the session and the
// CSRF token its forms carry. Its cookies are kept by name, not by host,
// so the session goes to every server of a round-robin alike (sessions
// live in the shared database).
type benchSession struct {
	login string

	mu      sync.Mutex
	cookies map[string]string
	csrf    string
}

var benchCSRFInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// attach puts the session's cookies on req.
func (s *benchSession) attach(req *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, value := range s.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
}

// update keeps the cookies res sets and the CSRF token of the page it
// carries.
func (s *benchSession) update(res *http.Response, body []byte) {
	m := benchCSRFInput.FindSubmatch(body)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(s.cookies, c.Name)
		} else {
			s.cookies[c.Name] = c.Value
		}
	}
	if m != nil {
		s.csrf = string(m[1])
	}
}

// token is the CSRF token to send with a form.
func (s *benchSession) token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.csrf
}

// maxCitizens bounds --citizens.
const maxCitizens = 10000

// readCitizens reads login:password lines from path, or names the demo's
// citizens whose accounts are of standard level or above (the demo
// services ask for it; the demo's simplified account could not apply).
func readCitizens(path string) ([][2]string, error) {
	if path == "" {
		return [][2]string{{"petr@okno.test", demo.Password}, {"maria@okno.test", demo.Password}}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		login, password, ok := strings.Cut(line, ":")
		if !ok || login == "" || password == "" {
			return nil, fmt.Errorf("%s:%d: want login:password", path, n)
		}
		if len(out) == maxCitizens {
			return nil, fmt.Errorf("%s: more than %d citizens", path, maxCitizens)
		}
		out = append(out, [2]string{login, password})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no citizens", path)
	}
	return out, nil
}

// signIn signs a citizen in through the sign-in form, as a browser does,
// and opens the cabinet for the session's CSRF token. Not measured: it is
// the run's setting up.
func (b *bench) signIn(ctx context.Context, login, password string) (*benchSession, error) {
	s := &benchSession{login: login, cookies: map[string]string{}}
	base := b.o.URLs[0]
	step := func(method, path string, form url.Values) (*http.Response, error) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, base+path, body)
		if err != nil {
			return nil, err
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		s.attach(req)
		res, err := b.client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("okno bench: the server does not answer: %w", err)
		}
		page, _ := io.ReadAll(io.LimitReader(res.Body, maxReplyBody))
		res.Body.Close()
		s.update(res, page)
		return res, nil
	}
	if _, err := step("GET", "/signin", nil); err != nil {
		return nil, err
	}
	res, err := step("POST", "/signin", url.Values{"csrf_token": {s.token()}, "contact": {login}, "password": {password}})
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusSeeOther || s.cookies["okno_session"] == "" {
		return nil, fmt.Errorf("okno bench: signing in as %s: status %d, no session (the demo's citizens exist under okno demo; otherwise give --citizens, or --weights without applications and readers)", login, res.StatusCode)
	}
	if res, err = step("GET", "/cabinet", nil); err != nil {
		return nil, err
	}
	if res.StatusCode != 200 || s.token() == "" {
		return nil, fmt.Errorf("okno bench: %s's cabinet: status %d", login, res.StatusCode)
	}
	return s, nil
}
