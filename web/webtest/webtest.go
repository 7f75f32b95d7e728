// Package webtest helps test the web layer as each kind of actor: fake
// Sessions, Roles and APIKeys backed by a fixed cast, and requests that
// carry the right cookie, bearer token and CSRF token for each member.
//
// It is for tests only and must never be wired into a real server.
package webtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/web"
)

// CSRFKey is the CSRF key of servers made for tests.
var CSRFKey = []byte("webtest-csrf-key-0123456789abcdef")

// Actor is one member of the cast.
type Actor struct {
	Name    string       // for subtest names: "anonymous", "citizen", "staff-admin", ...
	Session *web.Session // nil unless signed in through a session cookie
	Key     *web.APIKey  // nil unless an API client
	Roles   []okno.Role  // staff roles in Session.OrgID
}

// Actor returns the okno.Actor the server should see for a.
func (a Actor) Actor() okno.Actor {
	switch {
	case a.Session != nil:
		act := okno.Actor{Kind: a.Session.Kind, UserID: a.Session.UserID, Name: a.Session.Name}
		if a.Session.Kind == okno.ActorStaff {
			act.OrgID, act.Roles = a.Session.OrgID, a.Roles
		}
		return act
	case a.Key != nil:
		return okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: a.Key.ID, OrgID: a.Key.OrgID, Roles: a.Key.Roles, Name: a.Key.Name}
	}
	return okno.Actor{}
}

// Assurance returns a's assurance level (none unless a citizen).
func (a Actor) Assurance() web.Assurance {
	if a.Session != nil {
		return a.Session.Assurance
	}
	return web.AssuranceNone
}

// Cast returns one actor of every kind the access rules tell apart: anonymous,
// citizens at each assurance level, staff with no role and with each role,
// and an API key.
func Cast() []Actor {
	cast := []Actor{{Name: "anonymous"}}
	for i, a := range []web.Assurance{web.AssuranceSimplified, web.AssuranceStandard, web.AssuranceConfirmed} {
		cast = append(cast, Actor{
			Name:    []string{"citizen-simplified", "citizen-standard", "citizen-confirmed"}[i],
			Session: &web.Session{UserID: int64(100 + i), Kind: okno.ActorCitizen, Assurance: a, CSRF: "csrf-citizen-" + string(rune('a'+i)), Name: "Гражданин"},
		})
	}
	cast = append(cast, Actor{Name: "staff-no-role", Session: &web.Session{UserID: 200, Kind: okno.ActorStaff, OrgID: 7, CSRF: "csrf-staff", Name: "Сотрудник"}})
	for i, r := range okno.Roles {
		cast = append(cast, Actor{
			Name:    "staff-" + string(r),
			Session: &web.Session{UserID: int64(201 + i), Kind: okno.ActorStaff, OrgID: 7, CSRF: "csrf-staff-" + string(r), Name: "Сотрудник"},
			Roles:   []okno.Role{r},
		})
	}
	cast = append(cast, Actor{Name: "apikey", Key: &web.APIKey{ID: 9, OrgID: 7, Roles: []okno.Role{okno.RoleOfficial}, Name: "ЦУР"}})
	return cast
}

func sessionToken(a Actor) string { return "sess-" + a.Name }
func apiToken(a Actor) string     { return "okno_test_" + a.Name }

// Fakes implements web.Sessions, web.Roles and web.APIKeys for a cast.
type Fakes struct {
	sessions map[string]Actor
	keys     map[string]Actor
	roles    map[int64][]okno.Role
}

// NewFakes returns fakes that know every actor of cast.
func NewFakes(cast []Actor) *Fakes {
	f := &Fakes{sessions: map[string]Actor{}, keys: map[string]Actor{}, roles: map[int64][]okno.Role{}}
	for _, a := range cast {
		if a.Session != nil {
			f.sessions[sessionToken(a)] = a
			f.roles[a.Session.UserID] = a.Roles
		}
		if a.Key != nil {
			f.keys[apiToken(a)] = a
		}
	}
	return f
}

// Authenticate implements web.Sessions.
func (f *Fakes) Authenticate(_ context.Context, token string) (web.Session, error) {
	a, ok := f.sessions[token]
	if !ok {
		return web.Session{}, okno.Errorf(okno.EUNAUTHORIZED, "error.unauthorized")
	}
	return *a.Session, nil
}

// RolesOf implements web.Roles.
func (f *Fakes) RolesOf(_ context.Context, userID, _ int64) ([]okno.Role, error) {
	return f.roles[userID], nil
}

// AuthenticateAPIKey implements web.APIKeys.
func (f *Fakes) AuthenticateAPIKey(_ context.Context, token string) (web.APIKey, error) {
	a, ok := f.keys[token]
	if !ok {
		return web.APIKey{}, okno.Errorf(okno.EUNAUTHORIZED, "web.api_key_invalid")
	}
	return *a.Key, nil
}

// Deps returns web.Deps using the fakes; callers may replace other fields.
func (f *Fakes) Deps() web.Deps {
	return web.Deps{Sessions: f, Roles: f, APIKeys: f}
}

// Config returns a web.Config for tests: the test CSRF key and plain-HTTP cookies.
func Config() web.Config {
	return web.Config{CSRFKey: CSRFKey, DevInsecureCookies: true}
}

// anonNonce is the okno_csrf cookie value anonymous test requests carry.
const anonNonce = "webtest-anonymous-nonce-0123456789abcdef"

// NewRequest returns a request made by a: with its session cookie or API
// key, and for state-changing methods a valid CSRF token (a form field when
// body is form-encoded, else the header). Use WithoutCSRF to test refusals.
func (a Actor) NewRequest(method, target string, body io.Reader, contentType string) *http.Request {
	r := httptest.NewRequest(method, target, body)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	token := ""
	switch {
	case a.Session != nil:
		r.AddCookie(&http.Cookie{Name: "okno_session", Value: sessionToken(a)})
		token = a.Session.CSRF
	case a.Key != nil:
		r.Header.Set("Authorization", "Bearer "+apiToken(a))
	default:
		r.AddCookie(&http.Cookie{Name: "okno_csrf", Value: anonNonce})
		token = web.CSRFToken(CSRFKey, anonNonce)
	}
	if method != http.MethodGet && method != http.MethodHead && token != "" {
		r.Header.Set(web.CSRFHeader, token)
	}
	return r
}

// Form encodes fields for a POST body: webtest.Form("name", "Анна", "email", "a@b.ru").
func Form(pairs ...string) (io.Reader, string) {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(pairs[i]) + "=" + url.QueryEscape(pairs[i+1]))
	}
	return strings.NewReader(b.String()), "application/x-www-form-urlencoded"
}

// WithoutCSRF removes the CSRF header from r.
func WithoutCSRF(r *http.Request) *http.Request {
	r.Header.Del(web.CSRFHeader)
	return r
}
