package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/org"
	"github.com/okno/okno/process"
)

// staffCasePage is the data of a case's page in the back office: what the
// case is, its data, documents, timeline and clocks, and the forms of
// what this person may do to it now.
type staffCasePage struct {
	ID        int64
	Ref       string
	Subject   string
	Open      bool
	Version   int64
	Facts     []SummaryRow
	Data      []SummaryRow
	Clocks    []staffClockBlock // the legal clock, and the step clock while one runs
	Documents []staffDoc
	Timeline  []staffEvent
	Actions   []staffAction
	Take      string // the target of "take it myself", "" when not offered
	Assign    staffFormState
	Note      staffFormState
	Attach    staffFormState
	Errors    []FieldMessage // the failed form's problems, at the top
	Lost      string         // a comment written for an action no longer offered
	Banner    *Banner
	Appeal    *appealPanel // what an appeal adds (appeal_panel.go); nil for other cases
	Original  *docLink     // a complaint's original case; nil for other cases
}

// staffClockBlock is one clock on the case page.
type staffClockBlock struct {
	ID, Title, Period string
	Clock             staffClock
}

// staffDoc is one document of the case.
type staffDoc struct {
	URL, PreviewURL, Name, Meta string
}

// staffEvent is one entry of the timeline.
type staffEvent struct {
	When, Who, What, Move, Comment string // Move: "«На модерации» → «На рассмотрении»"
	Fields                         []SummaryRow
	Internal, Citizen              bool
}

// staffAction is the form of one action the person may take now.
type staffAction struct {
	Name, Title, Target, FormID string
	Open                        bool // the form came back with errors: show it unfolded
	Fields                      []Field
	Comment                     *Field // nil when the action takes none
	Reply                       *Field // the reply templates, nil when there are none
	Replies                     []staffReply
	Docs                        []Field // one file input per document kind required
	Files                       Field   // other files
}

// staffReply is a reply template: its body fills the comment (by script,
// or on the server when the comment is left empty).
type staffReply struct {
	Value, Title, Body string
}

// staffFailure is a case form that came back with an error: which form,
// what was entered, and the error.
type staffFailure struct {
	form   string // "action", "assign", "note", "attach"
	action string // the action, for "action"
	values url.Values
	err    error
}

// staffCase shows a case to a member of staff who may see it; the engine
// answers ENOTFOUND (404) for anyone else.
func (s *Server) staffCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderStaffCase(w, r, http.StatusOK, id, nil)
}

// renderStaffCase renders case id with status; fail is the form that
// failed, whose answers and errors the page shows again.
func (s *Server) renderStaffCase(w http.ResponseWriter, r *http.Request, status int, id int64, fail *staffFailure) error {
	ctx, l, a := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	c, err := s.deps.Cases.Get(ctx, a, id)
	if err != nil {
		return err
	}
	ver, err := s.deps.Cases.Definition(ctx, c)
	if err != nil {
		return err
	}
	events, err := s.deps.Cases.Timeline(ctx, a, id)
	if err != nil {
		return err
	}
	docs, err := s.deps.Cases.Documents(ctx, a, id)
	if err != nil {
		return err
	}
	allowed, err := s.deps.Cases.Allowed(ctx, a, c)
	if err != nil {
		return err
	}
	place, err := s.casePlace(r, c)
	if err != nil {
		return err
	}
	def := ver.Definition
	if def == nil {
		def = &process.Definition{Name: ver.Name}
	}
	now := s.now()
	data := staffCasePage{ID: c.ID, Ref: c.Ref, Subject: c.Subject, Open: c.Open(), Version: c.Version,
		Facts: caseFacts(l, c, def, place), Data: caseData(l, c.Data),
		Clocks: []staffClockBlock{{ID: "clock-legal", Title: l.T("web.staffcase.legal_clock"), Period: periodText(l, c.Legal.Period),
			Clock: legalClock(l, now, c.Legal, c.LegalMetAt, c.ClosedAt, c.CreatedAt)}},
		Documents: staffDocs(l, c.ID, def, docs), Timeline: staffEvents(l, def, events),
		Banner: staffCaseBanner(l, r.URL.Query().Get("done")),
	}
	if c.Open() && !c.Step.Due.IsZero() {
		data.Clocks = append(data.Clocks, staffClockBlock{ID: "clock-step", Title: l.T("web.staffcase.step_clock"),
			Period: periodText(l, c.Step.Period), Clock: runningClock(l, now, c.Step, stepStart(c, events))})
	}
	data.Actions, data.Errors, data.Lost = staffActions(l, def, allowed, fail)
	targets := assignTargetGroups(l, place.positions, place.staff)
	errs := staffSmallForms(l, &data, targets, def, fail)
	data.Errors = append(data.Errors, errs...)
	data.Take = takeTarget(a, c, place.staff)
	if c.Kind == process.KindComplaint && s.deps.Complaints != nil {
		if o, err := s.deps.Complaints.Original(ctx, a, c.ID); err == nil {
			data.Original = &docLink{URL: "/staff/cases/" + strconv.FormatInt(o.OriginalCaseID, 10), Name: o.OriginalRef}
		}
	}
	if c.Kind == process.KindAppeal && s.deps.Appeals != nil {
		p, errs, err := s.appealPanelOf(ctx, l, c, &data, fail)
		if err != nil {
			return err
		}
		data.Appeal, data.Errors = p, append(data.Errors, errs...)
	}
	v := s.view(w, r, "web.staffcase.title", data)
	v.Title = l.T("web.staffcase.title", c.Ref)
	return s.render(w, status, "staff-case", v)
}

// casePlace is where a case is: its organisation, that organisation's
// positions and staff, and where it is escalated to.
type casePlace struct {
	org       org.Organisation
	positions []org.Position
	staff     []org.StaffMember
	escalated string // "" when not escalated
}

func (s *Server) casePlace(r *http.Request, c casework.Case) (casePlace, error) {
	ctx := r.Context()
	var p casePlace
	var err error
	if p.org, err = s.deps.Orgs.Get(ctx, c.OrgID); err != nil {
		return casePlace{}, err
	}
	if p.positions, err = s.deps.Orgs.Positions(ctx, c.OrgID); err != nil {
		return casePlace{}, err
	}
	if p.staff, err = s.deps.Orgs.StaffOf(ctx, c.OrgID); err != nil {
		return casePlace{}, err
	}
	if c.Escalation.Level == 0 || c.Escalation.OrgID == 0 {
		return p, nil
	}
	to, err := s.deps.Orgs.Get(ctx, c.Escalation.OrgID)
	if err != nil {
		return casePlace{}, err
	}
	p.escalated = orgLabel(to)
	if c.Escalation.PositionID != 0 {
		ps, err := s.deps.Orgs.Positions(ctx, to.ID)
		if err != nil {
			return casePlace{}, err
		}
		if i := slices.IndexFunc(ps, func(x org.Position) bool { return x.ID == c.Escalation.PositionID }); i >= 0 {
			p.escalated += " — " + ps[i].Title
		}
	}
	return p, nil
}

// caseFacts are the case's particulars: process, state, who holds it,
// how it came, when, escalation and outcome.
func caseFacts(l i18n.Localizer, c casework.Case, def *process.Definition, p casePlace) []SummaryRow {
	lang := string(l.Lang())
	st, _ := def.State(c.State)
	rows := []SummaryRow{
		{Key: l.T("web.staffcase.ref"), Value: c.Ref},
		{Key: l.T("web.staffcase.process"), Value: titleIn(def.Title, lang, c.Process)},
		{Key: l.T("web.staffcase.state"), Value: titleIn(st.Title, lang, c.State)},
		{Key: l.T("web.staffcase.org"), Value: orgLabel(p.org)},
		{Key: l.T("web.staffcase.position"), Value: l.T("web.staffcase.org_queue")},
		{Key: l.T("web.staffcase.assignee"), Value: l.T("web.staffcase.nobody")},
		{Key: l.T("web.staffcase.channel"), Value: l.T("web.staffcase.channel." + string(c.Channel))},
		{Key: l.T("web.staffcase.created"), Value: formatTime(l, c.CreatedAt)},
	}
	if i := slices.IndexFunc(p.positions, func(x org.Position) bool { return x.ID == c.PositionID }); i >= 0 {
		rows[4].Value = p.positions[i].Title
	}
	if i := slices.IndexFunc(p.staff, func(m org.StaffMember) bool { return m.UserID == c.AssigneeID }); i >= 0 {
		rows[5].Value = p.staff[i].DisplayName
	}
	if p.escalated != "" {
		rows = append(rows, SummaryRow{Key: l.T("web.staffcase.escalation"), Value: l.T("web.staffcase.escalated_to", c.Escalation.Level, p.escalated)})
	}
	if !c.Open() {
		rows = append(rows, SummaryRow{Key: l.T("web.staffcase.closed"), Value: formatTime(l, c.ClosedAt)})
		if c.Outcome != "" {
			rows = append(rows, SummaryRow{Key: l.T("web.staffcase.outcome"), Value: c.Outcome})
		}
	}
	return rows
}

// maxDataValue bounds how much of one value of the form data the page
// shows.
const maxDataValue = 2000

// caseData lists the case's form data by name: texts as they are,
// anything structured as compact JSON.
func caseData(l i18n.Localizer, data map[string]any) []SummaryRow {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rows := make([]SummaryRow, 0, len(keys))
	for _, k := range keys {
		var v string
		switch x := data[k].(type) {
		case string:
			v = x
		case bool:
			v = l.T("web.staffcase.no")
			if x {
				v = l.T("web.staffcase.yes")
			}
		case nil:
			v = "—"
		default:
			b, _ := json.Marshal(x)
			v = string(b)
		}
		if utf8.RuneCountInString(v) > maxDataValue {
			v = string([]rune(v)[:maxDataValue]) + "…"
		}
		rows = append(rows, SummaryRow{Key: k, Value: v})
	}
	return rows
}

// periodText says what a clock counts: "30 календарных дней".
func periodText(l i18n.Localizer, p calendar.Period) string {
	if p.Days == 0 {
		return ""
	}
	if p.Unit == calendar.WorkingDays {
		return l.T("web.clock.working_days", p.Days)
	}
	return l.T("web.clock.calendar_days", p.Days)
}

// stepStart is when the case's step clock started: when it last entered
// its state, or was escalated or rerouted (which restart the clock).
func stepStart(c casework.Case, events []casework.Event) time.Time {
	start := c.CreatedAt
	for _, e := range events {
		switch {
		case e.Kind == casework.EventEscalated, e.Kind == casework.EventRerouted,
			e.Kind == casework.EventAction && e.ToState == c.State && e.FromState != e.ToState:
			start = e.At
		}
	}
	return start
}

// staffDocs lists the documents with their download addresses, and a
// preview for images.
func staffDocs(l i18n.Localizer, caseID int64, def *process.Definition, docs []casework.Document) []staffDoc {
	out := make([]staffDoc, 0, len(docs))
	for _, d := range docs {
		u := staffCasePath(caseID) + "/documents/" + strconv.FormatInt(d.ID, 10)
		kind := l.T("web.staffcase.attachment")
		if k, ok := def.Document(d.Kind); ok {
			kind = titleIn(k.Title, string(l.Lang()), d.Kind)
		}
		meta := []string{kind, sizeText(l, d.Size), formatTime(l, d.CreatedAt)}
		if d.Result {
			meta = append(meta, l.T("web.staffcase.result"))
		}
		if d.CitizenVisible {
			meta = append(meta, l.T("web.staffcase.citizen_sees"))
		}
		doc := staffDoc{URL: u, Name: d.Name, Meta: strings.Join(meta, " · ")}
		if strings.HasPrefix(d.MediaType, "image/") {
			doc.PreviewURL = u + "?preview=1"
		}
		out = append(out, doc)
	}
	return out
}

// staffEvents tells the whole timeline, notes included: who, when, what,
// from which state to which, the comment and the values given.
func staffEvents(l i18n.Localizer, def *process.Definition, events []casework.Event) []staffEvent {
	lang := string(l.Lang())
	stateTitle := func(name string) string {
		st, _ := def.State(name)
		return titleIn(st.Title, lang, name)
	}
	out := make([]staffEvent, 0, len(events))
	for i := len(events) - 1; i >= 0; i-- { // newest first: what happened last matters most
		e := events[i]
		ev := staffEvent{When: formatTime(l, e.At), Who: e.ActorName, Comment: e.Comment,
			Internal: e.Kind == casework.EventNote, Citizen: e.CitizenVisible}
		if ev.Who == "" {
			ev.Who = e.Actor
		}
		ev.What = l.T("web.staffcase.event." + string(e.Kind))
		if a, ok := def.Action(e.Action); ok && e.Kind == casework.EventAction {
			ev.What = titleIn(a.Title, lang, e.Action)
			for _, f := range a.Fields {
				if v := e.Fields[f.Name]; v != "" {
					ev.Fields = append(ev.Fields, SummaryRow{Key: titleIn(f.Title, lang, f.Name), Value: fieldText(l, f, v)})
				}
			}
		}
		switch {
		case e.ToState == "" || e.ToState == e.FromState:
		case e.FromState == "":
			ev.Move = l.T("web.staffcase.moved_to", stateTitle(e.ToState))
		default:
			ev.Move = l.T("web.staffcase.moved", stateTitle(e.FromState), stateTitle(e.ToState))
		}
		out = append(out, ev)
	}
	return out
}

// staffCaseBanner is the flash of a form just submitted (?done=).
func staffCaseBanner(l i18n.Localizer, done string) *Banner {
	switch done {
	case "action", "assigned", "note", "document", "recategorised":
		return &Banner{Title: l.T("web.staffcase.done_" + done), Success: true}
	}
	return nil
}

// takeTarget is the assignment that gives an unassigned case of the
// actor's organisation to the actor, within the case's position when the
// actor holds it, else within the first position the actor holds there;
// "" when that is not on offer.
func takeTarget(a okno.Actor, c casework.Case, staff []org.StaffMember) string {
	if !c.Open() || c.AssigneeID != 0 || a.Kind != okno.ActorStaff || a.OrgID != c.OrgID {
		return ""
	}
	var held []int64
	for _, m := range staff {
		if m.UserID == a.UserID {
			held = append(held, m.Position.ID)
		}
	}
	if len(held) == 0 {
		return ""
	}
	pos := held[0]
	if slices.Contains(held, c.PositionID) {
		pos = c.PositionID
	}
	return personTarget(a.UserID, pos)
}
