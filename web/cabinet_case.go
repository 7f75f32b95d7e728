package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/process"
)

// cabinetCasePage is the data of /cabinet/cases/{id}: where the case
// stands, what happens next, who is responsible, its documents and
// history, and what the citizen may do now.
type cabinetCasePage struct {
	ID          int64
	Ref         string
	Subject     string
	Status      string
	Tag         Tag
	Next        string // the state's citizen text: what happens next, or what to do
	Waiting     bool   // the case waits for the citizen
	Message     string // while waiting: what the official wrote when they asked (the question, the answer)
	Closed      bool
	Deadline    string
	Responsible *casework.Responsible
	Results     []docLink
	Documents   []docLink
	Timeline    []timelineItem
	Actions     []actionLink
	Form        *actionForm // the chosen action's form; nil until one is chosen
	Banner      *Banner
	// An application's case links its service's card; follow-ups are what
	// other features offer next (a complaint, a rating).
	ServiceTitle string
	ServiceURL   string
	FollowUps    []followUp
	// Invoices are the fees billed to the case (pay_case.go); CanPay says
	// a payment provider is connected.
	Invoices []fineLine
	CanPay   bool
}

// docLink is a document to download.
type docLink struct {
	URL, Name, Meta string
}

// timelineItem is one event of the citizen's timeline, in plain words.
type timelineItem struct {
	When    string
	What    string // the status the case moved to, or what happened
	Who     string
	Comment string
	Fields  []SummaryRow
}

// actionLink offers one action; following it opens the action's form.
type actionLink struct {
	Title, URL string
}

// actionForm is the form of one action: its fields, comment and files.
type actionForm struct {
	Name    string
	Title   string
	Version int64
	Form    Form
	Files   []fileInput
}

// fileInput is a file upload of an action's form.
type fileInput struct {
	Name, Label, Hint, Error string
	Multiple                 bool
}

// ID is the input's id, the target of the error summary's link.
func (f fileInput) ID() string { return "f-" + f.Name }

// caseFormState is a submitted action form to show again: its values and
// what was wrong.
type caseFormState struct {
	Action string
	Values url.Values
	Err    error
}

// cabinetCase shows one of the citizen's cases. Another's case is not
// found: the case engine never tells the two apart.
func (s *Server) cabinetCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.cabinetCaseView(w, r, id, caseFormState{Action: r.URL.Query().Get("action")})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "cabinet-case", v)
}

// cabinetCaseAct takes the action the citizen chose, with its fields,
// comment and files. A stale version (the case moved on while they were
// writing) shows the case as it is now, their text kept, with a clear
// message; other problems show on the form.
func (s *Server) cabinetCaseAct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, err := actionFromForm(r, id)
	if err != nil {
		return err
	}
	c, err := s.deps.Cases.Act(ctx, okno.ActorFrom(ctx), in)
	if err == nil {
		return seeOther(w, r, "/cabinet/cases/"+strconv.FormatInt(c.ID, 10)+"?"+url.Values{"done": {in.Action}}.Encode())
	}
	if !userError(err) || okno.IsCode(err, okno.ENOTFOUND) {
		return err
	}
	values := url.Values{"comment": {in.Comment}}
	for k, v := range in.Fields {
		values.Set(fieldInput(k), v)
	}
	v, verr := s.cabinetCaseView(w, r, id, caseFormState{Action: in.Action, Values: values, Err: err})
	if verr != nil {
		return verr
	}
	return s.render(w, formStatus(err), "cabinet-case", v)
}

// cabinetCaseDocument sends one document of the citizen's case.
func (s *Server) cabinetCaseDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	d, body, err := s.deps.Cases.ReadDocument(ctx, okno.ActorFrom(ctx), id, docID, false)
	if err != nil {
		return err
	}
	return sendDocument(w, d, body, false)
}

// cabinetCaseView gathers everything the case page shows, as the citizen
// may see it, with the chosen action's form in state fs.
func (s *Server) cabinetCaseView(w http.ResponseWriter, r *http.Request, id int64, fs caseFormState) (View, error) {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	actor := okno.ActorFrom(ctx)
	c, err := s.deps.Cases.Get(ctx, actor, id)
	if err != nil {
		return View{}, err
	}
	ver, err := s.deps.Cases.Definition(ctx, c)
	if err != nil {
		return View{}, err
	}
	events, err := s.deps.Cases.Timeline(ctx, actor, id)
	if err != nil {
		return View{}, err
	}
	docs, err := s.deps.Cases.Documents(ctx, actor, id)
	if err != nil {
		return View{}, err
	}
	allowed, err := s.deps.Cases.Allowed(ctx, actor, c)
	if err != nil {
		return View{}, err
	}
	resp, err := s.deps.Cases.Responsible(ctx, actor, c)
	if err != nil {
		return View{}, err
	}
	def := ver.Definition
	lang := string(l.Lang())
	st, _ := def.State(c.State)
	data := cabinetCasePage{ID: c.ID, Ref: c.Ref, Subject: c.Subject, Status: titleIn(st.Title, lang, st.Name),
		Waiting: st.Waiting && c.Open(), Closed: !c.Open(), Tag: caseTag(l, st.Waiting && c.Open(), c.ClosedAt),
		Deadline: caseDeadline(l, s.now(), c, st.Waiting)}
	data.Next = st.Citizen.In(lang)
	if resp.Name != "" || resp.Position != "" || resp.OrgName != "" {
		data.Responsible = &resp
	}
	data.Results, data.Documents = docLinks(l, c.ID, docs, actor)
	data.Timeline = timelineItems(l, def, events, actor)
	if data.Waiting {
		data.Message = askedWith(events, c.State, actor)
	}
	data.Actions, data.Form = actionForms(l, c, def, allowed, fs)
	s.caseApplicationLinks(r, c, &data)
	if err := s.caseInvoices(r, c, &data); err != nil {
		return View{}, err
	}
	switch {
	case okno.IsCode(fs.Err, okno.ECONFLICT):
		data.Banner = &Banner{Title: l.T("web.case.conflict"), Body: l.T("web.case.conflict_body")}
	case fs.Err != nil && data.Form == nil:
		// The action is not (or no longer) one the citizen may take: the
		// case closed, or moved on. Say why at the top.
		data.Banner = &Banner{Title: l.T("web.case.not_done"), Body: errorText(l, fs.Err)}
	case fs.Err == nil && r.URL.Query().Get("done") != "":
		a, _ := def.Action(r.URL.Query().Get("done"))
		data.Banner = &Banner{Title: l.T("web.case.done"), Body: titleIn(a.Title, lang, ""), Success: true}
	}
	v := s.view(w, r, "web.case.title", data)
	v.Title = l.T("web.case.title", c.Ref)
	return v, nil
}

// errorText is what err says to a person: its first field's message when
// it names fields (the page has no such field to show it on), else its
// own.
func errorText(l i18n.Localizer, err error) string {
	msg, fields := l.Error(err)
	if fs := okno.AsError(err).Fields; len(fs) > 0 {
		return fields[fs[0].Field]
	}
	return msg
}

// titleIn is t in lang, or fallback when the definition gives none.
func titleIn(t process.Text, lang, fallback string) string {
	if s := t.In(lang); s != "" {
		return s
	}
	return fallback
}

// caseDeadline says where a case stands against its legal clock.
func caseDeadline(l i18n.Localizer, now time.Time, c casework.Case, waiting bool) string {
	return deadlineText(l, now, c.Legal.Due, c.LegalMetAt, waiting || c.Legal.Paused(), c.ClosedAt)
}

// docLinks splits the documents the citizen may see into the case's
// results and the rest (their own files and officials' letters).
func docLinks(l i18n.Localizer, caseID int64, docs []casework.Document, actor okno.Actor) (results, others []docLink) {
	for _, d := range docs {
		who := l.T("web.case.doc_by_org")
		if d.UploadedBy == actor.Ref() {
			who = l.T("web.case.doc_by_you")
		}
		link := docLink{
			URL:  "/cabinet/cases/" + strconv.FormatInt(caseID, 10) + "/documents/" + strconv.FormatInt(d.ID, 10),
			Name: d.Name,
			Meta: who + " · " + formatTime(l, d.CreatedAt) + " · " + sizeText(l, d.Size),
		}
		if d.Result {
			results = append(results, link)
		} else {
			others = append(others, link)
		}
	}
	return results, others
}

// sizeText shows a file size as people read it: "240 КБ", "1,2 МБ".
func sizeText(l i18n.Localizer, n int64) string {
	switch {
	case n < 1<<10:
		return l.T("web.case.size_b", n)
	case n < 1<<20:
		return l.T("web.case.size_kb", (n+1<<9)>>10)
	}
	mb := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	if l.Lang() == i18n.Russian {
		mb = strings.Replace(mb, ".", ",", 1)
	}
	return l.T("web.case.size_mb", mb)
}

// timelineItems tells the citizen's timeline in plain words: the status
// the case moved to (or what the event means, when it stayed), when, who
// — "you" for the citizen — with their comment and the values they gave.
func timelineItems(l i18n.Localizer, def *process.Definition, events []casework.Event, actor okno.Actor) []timelineItem {
	lang := string(l.Lang())
	out := make([]timelineItem, 0, len(events))
	for _, e := range events {
		if !e.CitizenVisible || e.Kind == casework.EventNote {
			continue
		}
		it := timelineItem{When: formatTime(l, e.At), Who: e.ActorName, Comment: e.Comment, What: l.T("web.case.event." + string(e.Kind))}
		if e.Actor == actor.Ref() {
			it.Who = l.T("web.case.by_you")
		}
		if st, ok := def.State(e.ToState); ok && e.Kind != casework.EventOpened && e.ToState != e.FromState {
			it.What = titleIn(st.Title, lang, st.Name)
		}
		if a, ok := def.Action(e.Action); ok && e.Kind == casework.EventAction {
			for _, f := range a.Fields {
				if v, ok := e.Fields[f.Name]; ok && v != "" {
					it.Fields = append(it.Fields, SummaryRow{Key: titleIn(f.Title, lang, f.Name), Value: fieldText(l, f, v)})
				}
			}
		}
		out = append(out, it)
	}
	return out
}

// askedWith is the comment of the latest event, not the citizen's own,
// that brought the case into state: the question the citizen is to answer,
// or the answer they are to confirm.
func askedWith(events []casework.Event, state string, actor okno.Actor) string {
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.CitizenVisible && e.ToState == state && e.ToState != e.FromState && e.Actor != actor.Ref() {
			return e.Comment
		}
	}
	return ""
}

// fieldText shows a field's value: a choice by its title, a yes/no in
// words, anything else as given.
func fieldText(l i18n.Localizer, f process.Field, v string) string {
	switch f.Type {
	case process.FieldChoice:
		for _, o := range f.Options {
			if o.Value == v {
				return titleIn(o.Title, string(l.Lang()), v)
			}
		}
	case process.FieldBool:
		if v == "true" {
			return l.T("web.case.yes")
		}
		return l.T("web.case.no")
	}
	return v
}

// actionForms lists the actions the citizen may take now, and builds the
// form of the chosen one (fs.Action) when it is among them: one form at a
// time keeps the page short and its field ids unique.
func actionForms(l i18n.Localizer, c casework.Case, def *process.Definition, allowed []casework.AllowedAction, fs caseFormState) ([]actionLink, *actionForm) {
	lang := string(l.Lang())
	base := "/cabinet/cases/" + strconv.FormatInt(c.ID, 10)
	var links []actionLink
	var form *actionForm
	for _, a := range allowed {
		title := titleIn(a.Title, lang, a.Name)
		links = append(links, actionLink{Title: title, URL: base + "?" + url.Values{"action": {a.Name}}.Encode() + "#act"})
		if a.Name != fs.Action {
			continue
		}
		form = &actionForm{Name: a.Name, Title: title, Version: c.Version}
		var fields []Field
		for _, f := range a.Fields {
			fields = append(fields, formField(l, f))
		}
		if a.Comment != process.CommentNone {
			label := l.T("web.case.comment_optional")
			if a.Comment == process.CommentRequired {
				label = l.T("web.case.comment")
			}
			fields = append(fields, Field{Name: "comment", Type: "textarea", Label: label, Hint: l.T("web.case.comment_hint")})
		}
		var err error // a conflict is the page's banner, not the form's
		if !okno.IsCode(fs.Err, okno.ECONFLICT) {
			err = actionErrors(fs.Err)
		}
		form.Form = NewForm(l, fs.Values, err, fields...)
		form.Files = fileInputs(l, def, a.Action, err)
		if fe := fileErrors(form.Files); len(fe) > 0 {
			if !anyFieldError(form.Form) {
				form.Form.Errors = nil // NewForm headed the summary with the general message: the files' own say more
			}
			form.Form.Errors = append(form.Form.Errors, fe...)
		}
	}
	return links, form
}

// formField is the form question of a process field.
func formField(l i18n.Localizer, f process.Field) Field {
	lang := string(l.Lang())
	fd := Field{Name: fieldInput(f.Name), Label: titleIn(f.Title, lang, f.Name)}
	if !f.Required {
		fd.Label = l.T("web.case.optional", fd.Label)
	}
	switch f.Type {
	case process.FieldText:
		if f.Max == 0 || f.Max > 200 {
			fd.Type = "textarea"
		}
	case process.FieldNumber:
		fd.Width = "short"
	case process.FieldDate:
		fd.Type, fd.Width, fd.Hint = "date", "medium", l.T("web.case.date_hint")
	case process.FieldChoice:
		fd.Type = "radios"
		for _, o := range f.Options {
			fd.Options = append(fd.Options, Option{Value: o.Value, Label: titleIn(o.Title, lang, o.Value)})
		}
	case process.FieldBool:
		fd.Type = "radios"
		fd.Options = []Option{{Value: "true", Label: l.T("web.case.yes")}, {Value: "false", Label: l.T("web.case.no")}}
	}
	return fd
}

// fileInputs are the file uploads of action a's form: one per document
// kind it asks for, then one for any other files. The case engine's
// problems with files show on the input they came from.
func fileInputs(l i18n.Localizer, def *process.Definition, a process.Action, err error) []fileInput {
	lang := string(l.Lang())
	var msgs map[string]string
	if err != nil {
		_, msgs = l.Error(err)
	}
	var out []fileInput
	for _, k := range a.Documents {
		label := k
		for _, dk := range def.Documents {
			if dk.Name == k {
				label = titleIn(dk.Title, lang, k)
			}
		}
		out = append(out, fileInput{Name: docsPrefix + k, Label: label, Hint: l.T("web.case.file_hint"), Error: msgs[docsPrefix+k]})
	}
	return append(out, fileInput{Name: docsField, Label: l.T("web.case.files"), Hint: l.T("web.case.files_hint"), Error: msgs[docsField], Multiple: true})
}

// anyFieldError reports whether a question of f shows an error.
func anyFieldError(f Form) bool {
	for _, fd := range f.Fields {
		if fd.Error != "" {
			return true
		}
	}
	return false
}

// fileErrors are the error summary's lines of the file inputs.
func fileErrors(files []fileInput) []FieldMessage {
	var out []FieldMessage
	for _, f := range files {
		if f.Error != "" {
			out = append(out, FieldMessage{ID: f.ID(), Message: f.Error})
		}
	}
	return out
}
