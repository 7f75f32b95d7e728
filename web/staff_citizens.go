package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/identity"
)

// staffCitizensPage is the data of /staff/citizens: an operator finds a
// citizen and confirms their identity with the passport in front of them.
type staffCitizensPage struct {
	Search   Form
	Found    *identity.Citizen // masked identifiers, full name to compare
	Level    string
	Confirm  Form // shown when the citizen is at the standard level
	CanRaise bool
	Done     *Panel
	Query    url.Values // the search, carried by the confirm form
}

func searchFields(l i18n.Localizer) []Field {
	return []Field{
		{Name: "by", Type: "radios", Label: l.T("web.citizens.by"), Options: []Option{
			{Value: "phone", Label: l.T("web.citizens.by_phone")},
			{Value: "email", Label: l.T("web.citizens.by_email")},
			{Value: "snils", Label: l.T("web.citizens.by_snils")},
		}},
		{Name: "q", Label: l.T("web.citizens.q"), Width: "medium", Autocomplete: "off"},
	}
}

// findCitizen runs the search in q; an empty search finds nobody, quietly.
func (s *Server) findCitizen(r *http.Request, q url.Values) (*identity.Citizen, error) {
	if q.Get("q") == "" && q.Get("by") == "" {
		return nil, nil
	}
	ctx, a := r.Context(), okno.ActorFrom(r.Context())
	var c identity.Citizen
	var err error
	switch q.Get("by") {
	case "phone":
		c, err = s.deps.Operators.FindByPhone(ctx, a, q.Get("q"))
	case "email":
		c, err = s.deps.Operators.FindByEmail(ctx, a, q.Get("q"))
	case "snils":
		c, err = s.deps.Operators.FindBySNILS(ctx, a, q.Get("q"))
	default:
		var fe okno.FieldErrors
		fe.Add("by", "error.choose_one")
		return nil, fe.Err()
	}
	if okno.IsCode(err, okno.ENOTFOUND) {
		var fe okno.FieldErrors
		fe.Add("q", "identity.citizen_not_found")
		return nil, fe.Err()
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func (s *Server) staffCitizensView(w http.ResponseWriter, r *http.Request, q url.Values, found *identity.Citizen, searchErr, confirmErr error) View {
	l := stateFrom(r.Context()).loc
	data := staffCitizensPage{Search: NewForm(l, q, searchErr, searchFields(l)...), Found: found, Query: q}
	if found != nil {
		data.Level = levelName(l, found.Assurance)
		data.CanRaise = found.Assurance == identity.AssuranceStandard
		data.Confirm = NewForm(l, nil, confirmErr, Field{Name: "passport", Label: l.T("web.citizens.passport"), Hint: l.T("web.citizens.passport_hint"), Width: "medium", Autocomplete: "off"})
	}
	if r.URL.Query().Get("confirmed") == "1" {
		data.Done = &Panel{Title: l.T("web.citizens.done"), Body: l.T("web.citizens.done_body")}
	}
	return s.view(w, r, "web.citizens.title", data)
}

// staffCitizens searches by phone, e-mail or СНИЛС (a GET form: searching
// changes nothing) and shows what an operator may see.
func (s *Server) staffCitizens(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	found, err := s.findCitizen(r, q)
	if err != nil && !userError(err) {
		return err
	}
	status := http.StatusOK
	if err != nil {
		status = formStatus(err)
	}
	return s.render(w, status, "staff-citizens", s.staffCitizensView(w, r, q, found, err, nil))
}

// staffCitizenConfirm raises a citizen to confirmed after the operator
// typed the passport number they see; identity checks it matches.
func (s *Server) staffCitizenConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "identity.citizen_not_found")
	}
	err = s.deps.Operators.ConfirmByOperator(r.Context(), okno.ActorFrom(r.Context()), id, formValue(r, "passport"))
	if userError(err) {
		q := url.Values{"by": {r.PostFormValue("by")}, "q": {r.PostFormValue("q")}}
		found, ferr := s.findCitizen(r, q)
		if ferr != nil && !userError(ferr) {
			return ferr
		}
		return s.render(w, formStatus(err), "staff-citizens", s.staffCitizensView(w, r, q, found, nil, err))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/staff/citizens?confirmed=1")
}
