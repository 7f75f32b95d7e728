package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/okno/okno"
)

// CSRFField is the form field, and CSRFHeader the header (htmx sends it),
// that carry the CSRF token on state-changing requests.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// checkCSRF guards a state-changing request. Requests with an API key carry
// no ambient credentials and need no token. Signed-in people send their
// session's synchronizer token; anonymous forms (sign in, sign up) send a
// token that must be the HMAC of their okno_csrf cookie under the server's
// key, so an attacker who can plant a cookie still cannot forge the pair.
func (s *Server) checkCSRF(r *http.Request, st *state) error {
	if st.apiKey {
		return nil
	}
	// Open311 clients are programs posting a form with an api_key
	// parameter and no cookies (the specification's way, which they cannot
	// change); its handlers act only as that key, never as a session, so
	// a cross-site form has nothing to borrow. See open311Exempt.
	if open311Exempt(st.route) {
		return nil
	}
	if st.route != nil && st.route.Signed {
		return nil // the handler verifies the body's signature (Route.Signed)
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return okno.Errorf(okno.EFORBIDDEN, keyCSRF)
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		if err := r.ParseMultipartForm(32 << 10); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return err // a body over the limit becomes 413 in fail
			}
			// A malformed body (a part header with a NUL or a bare line
			// break, a broken boundary) is the sender's mistake, not ours.
			return okno.Wrap(okno.EINVALID, "error.bad_request", err)
		}
		got = r.PostFormValue(CSRFField)
	}
	want := ""
	if st.session != nil {
		want = st.session.CSRF
	} else if c, err := r.Cookie(csrfCookie); err == nil && c.Value != "" {
		want = CSRFToken(s.csrfKey, c.Value)
	}
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return okno.Errorf(okno.EFORBIDDEN, keyCSRF)
	}
	return nil
}

// CSRFToken returns the form token for an anonymous visitor whose okno_csrf
// cookie holds nonce. It is exported for test helpers (webtest) that post
// forms as an anonymous visitor.
func CSRFToken(key []byte, nonce string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("okno csrf v1\x00"))
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfFor returns the token to put in forms on the page being rendered,
// giving an anonymous visitor a fresh okno_csrf cookie when they have none.
func (s *Server) csrfFor(w http.ResponseWriter, r *http.Request) string {
	st := stateFrom(r.Context())
	if st.csrfToken != "" {
		return st.csrfToken
	}
	nonce := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		nonce = c.Value
	} else {
		b := make([]byte, 32)
		rand.Read(b)
		nonce = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: nonce, Path: "/",
			Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	st.csrfToken = CSRFToken(s.csrfKey, nonce)
	return st.csrfToken
}
