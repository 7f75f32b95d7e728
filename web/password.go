package web

import (
	"net/http"

	"github.com/okno/okno/i18n"
	"github.com/okno/okno/identity"
)

// passwordPage is the data of /cabinet/password.
type passwordPage struct {
	Form Form
}

func passwordFields(l i18n.Localizer) []Field {
	return []Field{
		{Name: "current_password", Type: "password", Label: l.T("web.password.current"), Autocomplete: "current-password", Width: "medium"},
		{Name: "password", Type: "password", Label: l.T("web.password.new"), Hint: l.T("web.signup.password_hint", identity.MinPasswordLen), Autocomplete: "new-password", Width: "medium"},
	}
}

// password shows the change-password form.
func (s *Server) password(w http.ResponseWriter, r *http.Request) error {
	l := stateFrom(r.Context()).loc
	return s.render(w, http.StatusOK, "password", s.view(w, r, "web.password.title", passwordPage{Form: NewForm(l, nil, nil, passwordFields(l)...)}))
}

// passwordSubmit changes the password. Identity ends every other session
// (a thief's included) and gives this browser a new one.
func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ss, err := s.deps.Accounts.ChangePassword(r.Context(), session(r).UserID, r.PostFormValue("current_password"), r.PostFormValue("password"))
	if userError(err) {
		l := stateFrom(r.Context()).loc
		return s.render(w, formStatus(err), "password", s.view(w, r, "web.password.title", passwordPage{Form: NewForm(l, r.PostForm, err, passwordFields(l)...)}))
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, ss.Token, ss.ExpiresAt)
	return seeOther(w, r, "/cabinet?done=password")
}
