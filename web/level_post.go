package web

import (
	"net/http"
	"net/url"

	"github.com/okno/okno/i18n"
	"github.com/okno/okno/identity"
)

// levelPostPage is the data of /cabinet/level/post: the two ways to a
// confirmed account — a code by post, or a visit to a service centre.
type levelPostPage struct {
	Confirmed   bool
	Address     string // where the letter went; "" until one is ordered
	AddressForm Form
	CodeForm    Form
	Banner      *Banner
}

func (s *Server) levelPostView(w http.ResponseWriter, r *http.Request, p identity.Profile, values url.Values, addrErr, codeErr error) View {
	l := stateFrom(r.Context()).loc
	data := levelPostPage{
		Confirmed: p.Assurance == identity.AssuranceConfirmed,
		Address:   p.Address,
		AddressForm: NewForm(l, values, addrErr,
			Field{Name: "address", Type: "textarea", Label: l.T("web.post.address"), Hint: l.T("web.post.address_hint"), Autocomplete: "street-address"}),
		CodeForm: NewForm(l, values, codeErr,
			Field{Name: "code", Label: l.T("web.post.code"), Hint: l.T("web.post.code_hint"), Autocomplete: "one-time-code", Width: "short"}),
	}
	if values == nil {
		data.AddressForm.Fields[0].Value = p.Address
	}
	if r.URL.Query().Get("sent") == "1" {
		data.Banner = &Banner{Title: l.T("web.post.sent"), Body: l.T("web.post.sent_body"), Success: true}
	}
	return s.view(w, r, "web.post.title", data)
}

// levelPost explains both ways to confirm and offers the letter.
func (s *Server) levelPost(w http.ResponseWriter, r *http.Request) error {
	p, err := s.deps.Accounts.Profile(r.Context(), session(r).UserID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "level-post", s.levelPostView(w, r, p, nil, nil, nil))
}

// levelPostRequest orders the letter with a code to the address given.
func (s *Server) levelPostRequest(w http.ResponseWriter, r *http.Request) error {
	return s.levelPostAction(w, r, true)
}

// levelPostCode checks the code from the letter; the account becomes
// confirmed.
func (s *Server) levelPostCode(w http.ResponseWriter, r *http.Request) error {
	return s.levelPostAction(w, r, false)
}

func (s *Server) levelPostAction(w http.ResponseWriter, r *http.Request, request bool) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, me := r.Context(), session(r)
	var err error
	if request {
		err = s.deps.Accounts.RequestPostCode(ctx, me.UserID, formValue(r, "address"))
	} else {
		err = s.deps.Accounts.ConfirmPostCode(ctx, me.UserID, formValue(r, "code"))
	}
	if userError(err) {
		p, perr := s.deps.Accounts.Profile(ctx, me.UserID)
		if perr != nil {
			return perr
		}
		addrErr, codeErr := err, error(nil)
		if !request {
			addrErr, codeErr = nil, err
		}
		return s.render(w, formStatus(err), "level-post", s.levelPostView(w, r, p, r.PostForm, addrErr, codeErr))
	}
	if err != nil {
		return err
	}
	if request {
		return seeOther(w, r, "/cabinet/level/post?sent=1")
	}
	return seeOther(w, r, "/cabinet/level/done")
}

// levelName is a level's name in the person's language.
func levelName(l i18n.Localizer, a identity.Assurance) string { return l.T("web.level." + string(a)) }
