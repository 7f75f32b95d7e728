package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/okno/okno/i18n"
	"github.com/okno/okno/identity"
)

// signupCookie remembers, sealed, the contact a person signed up with, so
// the confirmation and sign-in pages can fill it in for them.
const (
	signupCookie  = "okno_signup"
	signupPurpose = "signup contact"
)

// signupPage is the data of /signup.
type signupPage struct {
	Form Form
}

func signupFields(l i18n.Localizer) []Field {
	return []Field{
		{Name: "display_name", Label: l.T("web.signup.name"), Hint: l.T("web.signup.name_hint"), Autocomplete: "given-name", Width: "medium"},
		{Name: "contact", Label: l.T("web.signup.contact"), Hint: l.T("web.signup.contact_hint"), Autocomplete: "username", Width: "medium"},
		{Name: "password", Type: "password", Label: l.T("web.signup.password"), Hint: l.T("web.signup.password_hint", identity.MinPasswordLen), Autocomplete: "new-password", Width: "medium"},
	}
}

// signup shows the sign-up form.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	l := stateFrom(r.Context()).loc
	return s.render(w, http.StatusOK, "signup", s.view(w, r, "web.signup.title", signupPage{Form: NewForm(l, nil, nil, signupFields(l)...)}))
}

// signupSubmit starts an account and sends the person to enter their code.
// The answer is the same whether or not the contact already had an account
// (identity sends that person a reminder instead), so the page tells nobody
// who is registered.
func (s *Server) signupSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	in := identity.NewAccount{Contact: formValue(r, "contact"), Password: r.PostFormValue("password"), DisplayName: formValue(r, "display_name")}
	err := s.deps.Accounts.SignUp(r.Context(), in)
	if userError(err) {
		l := stateFrom(r.Context()).loc
		return s.render(w, formStatus(err), "signup", s.view(w, r, "web.signup.title", signupPage{Form: NewForm(l, r.PostForm, err, signupFields(l)...)}))
	}
	if err != nil {
		return err
	}
	if err := s.setSealed(w, signupCookie, "/", signupPurpose, in.Contact, 24*time.Hour); err != nil {
		return err
	}
	return seeOther(w, r, "/confirm")
}

// signupContact is the contact remembered by signupSubmit, or "".
func (s *Server) signupContact(r *http.Request) string {
	var c string
	s.openSealed(r, signupCookie, signupPurpose, &c)
	return c
}

// confirmPage is the data of /confirm.
type confirmPage struct {
	Form    Form
	Contact string // where the code went, as the person typed it
	Resent  bool
	Demo    bool // the demo mailbox exists: say where to read the code
}

func confirmFields(l i18n.Localizer) []Field {
	return []Field{
		{Name: "contact", Label: l.T("web.confirm.contact"), Autocomplete: "username", Width: "medium"},
		{Name: "code", Label: l.T("web.confirm.code"), Hint: l.T("web.confirm.code_hint"), Autocomplete: "one-time-code", Width: "short", Type: "text"},
	}
}

func (s *Server) confirmView(w http.ResponseWriter, r *http.Request, values url.Values, err error) View {
	l := stateFrom(r.Context()).loc
	contact := s.signupContact(r)
	if values == nil {
		values = url.Values{"contact": {contact}}
	}
	return s.view(w, r, "web.confirm.title", confirmPage{
		Form:    NewForm(l, values, err, confirmFields(l)...),
		Contact: contact,
		Resent:  r.URL.Query().Get("resent") == "1",
		Demo:    s.cfg.DemoMailbox,
	})
}

// confirm asks for the code sent at sign-up.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "confirm", s.confirmView(w, r, nil, nil))
}

// confirmSubmit checks the code; the account is then at the simplified
// level and the person signs in with the password they chose.
func (s *Server) confirmSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	err := s.deps.Accounts.Confirm(r.Context(), formValue(r, "contact"), formValue(r, "code"))
	if userError(err) {
		return s.render(w, formStatus(err), "confirm", s.confirmView(w, r, r.PostForm, err))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/signin?confirmed=1")
}

// confirmResend sends a new code. Identity limits how often; the limit's
// message, with the minutes to wait, appears on the form.
func (s *Server) confirmResend(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	err := s.deps.Accounts.ResendCode(r.Context(), formValue(r, "contact"))
	if userError(err) {
		return s.render(w, formStatus(err), "confirm", s.confirmView(w, r, r.PostForm, err))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/confirm?resent=1")
}
