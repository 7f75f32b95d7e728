package web

import (
	"net/http"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/complaint"
	"github.com/okno/okno/i18n"
)

// complaintPage is the data of /cabinet/cases/{id}/complaint: the
// grounds of the law as checkboxes with hints, and the text.
type complaintPage struct {
	CaseRef, Subject string
	Back, Action     string
	Key              string // the idempotency key: a double click files one complaint
	Grounds          []complaintGround
	GroundsError     string
	Text             Field
	Form             Form // the error summary
	Filed            []complaintLink
}

// complaintGround is one ground's checkbox.
type complaintGround struct {
	Code, ID, Title, Hint string
	Checked               bool
}

// complaintLink is a complaint filed before about the same case.
type complaintLink struct {
	Ref, URL string
}

// complaintSentPage is the confirmation.
type complaintSentPage struct {
	Panel       Panel
	Due         string
	CaseURL     string // the complaint's own case page
	OriginalURL string
	Original    string
}

// complaintForm shows the complaint form for one of the citizen's cases.
func (s *Server) complaintForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.complainable(r)
	if err != nil {
		return err
	}
	return s.renderComplaint(w, r, http.StatusOK, c, nil, newFormKey(), nil)
}

// complaintFile is every step after the form, by what was pressed: the
// form's "Продолжить" checks the answers and shows them back (or the form
// again with what is wrong, answers kept); the check page's «Изменить»
// returns to the form with them; its "Подать жалобу" (confirm) files.
func (s *Server) complaintFile(w http.ResponseWriter, r *http.Request) error {
	c, err := s.complainable(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	key := r.PostFormValue("key")
	if !validKey(key) {
		key = newFormKey()
	}
	in := complaint.Filing{CaseID: c.ID, Grounds: r.PostForm["grounds"], Text: r.PostFormValue("text"), IdempotencyKey: key}
	switch {
	case r.PostFormValue("edit") != "":
		return s.renderComplaint(w, r, http.StatusOK, c, r.PostForm, key, nil)
	case r.PostFormValue("confirm") == "":
		checked, err := complaint.Check(in)
		if err != nil {
			return s.renderComplaint(w, r, formStatus(err), c, r.PostForm, key, err)
		}
		return s.renderComplaintCheck(w, r, c, checked)
	}
	filed, err := s.deps.Complaints.File(r.Context(), okno.ActorFrom(r.Context()), in)
	if code := okno.ErrorCodeOf(err); code == okno.EINVALID || code == okno.ECONFLICT {
		// Bad answers, or the most complaints a case takes: the form says so.
		return s.renderComplaint(w, r, formStatus(err), c, r.PostForm, key, err)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/cabinet/complaints/"+strconv.FormatInt(filed.CaseID, 10))
}

// complainable is the case of the request when its citizen may complain
// about it (package complaint's rule); 404 for anyone else's.
func (s *Server) complainable(r *http.Request) (casework.Case, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return casework.Case{}, err
	}
	if s.deps.Complaints == nil {
		return casework.Case{}, okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	actor := okno.ActorFrom(r.Context())
	c, err := s.deps.Cases.Get(r.Context(), actor, id)
	if err != nil {
		return casework.Case{}, err
	}
	return c, complaint.Eligible(actor, c)
}

func (s *Server) renderComplaint(w http.ResponseWriter, r *http.Request, status int, c casework.Case, values map[string][]string, key string, ferr error) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	id := strconv.FormatInt(c.ID, 10)
	page := complaintPage{CaseRef: c.Ref, Subject: c.Subject, Back: "/cabinet/cases/" + id,
		Action: "/cabinet/cases/" + id + "/complaint", Key: key}
	page.Form = NewForm(l, values, ferr,
		Field{Name: "grounds", HTMLID: "f-grounds", Label: l.T("web.complaint.grounds_label")},
		Field{Name: "text", Type: "textarea", Required: true, Label: l.T("web.complaint.text_label"),
			Hint: l.T("web.complaint.text_hint", complaint.MaxText)})
	page.GroundsError = page.Form.Fields[0].Error
	page.Text = page.Form.Fields[1]
	chosen := map[string]bool{}
	for _, g := range values["grounds"] {
		chosen[g] = true
	}
	for i, g := range complaint.Grounds {
		page.Grounds = append(page.Grounds, complaintGround{Code: g.Code, ID: "f-grounds-" + strconv.Itoa(i),
			Title: l.T(g.TitleKey()), Hint: l.T(g.HintKey()), Checked: chosen[g.Code]})
	}
	if i := len(page.Grounds); i > 0 {
		page.Grounds[0].ID = "f-grounds" // the error summary's link lands on the first box
	}
	filed, err := s.deps.Complaints.Of(ctx, okno.ActorFrom(ctx), c.ID)
	if err != nil {
		return err
	}
	for _, f := range filed {
		page.Filed = append(page.Filed, complaintLink{Ref: f.Ref, URL: "/cabinet/cases/" + strconv.FormatInt(f.CaseID, 10)})
	}
	return s.render(w, status, "complaint-new", s.view(w, r, "web.complaint.title", page))
}

// complaintCheckPage is the check step: the answers, «Изменить», and
// the button that files.
type complaintCheckPage struct {
	CaseRef, Subject string
	Back, Action     string
	Answers          []SummaryRow
	Hidden           []hiddenInput
}

// renderComplaintCheck shows checked answers back before filing.
func (s *Server) renderComplaintCheck(w http.ResponseWriter, r *http.Request, c casework.Case, in complaint.Filing) error {
	l := stateFrom(r.Context()).loc
	id := strconv.FormatInt(c.ID, 10)
	page := complaintCheckPage{CaseRef: c.Ref, Subject: c.Subject, Back: "/cabinet/cases/" + id,
		Action: "/cabinet/cases/" + id + "/complaint", Hidden: []hiddenInput{{Name: "key", Value: in.IdempotencyKey}}}
	titles := ""
	for i, g := range in.Grounds {
		if i > 0 {
			titles += "; "
		}
		titles += l.T("complaint.ground." + g)
		page.Hidden = append(page.Hidden, hiddenInput{Name: "grounds", Value: g})
	}
	page.Hidden = append(page.Hidden, hiddenInput{Name: "text", Value: in.Text})
	page.Answers = []SummaryRow{
		{Key: l.T("web.complaint.case_key"), Value: c.Ref + " · " + c.Subject},
		{Key: l.T("web.complaint.grounds_label"), Value: titles},
		{Key: l.T("web.complaint.text_label"), Value: in.Text},
	}
	return s.render(w, http.StatusOK, "complaint-check", s.view(w, r, "web.complaint.check_title", page))
}

// complaintSent confirms a filed complaint: its number, the 15 working
// days the controlling body has, and where to follow it.
func (s *Server) complaintSent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.deps.Complaints == nil {
		return okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	ctx, l, actor := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	link, err := s.deps.Complaints.Original(ctx, actor, id)
	if err != nil {
		return err
	}
	c, err := s.deps.Cases.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	page := complaintSentPage{
		Panel:       Panel{Title: l.T("web.complaint.sent_title"), Body: l.T("web.complaint.sent_ref"), Reference: c.Ref},
		Due:         sentDue(l, c),
		CaseURL:     "/cabinet/cases/" + strconv.FormatInt(c.ID, 10),
		OriginalURL: "/cabinet/cases/" + strconv.FormatInt(link.OriginalCaseID, 10),
		Original:    link.OriginalRef,
	}
	return s.render(w, http.StatusOK, "complaint-sent", s.view(w, r, "web.complaint.sent_title", page))
}

// sentDue says by when the controlling body answers.
func sentDue(l i18n.Localizer, c casework.Case) string {
	if c.Legal.Due.IsZero() {
		return ""
	}
	return l.T("web.complaint.sent_due", c.Legal.Period.Days, dueDay(l, c.Legal.Due))
}
