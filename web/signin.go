package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/okno/okno/i18n"
	"github.com/okno/okno/identity"
)

// staffSignInPath is the back office's own door: staff accounts cannot sign
// in on the citizens' one, nor citizens here.
const staffSignInPath = "/staff/signin"

// signinPage is the data of /signin and /staff/signin.
type signinPage struct {
	Form      Form
	Next      string
	Action    string // where the form posts
	Confirmed bool   // just confirmed the contact: say so
	Staff     bool
}

func signinFields(l i18n.Localizer, staff bool) []Field {
	contact := Field{Name: "contact", Label: l.T("web.signin.contact"), Autocomplete: "username", Width: "medium"}
	if staff {
		contact = Field{Name: "contact", Type: "email", Label: l.T("web.staff_signin.email"), Autocomplete: "username", Width: "medium"}
	}
	return []Field{contact, {Name: "password", Type: "password", Label: l.T("web.signin.password"), Autocomplete: "current-password", Width: "medium"}}
}

// signinDoor is what differs between the two doors.
type signinDoor struct {
	staff    bool
	action   string
	title    string
	home     string // where to go when ?next= says nothing
	identity func(context.Context, identity.Credentials) (identity.Session, error)
}

func (s *Server) citizenDoor() signinDoor {
	return signinDoor{action: "/signin", title: "web.signin.title", home: "/cabinet", identity: s.deps.Accounts.SignIn}
}

func (s *Server) staffDoor() signinDoor {
	return signinDoor{staff: true, action: staffSignInPath, title: "web.staff_signin.title", home: "/staff", identity: s.deps.Accounts.SignInStaff}
}

func (s *Server) signinView(w http.ResponseWriter, r *http.Request, d signinDoor, values url.Values, err error) View {
	l := stateFrom(r.Context()).loc
	next := r.URL.Query().Get("next")
	if values == nil {
		values = url.Values{}
		if !d.staff {
			values.Set("contact", s.signupContact(r))
		}
	} else {
		next = values.Get("next")
	}
	return s.view(w, r, d.title, signinPage{
		Form:      NewForm(l, values, err, signinFields(l, d.staff)...),
		Next:      next,
		Action:    d.action,
		Confirmed: r.URL.Query().Get("confirmed") == "1",
		Staff:     d.staff,
	})
}

// signin shows the citizens' sign-in form.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "signin", s.signinView(w, r, s.citizenDoor(), nil, nil))
}

// staffSignin shows the back office's sign-in form.
func (s *Server) staffSignin(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "signin", s.signinView(w, r, s.staffDoor(), nil, nil))
}

// signinSubmit signs a citizen in.
func (s *Server) signinSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.signinAt(w, r, s.citizenDoor())
}

// signinAt checks the credentials at door d, sets the session cookie and
// goes on to ?next= (only ever a path on this site). Wrong passwords and
// lockouts (with the minutes left) appear on the form.
func (s *Server) signinAt(w http.ResponseWriter, r *http.Request, d signinDoor) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ss, err := d.identity(r.Context(), identity.Credentials{Contact: formValue(r, "contact"), Password: r.PostFormValue("password"), IP: clientIP(r)})
	if userError(err) {
		return s.render(w, formStatus(err), "signin", s.signinView(w, r, d, r.PostForm, err))
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, ss.Token, ss.ExpiresAt)
	next := safeNext(r.PostFormValue("next"))
	if next == "/" {
		next = d.home
	}
	if d.staff {
		if err := s.autoSelectOrganisation(r.Context(), ss); err != nil {
			return err
		}
	}
	return seeOther(w, r, next)
}

// signout ends the session wherever it is, and forgets any form answers
// in progress: the next person at a shared computer must not see them.
func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.deps.Accounts.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	s.clearCookie(w, draftCookie, draftPath)
	s.clearCookie(w, signupCookie, "/")
	return seeOther(w, r, "/")
}
