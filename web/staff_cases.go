package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/process"
)

// staffCasesPage is the data of /staff/cases: the tabs of the inboxes, the
// filters, one page of cases with checkboxes for the bulk assignment, and
// the link to the next page.
type staffCasesPage struct {
	Tabs     []inboxTab
	Filter   inboxFilter
	Caption  string
	Rows     []inboxLine
	Bulk     inboxBulk
	NextURL  string
	FirstURL string // back to the first page, when not on it
	Banner   *Banner
}

// inboxTab is one view of the inbox.
type inboxTab struct {
	Label, URL string
	Current    bool
}

// inboxFilter is the filter form: search, process and state.
type inboxFilter struct {
	View      string
	Search    Field
	Process   Field
	State     Field
	Errors    []FieldMessage
	Processes map[string]string // process name → title, for the rows
}

// inboxLine is one case of the page.
type inboxLine struct {
	ID                                int64
	URL, Ref, Subject, Process, State string
	Assignee                          string // the person working on it, "" when nobody is
	Position                          string // the position whose queue holds it, "" for the organisation's
	Escalated                         *Tag
	Deadline                          staffClock
	Checked                           bool
}

// inboxBulk is the bulk assignment form under the table.
type inboxBulk struct {
	Target  Field
	Comment Field
	Return  string // the inbox's query, to come back to
	Errors  []FieldMessage
}

// The inbox's query parameters.
const (
	inboxView, inboxState, inboxProcess, inboxSearch, inboxAfter = "view", "state", "process", "q", "after"
)

// inboxQueryOf reads the inbox's query from the URL's parameters.
func inboxQueryOf(q url.Values) casework.InboxQuery {
	return casework.InboxQuery{View: casework.View(q.Get(inboxView)), State: q.Get(inboxState),
		Process: q.Get(inboxProcess), Search: q.Get(inboxSearch), After: q.Get(inboxAfter)}
}

// inboxURL is the inbox with q's parameters, without the empty ones.
func inboxURL(q casework.InboxQuery) string {
	v := url.Values{}
	for k, s := range map[string]string{inboxView: string(q.View), inboxState: q.State, inboxProcess: q.Process, inboxSearch: q.Search, inboxAfter: q.After} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if len(v) == 0 {
		return "/staff/cases"
	}
	return "/staff/cases?" + v.Encode()
}

// staffCases shows one page of one of the official's inboxes.
func (s *Server) staffCases(w http.ResponseWriter, r *http.Request) error {
	var banner *Banner
	if n, err := strconv.Atoi(r.URL.Query().Get("assigned")); err == nil && n >= 0 {
		banner = &Banner{Title: stateFrom(r.Context()).loc.T("web.inbox.assigned", n), Success: true}
	}
	return s.renderInbox(w, r, http.StatusOK, r.URL.Query(), nil, nil, banner)
}

// inboxProcesses is the part of the case engine the inbox's filter needs;
// *casework.Service has it. A Cases without it gets no process filter.
type inboxProcesses interface {
	InboxProcesses(ctx context.Context, actor okno.Actor) ([]process.Version, error)
}

// renderInbox renders the inbox for query q with status; bulk and bulkErr
// are a failed bulk assignment's answers and error.
func (s *Server) renderInbox(w http.ResponseWriter, r *http.Request, status int, q url.Values, bulk url.Values, bulkErr error, banner *Banner) error {
	l, a := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	ctx := casework.WithLanguage(r.Context(), string(l.Lang()))
	query := inboxQueryOf(q)
	if query.View == "" {
		query.View = casework.ViewMine
	}
	page, queryErr := s.deps.Cases.Inbox(ctx, a, query)
	if queryErr != nil && !userError(queryErr) {
		return queryErr
	}
	if queryErr != nil {
		status = formStatus(queryErr)
	}
	var versions []process.Version
	if ip, ok := s.deps.Cases.(inboxProcesses); ok {
		var err error
		if versions, err = ip.InboxProcesses(ctx, a); err != nil {
			return err
		}
	}
	positions, err := s.deps.Orgs.Positions(ctx, a.OrgID)
	if err != nil {
		return err
	}
	staff, err := s.deps.Orgs.StaffOf(ctx, a.OrgID)
	if err != nil {
		return err
	}
	data := staffCasesPage{Banner: banner, Filter: inboxFilterOf(l, query, versions, queryErr),
		Caption: l.T("web.inbox.title"), Bulk: inboxBulkForm(l, query, assignTargetGroups(l, positions, staff), bulk, bulkErr)}
	for _, v := range casework.Views {
		data.Tabs = append(data.Tabs, inboxTab{Label: l.T("web.inbox.view." + string(v)), Current: v == query.View,
			URL: inboxURL(casework.InboxQuery{View: v, State: query.State, Process: query.Process, Search: query.Search})})
		if v == query.View {
			data.Caption = l.T("web.inbox.view." + string(v))
		}
	}
	titles := map[int64]string{}
	for _, p := range positions {
		titles[p.ID] = p.Title
	}
	checked := map[string]bool{}
	for _, id := range bulk["case"] {
		checked[id] = true
	}
	now := s.now()
	for _, it := range page.Items {
		line := inboxLineOf(l, it, data.Filter.Processes, now)
		line.Checked = checked[strconv.FormatInt(it.ID, 10)]
		if it.OrgID == a.OrgID {
			line.Position = titles[it.PositionID]
		}
		data.Rows = append(data.Rows, line)
	}
	if page.Next != "" {
		next := query
		next.After = page.Next
		data.NextURL = inboxURL(next)
	}
	if query.After != "" {
		first := query
		first.After = ""
		data.FirstURL = inboxURL(first)
	}
	v := s.view(w, r, "web.inbox.title", data)
	return s.render(w, status, "staff-cases", v)
}

// inboxFilterOf builds the filter form: the processes of versions to
// choose from, with their states grouped under each, and err's messages.
func inboxFilterOf(l i18n.Localizer, q casework.InboxQuery, versions []process.Version, err error) inboxFilter {
	lang := string(l.Lang())
	f := inboxFilter{View: string(q.View), Processes: map[string]string{},
		Search:  Field{HTMLID: "inbox-q", Name: inboxSearch, Label: l.T("web.inbox.search"), Hint: l.T("web.inbox.search_hint"), Value: q.Search, Type: "search", Autocomplete: "off"},
		Process: Field{HTMLID: "inbox-process", Name: inboxProcess, Label: l.T("web.inbox.process"), Value: q.Process, Type: "select"},
		State:   Field{HTMLID: "inbox-state", Name: inboxState, Label: l.T("web.inbox.state"), Value: q.State, Type: "select"},
	}
	anything := Option{Value: "", Label: l.T("web.inbox.any")}
	f.Process.Groups = []OptionGroup{{Options: []Option{anything}}}
	f.State.Groups = []OptionGroup{{Options: []Option{anything}}}
	for _, v := range versions {
		if v.Definition == nil {
			continue
		}
		title := titleIn(v.Definition.Title, lang, v.Name)
		f.Processes[v.Name] = title
		f.Process.Groups[0].Options = append(f.Process.Groups[0].Options, Option{Value: v.Name, Label: title})
		if q.Process != "" && q.Process != v.Name {
			continue // a process is chosen: only its states
		}
		g := OptionGroup{Label: title}
		for _, st := range v.Definition.States {
			g.Options = append(g.Options, Option{Value: st.Name, Label: titleIn(st.Title, lang, st.Name)})
		}
		f.State.Groups = append(f.State.Groups, g)
	}
	f.Errors = staffErrors(l, err, map[string]*Field{inboxSearch: &f.Search, inboxProcess: &f.Process, inboxState: &f.State})
	return f
}

// inboxLineOf is one row of the table.
func inboxLineOf(l i18n.Localizer, it casework.InboxItem, processes map[string]string, now time.Time) inboxLine {
	line := inboxLine{ID: it.ID, URL: staffCasePath(it.ID), Ref: it.Ref, Subject: it.Subject, State: it.StateTitle,
		Process: it.Process, Assignee: it.Assignee,
		Deadline: legalClock(l, now, it.LegalDue, it.LegalMetAt, it.ClosedAt, it.CreatedAt)}
	if t, ok := processes[it.Process]; ok {
		line.Process = t
	}
	if it.Escalation.Level > 0 {
		line.Escalated = &Tag{Text: l.T("web.inbox.escalated", it.Escalation.Level), Colour: "yellow"}
	}
	return line
}

// inboxBulkForm is the bulk assignment form: the places of the
// organisation acted for (targets), the answers given and err's messages.
func inboxBulkForm(l i18n.Localizer, q casework.InboxQuery, targets []OptionGroup, values url.Values, err error) inboxBulk {
	b := inboxBulk{Return: inboxURL(q),
		Target:  Field{HTMLID: "bulk-target", Name: "target", Label: l.T("web.inbox.bulk_target"), Type: "select", Groups: targets, Value: values.Get("target")},
		Comment: Field{HTMLID: "bulk-comment", Name: "comment", Label: l.T("web.inbox.bulk_comment"), Value: values.Get("comment"), Autocomplete: "off"},
	}
	cases := Field{HTMLID: "inbox-table"}
	b.Errors = staffErrors(l, err, map[string]*Field{"target": &b.Target, "comment": &b.Comment, "position": &b.Target,
		"assignee": &b.Target, "case": &cases, "cases": &cases})
	return b
}

// staffCasesAssign assigns the cases checked in the inbox to one place,
// all or none, and goes back to the inbox the form came from.
func (s *Server) staffCasesAssign(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, a := r.Context(), okno.ActorFrom(r.Context())
	back := inboxReturn(r.PostFormValue("return"))
	n, err := func() (int, error) {
		var fe okno.FieldErrors
		ids := r.PostForm["case"]
		if len(ids) == 0 {
			fe.Add("case", "web.inbox.choose_cases")
		}
		if len(ids) > casework.InboxMaxLimit {
			fe.Add("case", "web.inbox.too_many_cases", casework.InboxMaxLimit)
		}
		caseIDs := make([]int64, 0, len(ids))
		for _, v := range ids {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return 0, okno.Errorf(okno.EINVALID, "error.bad_request")
			}
			caseIDs = append(caseIDs, id)
		}
		to, ok, err := s.assignmentOf(ctx, a.OrgID, r.PostFormValue("target"))
		if err != nil {
			return 0, err
		}
		if !ok {
			fe.Add("target", "error.choose_one")
		}
		if err := fe.Err(); err != nil {
			return 0, err
		}
		to.Comment = formValue(r, "comment")
		return s.deps.Cases.AssignMany(ctx, a, caseIDs, to)
	}()
	if userError(err) {
		return s.renderInbox(w, r, formStatus(err), back, r.PostForm, err, nil)
	}
	if err != nil {
		return err
	}
	back.Set("assigned", strconv.Itoa(n))
	return seeOther(w, r, "/staff/cases?"+back.Encode())
}

// inboxReturn reads the inbox address a form carries back, keeping only
// the inbox's own parameters.
func inboxReturn(s string) url.Values {
	u, err := url.Parse(s)
	if err != nil || u.Path != "/staff/cases" {
		return url.Values{}
	}
	q := inboxQueryOf(u.Query())
	out := url.Values{}
	for k, v := range map[string]string{inboxView: string(q.View), inboxState: q.State, inboxProcess: q.Process, inboxSearch: q.Search, inboxAfter: q.After} {
		if v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// staffCasePath is the address of a case's page.
func staffCasePath(id int64) string { return "/staff/cases/" + strconv.FormatInt(id, 10) }

// staffClock is where a case stands against one of its clocks, in words
// and as a bar: the last day, a tag saying what matters (run out, last
// day, paused, met) and how much of the time is used.
type staffClock struct {
	Day     string // the last day; "" when the clock is not set
	Text    string // "осталось 5 дней", "просрочено на 2 дня", ...
	Tag     *Tag   // nil while the clock simply runs
	Percent int    // of the time used, 0–100
	Overdue bool
}

// legalClock describes the legal clock: met, closed, paused, run out or
// running, counting from start.
func legalClock(l i18n.Localizer, now time.Time, c calendar.Clock, met, closed, start time.Time) staffClock {
	switch {
	case c.Due.IsZero():
		return staffClock{}
	case !met.IsZero():
		return staffClock{Day: dueDay(l, c.Due), Text: l.T("web.clock.met_on", dayText(l, met)), Percent: 100,
			Tag: &Tag{Text: l.T("web.clock.met"), Colour: "green"}}
	case !closed.IsZero():
		return staffClock{Day: dueDay(l, c.Due), Text: l.T("web.clock.closed_on", dayText(l, closed)), Percent: 100,
			Tag: &Tag{Text: l.T("web.clock.closed"), Colour: "grey"}}
	}
	return runningClock(l, now, c, start)
}

// runningClock describes a clock that has not been stopped.
func runningClock(l i18n.Localizer, now time.Time, c calendar.Clock, start time.Time) staffClock {
	if c.Due.IsZero() {
		return staffClock{}
	}
	sc := staffClock{Day: dueDay(l, c.Due), Percent: usedPercent(start, now, c)}
	at := now
	if c.Paused() && c.PausedAt.Before(c.Due) {
		sc.Text = l.T("web.clock.paused_since", dayText(l, c.PausedAt))
		sc.Tag = &Tag{Text: l.T("web.clock.paused"), Colour: "grey"}
		return sc
	}
	if c.Paused() {
		at = c.PausedAt
	}
	if !at.Before(c.Due) {
		days := int(now.Sub(c.Due)/(24*time.Hour)) + 1
		sc.Text, sc.Overdue = l.T("web.clock.overdue_days", days), true
		sc.Tag = &Tag{Text: l.T("web.clock.overdue"), Colour: "red"}
		return sc
	}
	left := int(math.Ceil(c.Due.Sub(now).Hours() / 24))
	if left <= 1 {
		sc.Text = l.T("web.clock.last_day")
		sc.Tag = &Tag{Text: l.T("web.clock.today"), Colour: "yellow"}
		return sc
	}
	sc.Text = l.T("web.clock.days_left", left)
	return sc
}

// usedPercent is how much of the time from start to the clock's due time
// has passed by now (or by when it was paused).
func usedPercent(start, now time.Time, c calendar.Clock) int {
	if c.Paused() && c.PausedAt.Before(now) {
		now = c.PausedAt
	}
	total := c.Due.Sub(start)
	if total <= 0 || !now.Before(c.Due) {
		return 100
	}
	p := int(100 * now.Sub(start) / total)
	return max(0, min(100, p))
}
