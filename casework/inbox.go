package casework

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// This file answers the officials' inboxes.
//
// Access: for the inbox, the SQL filters themselves are the access rule.
// Every view only ever lists cases of the actor's organisation (org_id =
// actor.OrgID), or — the escalated view, and a reference looked up by
// number — cases escalated to it (escalated_org_id = actor.OrgID). Which
// roles reach the inbox the web door's route table decides; here only
// staff and API clients acting for an organisation get in, everyone else
// (citizens, anonymous, the system) gets EFORBIDDEN.
//
// Every view is read in (legal_due_at, id) order from an index in that
// order (see 0010_cases.sql), seeking to the cursor, so a page costs
// about the same with a hundred cases as with a million; TestInboxPlans
// proves on SQLite's query plans that no view scans the cases table.

// The size of an inbox page.
const (
	InboxDefaultLimit = 50  // what a limit of 0 gives
	InboxMaxLimit     = 200 // the most one page holds
)

// Input limits of an inbox query.
const (
	maxInboxSearch    = 200 // characters of the search box
	maxInboxWords     = 8   // words of the subject searched for
	maxInboxName      = 100 // characters of a state or process filter
	maxInboxPositions = 50  // positions of one person in one organisation that "mine" reads
)

// regionTime is the time zone "today" is counted in when no production
// calendar is configured: Moscow time, fixed at UTC+3 since 2014.
var regionTime = time.FixedZone("MSK", 3*60*60)

// mayReadInbox reports whether actor has inboxes: staff and API clients
// acting for an organisation.
func mayReadInbox(actor okno.Actor) bool {
	return (actor.Kind == okno.ActorStaff || actor.Kind == okno.ActorAPIKey) && actor.OrgID > 0
}

// Inbox returns a page of one of the official's inboxes (see View),
// ordered by legal deadline then id. An empty view is "mine". State and
// Process narrow it; Search finds a case by its reference number exactly,
// else by words of its subject. Full Russian search (normalised, stemmed,
// indexed) comes with the catalogue issue; until then words are matched
// with LIKE in their lower, capitalised and upper forms, which is what
// case-insensitivity means on both engines for Cyrillic text.
func (s *Service) Inbox(ctx context.Context, actor okno.Actor, q InboxQuery) (Page[InboxItem], error) {
	if !mayReadInbox(actor) {
		return Page[InboxItem]{}, okno.Errorf(okno.EFORBIDDEN, "casework.inbox.forbidden")
	}
	q, err := q.normalise()
	if err != nil {
		return Page[InboxItem]{}, err
	}
	if ref := inboxRefCandidate(q.Search); ref != "" && q.After == "" {
		rows, err := s.inboxRows(ctx, inboxByRef(actor.OrgID, ref), 1)
		if err != nil {
			return Page[InboxItem]{}, err
		}
		if len(rows) == 1 {
			return s.inboxPage(ctx, rows, 1)
		}
	}
	plan, err := s.inboxPlan(ctx, actor, q)
	if err != nil {
		return Page[InboxItem]{}, err
	}
	rows, err := s.inboxRows(ctx, plan, q.Limit+1)
	if err != nil {
		return Page[InboxItem]{}, err
	}
	return s.inboxPage(ctx, rows, q.Limit)
}

// maxInboxProcesses bounds the processes an inbox's filter offers.
const maxInboxProcesses = 200

// InboxProcesses lists what an inbox may be filtered by: the latest
// published version of every process, by name. It admits whom Inbox
// admits.
func (s *Service) InboxProcesses(ctx context.Context, actor okno.Actor) ([]process.Version, error) {
	if !mayReadInbox(actor) {
		return nil, okno.Errorf(okno.EFORBIDDEN, "casework.inbox.forbidden")
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT DISTINCT name FROM process_versions ORDER BY name LIMIT ?`, maxInboxProcesses)
	if err != nil {
		return nil, fmt.Errorf("casework: processes: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("casework: processes: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("casework: processes: %w", err)
	}
	out := make([]process.Version, 0, len(names))
	for _, n := range names {
		v, err := s.d.Processes.Latest(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("casework: process %s: %w", n, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// normalise checks q's limits and fills its defaults.
func (q InboxQuery) normalise() (InboxQuery, error) {
	var fe okno.FieldErrors
	if q.View == "" {
		q.View = ViewMine
	}
	if !slices.Contains(Views, q.View) {
		fe.Add("view", "casework.inbox.view_invalid")
	}
	q.State, q.Process, q.Search = strings.TrimSpace(q.State), strings.TrimSpace(q.Process), strings.TrimSpace(q.Search)
	if utf8.RuneCountInString(q.State) > maxInboxName {
		fe.Add("state", "casework.inbox.filter_too_long", maxInboxName)
	}
	if utf8.RuneCountInString(q.Process) > maxInboxName {
		fe.Add("process", "casework.inbox.filter_too_long", maxInboxName)
	}
	if utf8.RuneCountInString(q.Search) > maxInboxSearch {
		fe.Add("q", "casework.inbox.search_too_long", maxInboxSearch)
	}
	switch {
	case q.Limit <= 0:
		q.Limit = InboxDefaultLimit
	case q.Limit > InboxMaxLimit:
		q.Limit = InboxMaxLimit
	}
	return q, fe.Err()
}

// inboxRow is an item as read, with the id of its process version.
type inboxRow struct {
	InboxItem
	processID int64
}

// inboxPage cuts rows to limit, sets the cursor of the next page when
// there were more, and names the processes and states.
func (s *Service) inboxPage(ctx context.Context, rows []inboxRow, limit int) (Page[InboxItem], error) {
	var p Page[InboxItem]
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		p.Next = encodeInboxCursor(last.LegalDue.Due, last.ID)
	}
	items, err := s.titleInbox(ctx, rows)
	if err != nil {
		return Page[InboxItem]{}, err
	}
	p.Items = items
	return p, nil
}

// inboxPlan is the SQL of one inbox page: branches, each read in
// deadline order from its index, merged in one statement.
type inboxPlan struct {
	branches []inboxBranch // no two share a row
}

// inboxBranch is the WHERE clause of one branch.
type inboxBranch struct {
	conds []string
	args  []any
}

func branch(cond string, args ...any) inboxBranch {
	return inboxBranch{conds: []string{cond}, args: args}
}

func (b *inboxBranch) and(cond string, args ...any) {
	b.conds = append(b.conds, cond)
	b.args = append(b.args, args...)
}

// dueBy holds for an open case whose legal clock (see legalRunning) or
// running step clock runs out by the time given twice. cases_org_open
// holds every column it reads.
const dueBy = `((c.legal_due_at <= ? AND ` + legalRunning + `) OR (c.step_due_at <= ? AND c.step_paused_at IS NULL))`

// legalRunning holds for a legal clock that runs or ran out before it was
// paused: not stopped by a state that meets the obligation, and not paused
// while time was left (a paused clock's due time moves on when it resumes).
const legalRunning = `c.legal_met_at IS NULL AND (c.legal_paused_at IS NULL OR c.legal_paused_at >= c.legal_due_at)`

// inboxPlan builds the branches of q's view for actor, with q's filters.
func (s *Service) inboxPlan(ctx context.Context, actor okno.Actor, q InboxQuery) (inboxPlan, error) {
	org := actor.OrgID
	now := s.now()
	var p inboxPlan
	switch q.View {
	case ViewMine:
		p.branches = []inboxBranch{branch(`c.assignee_id = ? AND c.org_id = ? AND c.closed_at IS NULL`, actor.UserID, org)}
		positions, err := s.heldPositions(ctx, actor)
		if err != nil {
			return inboxPlan{}, err
		}
		for _, pos := range positions {
			p.branches = append(p.branches, branch(`c.position_id = ? AND c.assignee_id IS NULL AND c.org_id = ? AND c.closed_at IS NULL`, pos, org))
		}
	case ViewOrg:
		p.branches = []inboxBranch{branch(`c.org_id = ? AND c.closed_at IS NULL`, org)}
	case ViewUnassigned:
		p.branches = []inboxBranch{branch(`c.org_id = ? AND c.closed_at IS NULL AND c.assignee_id IS NULL`, org)}
	case ViewDueToday:
		end := sqldb.Now(endOfDay(now, s.location()))
		p.branches = []inboxBranch{branch(`c.org_id = ? AND c.closed_at IS NULL AND `+dueBy, org, end, end)}
	case ViewOverdue:
		p.branches = []inboxBranch{branch(`c.org_id = ? AND c.closed_at IS NULL AND c.legal_due_at <= ? AND `+legalRunning, org, now)}
	case ViewEscalated:
		p.branches = []inboxBranch{branch(`c.escalated_org_id = ? AND c.closed_at IS NULL`, org)}
	case ViewClosed:
		p.branches = []inboxBranch{branch(`c.org_id = ? AND c.closed_at IS NOT NULL`, org)}
	}
	due, id, err := decodeInboxCursor(q.After)
	if err != nil {
		return inboxPlan{}, err
	}
	words := inboxWords(q.Search)
	for i := range p.branches {
		b := &p.branches[i]
		if q.State != "" {
			b.and(`c.state = ?`, q.State)
		}
		if q.Process != "" {
			b.and(`c.process_id IN (SELECT pv.id FROM process_versions pv WHERE pv.name = ?)`, q.Process)
		}
		for _, w := range words {
			cond, args := subjectLike(w)
			b.and(cond, args...)
		}
		if id > 0 {
			b.and(`(c.legal_due_at, c.id) > (?, ?)`, due, id)
		}
	}
	return p, nil
}

// inboxByRef finds one case by its reference number among those the
// organisation may see in its inboxes.
func inboxByRef(org int64, ref string) inboxPlan {
	return inboxPlan{branches: []inboxBranch{branch(`c.ref = ? AND (c.org_id = ? OR c.escalated_org_id = ?)`, ref, org, org)}}
}

// heldPositions lists the positions actor holds in the organisation it
// acts for: their inboxes are part of "mine".
func (s *Service) heldPositions(ctx context.Context, actor okno.Actor) ([]int64, error) {
	if actor.Kind != okno.ActorStaff || actor.UserID <= 0 {
		return nil, nil
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT st.position_id FROM staff st JOIN positions p ON p.id = st.position_id
		WHERE st.user_id = ? AND p.organisation_id = ? ORDER BY st.position_id LIMIT ?`, actor.UserID, actor.OrgID, maxInboxPositions)
	if err != nil {
		return nil, fmt.Errorf("casework: positions held: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("casework: positions held: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// inboxColumns are what an inbox row reads of a case, the assignee's
// name last.
const inboxColumns = `c.id, c.ref, c.process_id, c.state, c.subject, c.org_id, c.position_id, c.assignee_id,
	c.legal_period, c.legal_due_at, c.legal_paused_at, c.legal_met_at, c.step_period, c.step_due_at, c.step_paused_at,
	c.escalation_level, c.escalated_org_id, c.escalated_position_id, c.version, c.created_at, c.updated_at, c.closed_at`

// sql writes the plan as one statement returning at most n
// rows: each branch takes its first n rows from its index, and the outer
// query merges them and names the assignee.
func (p inboxPlan) sql(n int) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString(`SELECT ` + strings.ReplaceAll(inboxColumns, "c.", "p.") + `, COALESCE(u.display_name, '') FROM (`)
	for i, br := range p.branches {
		inner := `SELECT ` + inboxColumns + ` FROM cases c WHERE ` + strings.Join(br.conds, " AND ") +
			` ORDER BY c.legal_due_at, c.id LIMIT ?`
		if len(p.branches) == 1 {
			b.WriteString(inner)
		} else {
			if i > 0 {
				b.WriteString(" UNION ALL ")
			}
			fmt.Fprintf(&b, "SELECT * FROM (%s) b%d", inner, i)
		}
		args = append(append(args, br.args...), n)
	}
	b.WriteString(`) p LEFT JOIN users u ON u.id = p.assignee_id ORDER BY p.legal_due_at, p.id LIMIT ?`)
	return b.String(), append(args, n)
}

// inboxRows runs plan for at most n rows.
func (s *Service) inboxRows(ctx context.Context, plan inboxPlan, n int) ([]inboxRow, error) {
	query, args := plan.sql(n)
	rows, err := s.d.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("casework: inbox: %w", err)
	}
	defer rows.Close()
	var items []inboxRow
	for rows.Next() {
		it, err := scanInboxRow(rows)
		if err != nil {
			return nil, fmt.Errorf("casework: inbox: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("casework: inbox: %w", err)
	}
	return items, nil
}

// scanInboxRow reads one row of inboxPlan.sql.
func scanInboxRow(rows *sql.Rows) (inboxRow, error) {
	var r inboxRow
	it := &r.InboxItem
	var pos, assignee, escOrg, escPos sql.NullInt64
	var legalPeriod, stepPeriod string
	var legalPaused, legalMet, stepDue, stepPaused, closed sql.NullTime
	err := rows.Scan(&it.ID, &it.Ref, &r.processID, &it.State, &it.Subject, &it.OrgID, &pos, &assignee,
		&legalPeriod, &it.LegalDue.Due, &legalPaused, &legalMet, &stepPeriod, &stepDue, &stepPaused,
		&it.Escalation.Level, &escOrg, &escPos, &it.Version, &it.CreatedAt, &it.UpdatedAt, &closed, &it.Assignee)
	if err != nil {
		return inboxRow{}, err
	}
	if it.LegalDue.Period, err = calendar.ParsePeriod(legalPeriod); err != nil {
		return inboxRow{}, fmt.Errorf("case %d: legal clock: %w", it.ID, err)
	}
	if it.StepDue.Period, err = calendar.ParsePeriod(stepPeriod); err != nil {
		return inboxRow{}, fmt.Errorf("case %d: step clock: %w", it.ID, err)
	}
	it.PositionID, it.AssigneeID = pos.Int64, assignee.Int64
	it.Escalation.OrgID, it.Escalation.PositionID = escOrg.Int64, escPos.Int64
	it.LegalDue.Due, it.CreatedAt, it.UpdatedAt = it.LegalDue.Due.UTC(), it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	it.LegalDue.PausedAt, it.LegalMetAt = utcOf(legalPaused), utcOf(legalMet)
	it.StepDue.Due, it.StepDue.PausedAt, it.ClosedAt = utcOf(stepDue), utcOf(stepPaused), utcOf(closed)
	return r, nil
}

// utcOf is a nullable time in UTC, zero when NULL.
func utcOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// titleInbox names each item's process and titles its state, in the
// language of ctx, from its process version, asking the registry once per
// version however many cases of the page run on it.
func (s *Service) titleInbox(ctx context.Context, rows []inboxRow) ([]InboxItem, error) {
	lang := languageOf(ctx)
	versions := map[int64]process.Version{}
	items := make([]InboxItem, len(rows))
	for i, r := range rows {
		v, ok := versions[r.processID]
		if !ok {
			var err error
			if v, err = s.d.Processes.ByID(ctx, r.processID); err != nil {
				return nil, fmt.Errorf("casework: inbox: process version %d: %w", r.processID, err)
			}
			versions[r.processID] = v
		}
		it := r.InboxItem
		it.Process, it.StateTitle = v.Name, it.State
		if v.Definition != nil {
			if st, ok := v.Definition.State(it.State); ok && st.Title.In(lang) != "" {
				it.StateTitle = st.Title.In(lang)
			}
		}
		items[i] = it
	}
	return items, nil
}

// location is the region's time zone, in which "today" is counted.
func (s *Service) location() *time.Location {
	if s.d.Calendars != nil {
		if c := s.d.Calendars.Current(); c != nil && c.Location() != nil {
			return c.Location()
		}
	}
	return regionTime
}

// endOfDay is the midnight that ends t's day in loc. A clock due then runs
// out today: its last day is today.
func endOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// encodeInboxCursor makes the opaque cursor of the row with legal due time
// due and id: the position the next page starts after.
func encodeInboxCursor(due time.Time, id int64) string { return sqldb.EncodeCursor(due, id) }

// decodeInboxCursor reads what encodeInboxCursor wrote; "" is the first
// page (id 0). Anything else is an EINVALID error.
func decodeInboxCursor(after string) (time.Time, int64, error) {
	if after == "" {
		return time.Time{}, 0, nil
	}
	due, id, ok := sqldb.DecodeCursor(after)
	if !ok {
		var fe okno.FieldErrors
		fe.Add("after", "casework.cursor_invalid")
		return time.Time{}, 0, fe.Err()
	}
	return due, id, nil
}

// inboxRefCandidate returns search when it could be a reference number:
// one word with a digit in it.
func inboxRefCandidate(search string) string {
	if search == "" || strings.ContainsFunc(search, unicode.IsSpace) || !strings.ContainsFunc(search, unicode.IsDigit) {
		return ""
	}
	return search
}

// inboxWords splits a search into at most maxInboxWords words.
func inboxWords(search string) []string {
	words := strings.Fields(search)
	if len(words) > maxInboxWords {
		words = words[:maxInboxWords]
	}
	return words
}

// subjectLike is the condition that the subject holds word, in its lower,
// capitalised or upper form (LIKE folds only ASCII on SQLite, and nothing
// on PostgreSQL), with LIKE's wildcards in word taken literally.
func subjectLike(word string) (string, []any) {
	lower := strings.ToLower(word)
	r, size := utf8.DecodeRuneInString(lower)
	forms := []string{lower, string(unicode.ToUpper(r)) + lower[size:], strings.ToUpper(word)}
	var conds []string
	var args []any
	for i, f := range forms {
		if slices.Contains(forms[:i], f) {
			continue
		}
		conds = append(conds, `c.subject LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscaper.Replace(f)+"%")
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
