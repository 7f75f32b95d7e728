package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/formdecl"
)

// Check your answers, sending, the confirmation, and discarding a draft.

// applyCheckData is the data of apply-check.html.
type applyCheckData struct {
	DraftID      int64
	ServiceTitle string
	Sections     []applySection
	Files        []applyFileLine
	NeedsConsent bool
	Consent      bool
	ConsentError string
	ConsentText  string
	Form         Form // the error summary, linking to each field's «Изменить»
	BackURL      string
	SubmitAction string
	DeleteAction string
}

// applySection is one page's answers.
type applySection struct {
	Title string
	Rows  []SummaryRow
}

// applyCheck shows every answer by page with «Изменить» links, the
// documents, and the consent when the service needs one.
func (s *Server) applyCheck(w http.ResponseWriter, r *http.Request) error {
	fc, err := s.loadForm(r)
	if err != nil {
		return err
	}
	if fc.draft.CaseID != 0 {
		return seeOther(w, r, applyPath(fc.draft.ID, "/sent"))
	}
	return s.renderApplyCheck(w, r, fc, http.StatusOK, nil, false)
}

// renderApplyCheck renders the check page; submitErr is a failed send's
// problem (field problems link to the pages that fix them).
func (s *Server) renderApplyCheck(w http.ResponseWriter, r *http.Request, fc *applyFormCtx, status int, submitErr error, consent bool) error {
	ctx, l := r.Context(), fc.l
	d, errs, err := s.deps.Applications.Check(ctx, okno.ActorFrom(ctx), fc.draft.ID)
	if err != nil {
		return err
	}
	fc.setDraft(d)
	fc.addErrors(errs)
	data := applyCheckData{DraftID: d.ID, ServiceTitle: fc.svc.Title.In(string(l.Lang())), NeedsConsent: fc.svc.NeedsConsent,
		Consent: consent, SubmitAction: applyPath(d.ID, "/submit"), DeleteAction: applyPath(d.ID, "/delete")}
	data.ConsentText = l.T("web.apply.consent_text", data.ServiceTitle)
	if submitErr != nil {
		var probs application.Problems
		if errors.As(submitErr, &probs) {
			for _, e := range probs {
				if e.Pointer == "consent" {
					data.ConsentError = l.T(e.Key, e.MessageArgs(english(l))...)
				}
			}
			fc.addErrors(slices.DeleteFunc(slices.Clone(probs), func(e formdecl.FieldError) bool { return e.Pointer == "consent" }))
		} else {
			msg, _ := l.Error(submitErr)
			data.Form.Errors = append(data.Form.Errors, FieldMessage{Message: msg})
		}
	}
	pages := fc.pages()
	if len(pages) > 0 {
		data.BackURL = applyPath(d.ID, "/pages/"+url.PathEscape(pages[len(pages)-1].ID))
	}
	where := map[string]string{} // pointer → the «Изменить» link that fixes it
	for _, pg := range pages {
		sec := applySection{Title: declText(l, pg.Title, pg.TitleEn)}
		change := applyPath(d.ID, "/pages/"+url.PathEscape(pg.ID)) + "?return=check"
		for _, f := range s.pageFields(fc, pg) {
			if f.Kind == "group" {
				where[f.Name] = change + "#" + f.ID
				for _, it := range f.Items {
					for _, g := range it.Fields {
						where[g.Name] = change + "#" + g.ID
						sec.Rows = append(sec.Rows, SummaryRow{Key: it.Title + " › " + g.Label, Value: s.answerText(fc, g), ChangeURL: change + "#" + g.ID})
					}
				}
				continue
			}
			where[f.Name] = change + "#" + f.ID
			sec.Rows = append(sec.Rows, SummaryRow{Key: f.Label, Value: s.answerText(fc, f), ChangeURL: change + "#" + f.ID})
		}
		data.Sections = append(data.Sections, sec)
	}
	for _, p := range fc.order {
		link := ""
		for q := p; ; q = q[:strings.LastIndex(q, "/")] {
			if u, ok := where[q]; ok {
				link = u
				break
			}
			if q == "" {
				break
			}
		}
		data.Form.Errors = append(data.Form.Errors, FieldMessage{Message: fc.errs[p], URL: link})
	}
	if data.ConsentError != "" {
		data.Form.Errors = append(data.Form.Errors, FieldMessage{ID: "f-consent", Message: data.ConsentError})
	}
	for _, f := range d.Files {
		data.Files = append(data.Files, fc.fileLine(f))
	}
	return s.render(w, status, "apply-check", s.view(w, r, "web.apply.check_title", data))
}

// answerText is how an answer reads on the check page.
func (s *Server) answerText(fc *applyFormCtx, f applyField) string {
	l := fc.l
	switch f.Kind {
	case "file":
		names := make([]string, 0, len(f.Files))
		for _, x := range f.Files {
			names = append(names, x.Name)
		}
		if len(names) == 0 {
			return l.T("web.apply.no_file")
		}
		return strings.Join(names, ", ")
	case "checkboxes":
		var out []string
		for _, o := range f.Options {
			if f.IsChecked(o.Value) {
				out = append(out, o.Label)
			}
		}
		return strings.Join(out, ", ")
	case "radios", "yesno", "checkbox":
		if f.Kind == "checkbox" && f.Value == "true" {
			return l.T("web.apply.yes")
		}
		for _, o := range f.Options {
			if o.Value == f.Value {
				return o.Label
			}
		}
	case "select":
		for _, g := range f.Groups {
			for _, o := range g.Options {
				if o.Value == f.Value && o.Value != "" {
					return o.Label
				}
			}
		}
	case "date":
		if t, err := time.Parse(time.DateOnly, f.Value); err == nil {
			return dayText(l, t.Add(12*time.Hour))
		}
	}
	return f.Value
}

// applySubmit sends the application. The draft is the idempotency key: a
// double click or a retry gets the case the first one opened.
func (s *Server) applySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	fc, err := s.loadForm(r)
	if err != nil {
		return err
	}
	if fc.draft.CaseID != 0 {
		return seeOther(w, r, applyPath(fc.draft.ID, "/sent"))
	}
	ctx := r.Context()
	consent := r.PostFormValue("consent") == "yes"
	_, err = s.deps.Applications.Submit(ctx, okno.ActorFrom(ctx), application.Submission{DraftID: fc.draft.ID, Version: fc.draft.Version, Consent: consent})
	if okno.IsCode(err, okno.ECONFLICT) {
		// A submit in another request won the race: it made the case.
		if d, gerr := s.deps.Applications.Draft(ctx, okno.ActorFrom(ctx), fc.draft.ID); gerr == nil && d.CaseID != 0 {
			return seeOther(w, r, applyPath(d.ID, "/sent"))
		}
	}
	if err != nil {
		if !userError(err) || okno.IsCode(err, okno.ENOTFOUND) {
			return err
		}
		return s.renderApplyCheck(w, r, fc, formStatus(err), err, consent)
	}
	return seeOther(w, r, applyPath(fc.draft.ID, "/sent"))
}

// applySentData is the data of apply-sent.html.
type applySentData struct {
	Panel        Panel
	Deadline     string
	CaseURL      string
	ServiceTitle string
}

// applySent confirms a sent application: its number, what happens next
// and by when (the case's legal clock), and where to follow it.
func (s *Server) applySent(w http.ResponseWriter, r *http.Request) error {
	fc, err := s.loadForm(r)
	if err != nil {
		return err
	}
	if fc.draft.CaseID == 0 {
		return seeOther(w, r, applyPath(fc.draft.ID, "/check"))
	}
	ctx, l := r.Context(), fc.l
	c, err := s.deps.Cases.Get(ctx, okno.ActorFrom(ctx), fc.draft.CaseID)
	if err != nil {
		return err
	}
	data := applySentData{ServiceTitle: fc.svc.Title.In(string(l.Lang())),
		Panel:   Panel{Title: l.T("web.apply.sent_panel"), Body: l.T("web.apply.sent_ref"), Reference: c.Ref},
		CaseURL: "/cabinet/cases/" + strconv.FormatInt(c.ID, 10)}
	if !c.Legal.Due.IsZero() {
		data.Deadline = dueDay(l, c.Legal.Due)
	}
	return s.render(w, http.StatusOK, "apply-sent", s.view(w, r, "web.apply.sent_title", data))
}

// applyDelete discards a draft after a confirmation step: the first post
// asks, the second (confirm=yes) deletes.
func (s *Server) applyDelete(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	fc, err := s.loadForm(r)
	if err != nil {
		return err
	}
	if fc.draft.CaseID != 0 {
		return okno.Errorf(okno.ECONFLICT, "web.apply.already_sent")
	}
	if r.PostFormValue("confirm") != "yes" {
		data := struct {
			ServiceTitle, Action, BackURL string
		}{fc.svc.Title.In(string(fc.l.Lang())), applyPath(fc.draft.ID, "/delete"), applyPath(fc.draft.ID, "")}
		return s.render(w, http.StatusOK, "apply-delete", s.view(w, r, "web.apply.delete_title", data))
	}
	ctx := r.Context()
	if err := s.deps.Applications.Delete(ctx, okno.ActorFrom(ctx), fc.draft.ID); err != nil {
		return err
	}
	return seeOther(w, r, "/cabinet/applications?deleted=1")
}
