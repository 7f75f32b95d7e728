package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/i18n"
)

// The form pages of an application: start, one page of the form at a time
// (GOV.UK "one thing per page" where the layout puts one field on a page),
// and resuming a draft where the citizen left it. The draft is stored at
// every step by package application, so signing out loses nothing.

// applyFormCtx is what building a form page needs: the draft, its
// service's declaration and the problems to show, by pointer.
type applyFormCtx struct {
	ctx   context.Context
	l     i18n.Localizer
	cat   applyCatalog
	svc   catalog.Service
	decl  *formdecl.Decl
	draft application.Draft
	data  map[string]any
	errs  map[string]string // pointer → message
	order []string          // pointers of errs in the order found
	// parents are the parents chosen in large hierarchical directories
	// (the district before the school), by the field's pointer.
	parents map[string]string
}

// applyPageData is the data of apply-page.html.
type applyPageData struct {
	DraftID      int64
	Action       string
	BackURL      string
	ServiceTitle string
	Heading      string // the page's title, or its one question's label
	Single       bool   // one question: its label is the page heading
	PageID       string
	Return       string
	Step, Steps  int
	Fields       []applyField
	Form         Form // the error summary
	Multipart    bool
}

// applyPath is the address of a draft's page.
func applyPath(id int64, rest string) string {
	return "/applications/" + strconv.FormatInt(id, 10) + rest
}

// applyStart opens a draft of the service and goes to its first page.
// The route admits everyone so that a visitor whose session ran out is
// sent to sign in and back to the service's card, not shown a 401.
func (s *Server) applyStart(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := okno.ActorFrom(ctx)
	code := r.PathValue("code")
	if !validServiceCode(code) {
		return okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	switch {
	case actor.IsAnonymous():
		return seeOther(w, r, s.cfg.SignInPath+"?next="+url.QueryEscape("/services/"+code))
	case actor.Kind != okno.ActorCitizen:
		return okno.Errorf(okno.EFORBIDDEN, "error.forbidden")
	}
	d, err := s.deps.Applications.Start(ctx, actor, code)
	if okno.IsCode(err, okno.EFORBIDDEN) {
		return s.applyLevelPage(w, r, code)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, applyPath(d.ID, ""))
}

// validServiceCode bounds a service code taken from a path.
func validServiceCode(code string) bool {
	if code == "" || len(code) > 100 {
		return false
	}
	for _, c := range code {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// applyLevelPage explains that the service needs a higher level of the
// account and how to get it, instead of a bare "forbidden".
func (s *Server) applyLevelPage(w http.ResponseWriter, r *http.Request, code string) error {
	data := struct{ ServiceTitle, CardURL string }{CardURL: "/services/" + code}
	if cat, err := s.applyServices(); err == nil {
		if svc, err := cat.Get(r.Context(), code); err == nil {
			data.ServiceTitle = svc.Title.In(string(stateFrom(r.Context()).loc.Lang()))
		}
	}
	return s.render(w, http.StatusForbidden, "apply-level", s.view(w, r, "web.apply.level_title", data))
}

// loadForm reads the citizen's draft and its service's declaration. A
// draft of another citizen is not found.
func (s *Server) loadForm(r *http.Request) (*applyFormCtx, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	cat, err := s.applyServices()
	if err != nil {
		return nil, err
	}
	d, err := s.deps.Applications.Draft(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return nil, err
	}
	svc, err := cat.Get(ctx, d.Service)
	if err != nil {
		return nil, err
	}
	decl, err := cat.Decl(ctx, d.Service)
	if err != nil {
		return nil, err
	}
	fc := &applyFormCtx{ctx: ctx, l: stateFrom(ctx).loc, cat: cat, svc: svc, decl: decl, errs: map[string]string{}, parents: map[string]string{}}
	for k, v := range r.URL.Query() {
		if p, ok := strings.CutPrefix(k, "parent"); ok && strings.HasPrefix(p, "/") && len(v) > 0 {
			fc.parents[p] = v[0]
		}
	}
	for k, v := range r.PostForm { // a page shown again keeps the district chosen on it
		if p, ok := strings.CutSuffix(k, ".parent"); ok && strings.HasPrefix(p, "/") && len(v) > 0 && v[0] != "" {
			fc.parents[p] = v[0]
		}
	}
	fc.setDraft(d)
	return fc, nil
}

func (fc *applyFormCtx) setDraft(d application.Draft) {
	fc.draft, fc.data = d, d.Data
	if fc.data == nil {
		fc.data = map[string]any{}
	}
}

// pageKey is the page's ID as package application knows it: a form
// without a layout is one page, "", shown here as "form".
func (fc *applyFormCtx) pageKey(pg *formdecl.Page) string {
	if fc.decl.Layout == nil {
		return ""
	}
	return pg.ID
}

// pages are the form's pages that apply to the answers so far.
func (fc *applyFormCtx) pages() []*formdecl.Page { return fc.decl.PagesFor(fc.data) }

// page finds an applicable page by ID, with its place in the form.
func (fc *applyFormCtx) page(id string) (*formdecl.Page, int, bool) {
	for i, pg := range fc.pages() {
		if pg.ID == id {
			return pg, i, true
		}
	}
	return nil, 0, false
}

// addErrors records problems in the page's language; the first at a
// pointer wins.
func (fc *applyFormCtx) addErrors(errs []formdecl.FieldError) {
	en := english(fc.l)
	for _, e := range errs {
		if _, ok := fc.errs[e.Pointer]; ok {
			continue
		}
		key := e.Key
		if key == "formdecl.date" {
			key = "web.apply.date_invalid" // the page asks for day, month and year apart
		}
		fc.errs[e.Pointer] = fc.l.T(key, e.MessageArgs(en)...)
		fc.order = append(fc.order, e.Pointer)
	}
}

// applyResume goes to the page the citizen was last on; a submitted draft
// shows its confirmation.
func (s *Server) applyResume(w http.ResponseWriter, r *http.Request) error {
	fc, err := s.loadForm(r)
	if err != nil {
		return err
	}
	if fc.draft.CaseID != 0 {
		return seeOther(w, r, applyPath(fc.draft.ID, "/sent"))
	}
	pages := fc.pages()
	if len(pages) == 0 {
		return seeOther(w, r, applyPath(fc.draft.ID, "/check"))
	}
	// Package application records the page last saved; once its answers
	// are right the citizen had gone on to the next one.
	to, last := pages[0].ID, fc.draft.Page
	if fc.decl.Layout == nil {
		last = pages[0].ID // the one page; whether it is done, its problems say
	}
	if pg, i, ok := fc.page(last); ok {
		to = pg.ID
		_, errs, err := s.deps.Applications.Check(r.Context(), okno.ActorFrom(r.Context()), fc.draft.ID)
		if err != nil {
			return err
		}
		if !pageHasProblems(pg, errs) {
			if i+1 >= len(pages) {
				return seeOther(w, r, applyPath(fc.draft.ID, "/check"))
			}
			to = pages[i+1].ID
		}
	}
	return seeOther(w, r, applyPath(fc.draft.ID, "/pages/"+url.PathEscape(to)))
}

// pageHasProblems reports whether any problem is at a field of the page.
func pageHasProblems(pg *formdecl.Page, errs []formdecl.FieldError) bool {
	var fields []string
	var walk func(prefix string, fs []*formdecl.LayoutField)
	walk = func(prefix string, fs []*formdecl.LayoutField) {
		for _, f := range fs {
			fields = append(fields, prefix+f.Pointer)
			if f.Group {
				walk(prefix+f.Pointer+"/*", f.Fields)
			}
		}
	}
	walk("", pg.Fields)
	for _, e := range errs {
		shape := indexless(e.Pointer)
		for _, f := range fields {
			f = strings.ReplaceAll(f, "/*", "")
			if shape == f || strings.HasPrefix(shape, f+"/") {
				return true
			}
		}
	}
	return false
}

// indexless drops a pointer's list indices: "/children/0/snils" is
// "/children/snils", the way a layout names a group's fields.
func indexless(ptr string) string {
	parts := strings.Split(ptr, "/")
	out := parts[:0]
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, "/")
}

// applyPageShow shows one page of the form with the draft's answers.
func (s *Server) applyPageShow(w http.ResponseWriter, r *http.Request) error {
	fc, err := s.loadForm(r)
	if err != nil {
		return err
	}
	if fc.draft.CaseID != 0 {
		return seeOther(w, r, applyPath(fc.draft.ID, "/sent"))
	}
	pg, i, ok := fc.page(r.PathValue("page"))
	if !ok {
		return okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	return s.renderApplyPage(w, r, fc, pg, i, http.StatusOK)
}

// renderApplyPage renders a page with the problems in fc.
func (s *Server) renderApplyPage(w http.ResponseWriter, r *http.Request, fc *applyFormCtx, pg *formdecl.Page, idx, status int) error {
	l := fc.l
	ret := ""
	if r.URL.Query().Get("return") == "check" || r.PostFormValue("return") == "check" {
		ret = "check"
	}
	pages := fc.pages()
	data := applyPageData{DraftID: fc.draft.ID, ServiceTitle: fc.svc.Title.In(string(l.Lang())), PageID: pg.ID,
		Heading: declText(l, pg.Title, pg.TitleEn), Return: ret, Step: idx + 1, Steps: len(pages),
		Action: applyPath(fc.draft.ID, "/pages/"+url.PathEscape(pg.ID))}
	switch {
	case ret == "check":
		data.BackURL = applyPath(fc.draft.ID, "/check")
	case idx > 0:
		data.BackURL = applyPath(fc.draft.ID, "/pages/"+url.PathEscape(pages[idx-1].ID))
	default:
		data.BackURL = "/services/" + fc.svc.Code
	}
	data.Fields = s.pageFields(fc, pg)
	// Problems at a pointer the page has no input for (a list too short,
	// a field inside an object) show at the nearest field that holds it.
	if len(fc.errs) > 0 {
		have := map[string]bool{}
		walkFields(data.Fields, func(f *applyField) { have[f.Name] = true })
		var unplaced []string // problems no field of the page holds: atop the summary
		for _, p := range slices.Clone(fc.order) {
			q := p
			for q != "" && !have[q] {
				q = q[:strings.LastIndex(q, "/")]
			}
			switch _, taken := fc.errs[q]; {
			case q == "":
				unplaced = append(unplaced, fc.errs[p])
			case q != p && !taken:
				fc.errs[q] = fc.errs[p]
			}
		}
		data.Fields = s.pageFields(fc, pg)
		for _, m := range unplaced {
			data.Form.Errors = append(data.Form.Errors, FieldMessage{Message: m})
		}
		walkFields(data.Fields, func(f *applyField) {
			if f.Error != "" {
				data.Form.Errors = append(data.Form.Errors, FieldMessage{ID: f.ID, Message: f.Error})
			}
		})
	}
	walkFields(data.Fields, func(f *applyField) { data.Multipart = data.Multipart || f.Kind == "file" })
	if len(data.Fields) == 1 && data.Fields[0].Kind != "group" {
		data.Single = true
		data.Heading = data.Fields[0].Label
		data.Fields[0].Heading = true
	}
	v := s.view(w, r, "web.apply.page_title", data)
	v.Title = data.Heading
	return s.render(w, status, "apply-page", v)
}

// walkFields calls fn on every field, groups' fields included.
func walkFields(fields []applyField, fn func(*applyField)) {
	for i := range fields {
		fn(&fields[i])
		for j := range fields[i].Items {
			walkFields(fields[i].Items[j].Fields, fn)
		}
	}
}

// applyPageSave stores the page's answers (whatever they are), attaches
// the files chosen on it, and goes on: to the next page that applies, to
// the check page, or back to this page after "add another", "remove" or
// "upload". Problems show on the page with the values as typed.
func (s *Server) applyPageSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseApplyForm(r); err != nil {
		return err
	}
	fc, err := s.loadForm(r)
	if err != nil {
		return err
	}
	if fc.draft.CaseID != 0 {
		return seeOther(w, r, applyPath(fc.draft.ID, "/sent"))
	}
	pg, _, ok := fc.page(r.PathValue("page"))
	if !ok {
		return okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	action := r.PostFormValue("action")
	anchor, err := s.savePage(r, fc, pg, action)
	if err != nil {
		return err
	}
	pg, idx, ok := fc.page(pg.ID)
	if !ok { // the answers hid the page itself: go on from the start
		return seeOther(w, r, applyPath(fc.draft.ID, ""))
	}
	if action != "" && action != "continue" {
		if len(fc.errs) > 0 && strings.HasPrefix(action, "upload:") {
			return s.renderApplyPage(w, r, fc, pg, idx, http.StatusUnprocessableEntity)
		}
		q := url.Values{}
		if r.PostFormValue("return") == "check" {
			q.Set("return", "check")
		}
		if ptr, ok := strings.CutPrefix(action, "parent:"); ok {
			q.Set("parent"+ptr, r.PostFormValue(ptr+".parent"))
		}
		to := applyPath(fc.draft.ID, "/pages/"+url.PathEscape(pg.ID))
		if len(q) > 0 {
			to += "?" + q.Encode()
		}
		return seeOther(w, r, to+"#"+anchor)
	}
	if len(fc.errs) > 0 {
		return s.renderApplyPage(w, r, fc, pg, idx, http.StatusUnprocessableEntity)
	}
	pages := fc.pages()
	if r.PostFormValue("return") == "check" || idx+1 >= len(pages) {
		return seeOther(w, r, applyPath(fc.draft.ID, "/check"))
	}
	return seeOther(w, r, applyPath(fc.draft.ID, "/pages/"+url.PathEscape(pages[idx+1].ID)))
}

// parseApplyForm reads a form page's body, multipart when it carries
// files; what is over the memory part spills to temporary files.
func parseApplyForm(r *http.Request) error {
	err := r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return okno.Wrap(okno.EINVALID, keyTooLarge, err)
		}
		return okno.Wrap(okno.EINVALID, "error.bad_request", err)
	}
	return nil
}

// savePage attaches the page's files, applies a group action and saves the
// answers; problems end up in fc.errs. It returns the id of the input to
// go back to after an action.
func (s *Server) savePage(r *http.Request, fc *applyFormCtx, pg *formdecl.Page, action string) (string, error) {
	ctx, actor := r.Context(), okno.ActorFrom(r.Context())
	if err := s.attachParts(r, fc); err != nil {
		return "", err
	}
	answers, bad := pageAnswers(r.PostForm, fc, pg)
	anchor := ""
	switch {
	case strings.HasPrefix(action, "add:"):
		g := strings.TrimPrefix(action, "add:")
		if list, ok := answers[g].([]any); ok && len(list) < maxGroupItems {
			answers[g] = append(list, map[string]any{})
			anchor = fieldID(g + "/" + strconv.Itoa(len(list)))
		}
	case strings.HasPrefix(action, "remove:"):
		p := strings.TrimPrefix(action, "remove:")
		cut := strings.LastIndex(p, "/")
		if cut > 0 {
			g := p[:cut]
			i, err := strconv.Atoi(p[cut+1:])
			if list, ok := answers[g].([]any); ok && err == nil && i >= 0 && i < len(list) {
				answers[g] = slices.Delete(slices.Clone(list), i, i+1)
				anchor = fieldID(g)
			}
		}
	case strings.HasPrefix(action, "upload:"):
		anchor = fieldID(strings.TrimPrefix(action, "upload:"))
	case strings.HasPrefix(action, "parent:"):
		// A district chosen: a school of another district no longer fits.
		ptr := strings.TrimPrefix(action, "parent:")
		anchor = fieldID(ptr)
		if in, ok := fc.decl.Info(ptr); ok && in.Directory != "" {
			if v, ok := answers[ptr].(string); ok && s.parentOf(fc, in.Directory, v) != r.PostFormValue(ptr+".parent") {
				answers[ptr] = nil
			}
		}
	case strings.HasPrefix(action, "detach:"):
		fileID, err := strconv.ParseInt(strings.TrimPrefix(action, "detach:"), 10, 64)
		if err != nil {
			return "", okno.Errorf(okno.EINVALID, "error.bad_request")
		}
		if err := s.deps.Applications.Detach(ctx, actor, fc.draft.ID, fileID); err != nil {
			return "", err
		}
		d, err := s.deps.Applications.Draft(ctx, actor, fc.draft.ID)
		if err != nil {
			return "", err
		}
		fc.setDraft(d)
		anchor = "files"
	}
	d, errs, err := s.deps.Applications.Save(ctx, actor, fc.draft.ID, fc.draft.Version, fc.pageKey(pg), answers)
	if okno.IsCode(err, okno.ECONFLICT) {
		// Another tab saved in between: the page's answers are what the
		// citizen sees, so they are stored over the fresh draft.
		if cur, gerr := s.deps.Applications.Draft(ctx, actor, fc.draft.ID); gerr == nil {
			d, errs, err = s.deps.Applications.Save(ctx, actor, cur.ID, cur.Version, fc.pageKey(pg), answers)
		}
	}
	if err != nil {
		if !userError(err) || okno.IsCode(err, okno.ENOTFOUND) {
			return "", err
		}
		// A problem that is not about the values (a limit reached): shown
		// at the top of the page.
		_, msgs := fc.l.Error(err)
		for f, m := range msgs {
			fc.errs[f] = m
			fc.order = append(fc.order, f)
		}
		if len(msgs) == 0 {
			msg, _ := fc.l.Error(err)
			fc.errs[""] = msg
			fc.order = append(fc.order, "")
		}
		return anchor, nil
	}
	fc.setDraft(d)
	fc.addErrors(bad)
	fc.addErrors(errs)
	return anchor, nil
}

// pageAnswers reads the answers of a page's inputs, typed by their
// fields; damaged text is reported as a problem at its field.
func pageAnswers(form url.Values, fc *applyFormCtx, pg *formdecl.Page) (map[string]any, []formdecl.FieldError) {
	answers := map[string]any{}
	var bad []formdecl.FieldError
	for _, lf := range pg.Fields {
		if !lf.Shown(fc.data) {
			continue
		}
		if !lf.Group {
			in, ok := fc.decl.Info(lf.Pointer)
			if !ok || in.File != nil {
				continue
			}
			v, b := readInput(form, in, lf.Pointer)
			answers[lf.Pointer] = v
			bad = append(bad, b...)
			continue
		}
		n, _ := strconv.Atoi(form.Get(lf.Pointer + ".n"))
		n = max(1, min(n, maxGroupItems))
		old := asList(pointerValue(fc.data, lf.Pointer))
		list := make([]any, 0, n)
		for i := range n {
			base := lf.Pointer + "/" + strconv.Itoa(i)
			el := map[string]any{}
			if i < len(old) {
				if m, ok := deepCopyJSON(old[i]).(map[string]any); ok {
					el = m // files and fields not on the page are kept
				}
			}
			for _, sub := range lf.Fields {
				in, ok := fc.decl.Info(base + sub.Pointer)
				if !ok || in.File != nil || !sub.Shown(fc.data) {
					continue
				}
				v, b := readInput(form, in, base+sub.Pointer)
				setPointer(el, sub.Pointer, v)
				bad = append(bad, b...)
			}
			list = append(list, el)
		}
		answers[lf.Pointer] = list
	}
	return answers, bad
}

// readInput reads one input's answer.
func readInput(form url.Values, in formdecl.Info, ptr string) (any, []formdecl.FieldError) {
	var bad []formdecl.FieldError
	clean := func(s string) string {
		c, ok := cleanText(s)
		if !ok && len(bad) == 0 {
			bad = append(bad, formdecl.FieldError{Pointer: ptr, Field: in.Title, FieldEn: in.TitleEn, Key: "formdecl.json_encoding"})
		}
		return c
	}
	switch {
	case in.Type == "array" && len(in.Options) > 0:
		var out []any
		for i, s := range form[ptr] {
			if i == maxChoices {
				break
			}
			out = append(out, typed(formdecl.Info{Type: "string", Options: in.Options}, clean(s)))
		}
		if len(out) == 0 {
			return nil, bad
		}
		return out, bad
	case in.Format == "date":
		return joinDate(clean(form.Get(ptr+".day")), clean(form.Get(ptr+".month")), clean(form.Get(ptr+".year"))), bad
	}
	return typed(in, clean(form.Get(ptr))), bad
}

// deepCopyJSON copies a decoded JSON value.
func deepCopyJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopyJSON(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopyJSON(e)
		}
		return l
	}
	return v
}
