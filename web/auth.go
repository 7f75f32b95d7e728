package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/okno/okno"
)

// Cookie names. Sessions are identity's; the web layer only carries them.
const (
	sessionCookie = "okno_session"
	csrfCookie    = "okno_csrf"
	langCookie    = "okno_lang"
	apiKeyPrefix  = "okno_"
)

// authenticate finds who is acting: an API key (only under /api/), else the
// session cookie, else nobody. It also returns the citizen's assurance level.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rt *Route, st *state) (okno.Actor, Assurance, error) {
	if auth := r.Header.Get("Authorization"); auth != "" && rt.IsAPI() {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || !strings.HasPrefix(token, apiKeyPrefix) || s.deps.APIKeys == nil {
			return okno.Actor{}, 0, okno.Errorf(okno.EUNAUTHORIZED, "web.api_key_invalid")
		}
		key, err := s.deps.APIKeys.AuthenticateAPIKey(r.Context(), token)
		if err != nil {
			return okno.Actor{}, 0, err
		}
		st.apiKey = true
		return okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: key.ID, OrgID: key.OrgID, Roles: key.Roles, Name: key.Name}, 0, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || s.deps.Sessions == nil {
		return okno.Actor{}, 0, nil
	}
	sess, err := s.deps.Sessions.Authenticate(r.Context(), c.Value)
	if okno.IsCode(err, okno.EUNAUTHORIZED) {
		s.clearSessionCookie(w)
		return okno.Actor{}, 0, nil
	}
	if err != nil {
		return okno.Actor{}, 0, err
	}
	st.session = &sess
	st.csrfToken = sess.CSRF
	actor := okno.Actor{Kind: sess.Kind, UserID: sess.UserID, Name: sess.Name}
	switch sess.Kind {
	case okno.ActorCitizen:
		return actor, sess.Assurance, nil
	case okno.ActorStaff:
		if s.deps.Roles != nil && sess.OrgID != 0 {
			if actor.Roles, err = s.deps.Roles.RolesOf(r.Context(), sess.UserID, sess.OrgID); err != nil {
				return okno.Actor{}, 0, err
			}
		}
		// Someone who no longer holds a position in the organisation
		// their session chose acts for none until they choose again:
		// roles are decided on every request, never remembered.
		if len(actor.Roles) > 0 {
			actor.OrgID = sess.OrgID
		}
		return actor, AssuranceNone, nil
	}
	// A session of a kind the web layer does not know admits nothing.
	return okno.Actor{}, 0, okno.Errorf(okno.EINTERNAL, "error.internal")
}

// secureCookies reports whether cookies must carry Secure.
func (s *Server) secureCookies() bool { return !s.cfg.DevInsecureCookies }

// setSessionCookie hands the browser a session token after sign-in. The
// cookie is HttpOnly (scripts never see it) and SameSite=Lax (sent on
// top-level navigation from links in e-mails, not on cross-site posts).
func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// clearSessionCookie removes the session cookie (sign-out, expired session).
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
