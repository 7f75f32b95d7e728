package web

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/instant"
)

// The instant services' form: every page of the service's declaration on
// one page (instant forms are short: a document number, an account, a few
// readings), drawn with the application form's inputs (apply_fields.go),
// so both kinds of form look and read alike. Sending it runs the service
// and goes to the result (instant_result.go).

// instantFormPage is the data of instant-form.html.
type instantFormPage struct {
	ServiceTitle string
	Summary      string
	Action       string
	BackURL      string
	Pages        []instantFormSection
	Form         Form // the error summary
	Demo         bool
	Examples     []string
}

// instantFormSection is one page of the declaration, as a section.
type instantFormSection struct {
	Title  string
	Fields []applyField
}

// instantUnavailablePage is the data of instant-unavailable.html.
type instantUnavailablePage struct {
	ServiceTitle string
	BackURL      string
}

// instantForm shows the form, prefilled from the citizen's profile.
func (s *Server) instantForm(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if !validServiceCode(code) {
		return okno.Errorf(okno.ENOTFOUND, "instant.not_instant")
	}
	f, err := s.deps.Instant.Open(r.Context(), okno.ActorFrom(r.Context()), code)
	if err != nil {
		return s.instantRefused(w, r, code, err)
	}
	fc, err := s.instantFormCtx(r, f, f.Data)
	if err != nil {
		return err
	}
	return s.renderInstantForm(w, r, f, fc, http.StatusOK, nil)
}

// instantRun reads the answers, runs the service and shows its result;
// problems show on the form with the values as typed.
func (s *Server) instantRun(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, code := r.Context(), r.PathValue("code")
	if !validServiceCode(code) {
		return okno.Errorf(okno.ENOTFOUND, "instant.not_instant")
	}
	actor := okno.ActorFrom(ctx)
	f, err := s.deps.Instant.Open(ctx, actor, code)
	if err != nil {
		return s.instantRefused(w, r, code, err)
	}
	fc, err := s.instantFormCtx(r, f, f.Data)
	if err != nil {
		return err
	}
	data := map[string]any{}
	var bad []formdecl.FieldError
	if f.Decl != nil {
		for _, pg := range f.Decl.PagesFor(f.Data) {
			answers, b := pageAnswers(r.PostForm, fc, pg)
			bad = append(bad, b...)
			for _, ptr := range slices.Sorted(maps.Keys(answers)) {
				setPointer(data, ptr, answers[ptr])
			}
		}
	}
	fc.data = data
	if len(bad) > 0 {
		fc.addErrors(bad)
		return s.renderInstantForm(w, r, f, fc, http.StatusUnprocessableEntity, nil)
	}
	res, err := s.deps.Instant.Run(ctx, actor, code, data)
	if err != nil {
		if !userError(err) || okno.IsCode(err, okno.EFORBIDDEN) || okno.IsCode(err, okno.ENOTFOUND) {
			return s.instantRefused(w, r, code, err)
		}
		var problems instant.Problems
		if errors.As(err, &problems) {
			fc.addErrors(problems)
		} else {
			for _, fe := range okno.AsError(err).Fields {
				if _, ok := fc.errs[fe.Field]; !ok {
					fc.errs[fe.Field] = fc.l.T(fe.Key, fe.Args...)
					fc.order = append(fc.order, fe.Field)
				}
			}
		}
		return s.renderInstantForm(w, r, f, fc, formStatus(err), err)
	}
	return seeOther(w, r, "/cabinet/instant/"+strconv.FormatInt(res.ID, 10))
}

// instantRefused answers a service the citizen cannot use now: without a
// registry, a page saying so (503, never made-up data); below the
// service's level, the page explaining how to raise it; anything else as
// the error it is.
func (s *Server) instantRefused(w http.ResponseWriter, r *http.Request, code string, err error) error {
	switch {
	case errors.Is(err, instant.ErrNoRegistry):
		data := instantUnavailablePage{BackURL: "/services/" + code}
		if s.deps.Services != nil {
			if svc, err := s.deps.Services.Get(r.Context(), code); err == nil {
				data.ServiceTitle = svc.Title.In(string(stateFrom(r.Context()).loc.Lang()))
			}
		}
		w.Header().Set("Retry-After", "600")
		return s.render(w, http.StatusServiceUnavailable, "instant-unavailable", s.view(w, r, "web.instant.unavailable_title", data))
	case okno.AsError(err).Key == "instant.assurance":
		return s.applyLevelPage(w, r, code)
	}
	return err
}

// instantFormCtx is the application form's context for an instant form:
// the same inputs, the same problems by pointer.
func (s *Server) instantFormCtx(r *http.Request, f instant.Form, data map[string]any) (*applyFormCtx, error) {
	fc := &applyFormCtx{ctx: r.Context(), l: stateFrom(r.Context()).loc, svc: f.Service, decl: f.Decl, data: data, errs: map[string]string{}}
	if f.Decl != nil {
		cat, err := s.applyServices()
		if err != nil {
			return nil, err
		}
		fc.cat = cat
	}
	return fc, nil
}

// renderInstantForm shows the form with fc's answers and problems; err,
// when it names no field (a limit reached), heads the error summary.
func (s *Server) renderInstantForm(w http.ResponseWriter, r *http.Request, f instant.Form, fc *applyFormCtx, status int, err error) error {
	l := fc.l
	lang := string(l.Lang())
	page := instantFormPage{ServiceTitle: f.Service.Title.In(lang), Summary: f.Service.Summary.In(lang),
		Action: "/services/" + f.Service.Code + "/instant", BackURL: "/services/" + f.Service.Code,
		Demo: f.Demo, Examples: f.Examples}
	build := func() {
		page.Pages = page.Pages[:0]
		if f.Decl == nil {
			return
		}
		for _, pg := range f.Decl.PagesFor(fc.data) {
			page.Pages = append(page.Pages, instantFormSection{Title: declText(l, pg.Title, pg.TitleEn), Fields: s.pageFields(fc, pg)})
		}
	}
	build()
	if len(fc.errs) > 0 {
		instantPlaceErrors(fc, page.Pages)
		build()
		for _, sec := range page.Pages {
			walkFields(sec.Fields, func(f *applyField) {
				if f.Error != "" {
					page.Form.Errors = append(page.Form.Errors, FieldMessage{ID: f.ID, Message: f.Error})
				}
			})
		}
	}
	// Problems no input shows (a rule's, about a field this form names
	// differently) still head the summary, unlinked.
	shown := map[string]bool{}
	for _, sec := range page.Pages {
		walkFields(sec.Fields, func(f *applyField) { shown[f.Error] = f.Error != "" })
	}
	for _, p := range fc.order {
		if !shown[fc.errs[p]] {
			page.Form.Errors = append(page.Form.Errors, FieldMessage{Message: fc.errs[p]})
			shown[fc.errs[p]] = true
		}
	}
	if err != nil && len(page.Form.Errors) == 0 {
		msg, _ := l.Error(err)
		page.Form.Errors = []FieldMessage{{Message: msg}}
	}
	v := s.view(w, r, "web.instant.form_title", page)
	v.Title = page.ServiceTitle
	return s.render(w, status, "instant-form", v)
}

// instantPlaceErrors moves a problem at a pointer no input has (a field
// inside an object) to the nearest input that holds it.
func instantPlaceErrors(fc *applyFormCtx, pages []instantFormSection) {
	have := map[string]bool{}
	for _, sec := range pages {
		walkFields(sec.Fields, func(f *applyField) { have[f.Name] = true })
	}
	for _, p := range slices.Clone(fc.order) {
		if have[p] {
			continue
		}
		for q := p; q != ""; q = q[:strings.LastIndex(q, "/")] {
			if have[q] {
				if _, taken := fc.errs[q]; !taken {
					fc.errs[q] = fc.errs[p]
				}
				break
			}
		}
	}
}
