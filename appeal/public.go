package appeal

// The public side of appeals: the map's listing and clusters, an appeal's
// public page and its public timeline, Open311's listing and updates, and
// the responsiveness of bodies. Everything here reads published appeals
// only (public_text IS NOT NULL, never rejected ones) and never personal
// data: the author is never named (AuthorName stays "", pages say
// «Житель»), contacts live sealed in the case and are never read here.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

// Limits of public queries: every input is bounded.
const (
	defaultListLimit = 100
	maxListLimit     = 1000
	maxFilterValues  = 200 // values of one filter (reason codes, ids, statuses)
	maxTokenLen      = 128
	// ClusterMaxZoom is the zoom from which the map shows points, not
	// clusters: at street level individual appeals are what people want.
	ClusterMaxZoom = 15
	// clusterCellsPerTile is how many grid cells a 256-pixel map tile is cut
	// into, across: a cluster stands for at most ~64 pixels of map.
	clusterCellsPerTile = 4
)

// published is the condition every public query adds: moderated, and not
// rejected (a rejected appeal is never public, even if it once was).
const published = `a.public_text IS NOT NULL AND a.status <> 'rejected' AND a.status <> 'moderation'`

// publicColumns are what the public may see of an appeal: no author_key,
// no flags, no token.
const publicColumns = `a.case_id, a.ref, a.category_id, c.code, c.title, a.reason_id, r.code, r.title,
	COALESCE(a.territory_id, 0), COALESCE(t.name, ''), a.org_id, o.name, a.lat, a.lon, a.address,
	COALESCE(a.public_text, ''), a.anonymous, a.status, a.state, a.channel, a.outcome, a.photos, a.supporters,
	COALESCE(a.duplicate_of, 0), a.reroutes, a.recategorised, a.reopened, COALESCE(a.external_id, ''),
	a.created_at, a.published_at, a.due_at, a.answered_at, a.answered_on_time, a.closed_at, a.updated_at`

const publicFrom = ` FROM appeals a
	JOIN appeal_categories c ON c.id = a.category_id
	JOIN appeal_reasons r ON r.id = a.reason_id
	JOIN organisations o ON o.id = a.org_id
	LEFT JOIN territories t ON t.id = a.territory_id`

func scanPublic(rows interface{ Scan(...any) error }) (Appeal, error) {
	var a Appeal
	var published, answered, closed sql.NullTime
	var onTime sql.NullBool
	err := rows.Scan(&a.CaseID, &a.Ref, &a.CategoryID, &a.CategoryCode, &a.CategoryTitle, &a.ReasonID, &a.ReasonCode, &a.ReasonTitle,
		&a.TerritoryID, &a.TerritoryName, &a.OrgID, &a.OrgName, &a.Lat, &a.Lon, &a.Address,
		&a.Text, &a.Anonymous, &a.Status, &a.State, &a.Channel, &a.Outcome, &a.Photos, &a.Supporters,
		&a.DuplicateOf, &a.Reroutes, &a.Recategorised, &a.Reopened, &a.ExternalID,
		&a.CreatedAt, &published, &a.DueAt, &answered, &onTime, &closed, &a.UpdatedAt)
	if err != nil {
		return Appeal{}, err
	}
	a.CreatedAt, a.DueAt, a.UpdatedAt = a.CreatedAt.UTC(), a.DueAt.UTC(), a.UpdatedAt.UTC()
	a.PublishedAt, a.AnsweredAt, a.ClosedAt = utcOf(published), utcOf(answered), utcOf(closed)
	a.AnsweredOnTime = onTime.Valid && onTime.Bool
	return a, nil
}

func utcOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// List returns published appeals matching q, newest first (created_at,
// then case id, descending), without personal data. Next, when not "",
// is the cursor of the following page (q.After).
func (s *Service) List(ctx context.Context, q Query) (Page[Appeal], error) {
	where, args, err := s.filters(q)
	if err != nil {
		return Page[Appeal]{}, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = defaultListLimit
	}
	if q.After != "" {
		at, id, err := decodeListCursor(q.After)
		if err != nil {
			return Page[Appeal]{}, err
		}
		// A row value: both engines seek appeals_created (created_at,
		// case_id) with it, where an OR of the two would scan.
		where = append(where, `(a.created_at, a.case_id) < (?, ?)`)
		args = append(args, at, id)
	}
	query := `SELECT ` + publicColumns + publicFrom + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY a.created_at DESC, a.case_id DESC LIMIT ` + strconv.Itoa(limit+1)
	rows, err := s.d.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return Page[Appeal]{}, fmt.Errorf("appeal: list: %w", err)
	}
	defer rows.Close()
	p := Page[Appeal]{Items: []Appeal{}}
	for rows.Next() {
		a, err := scanPublic(rows)
		if err != nil {
			return Page[Appeal]{}, fmt.Errorf("appeal: list: %w", err)
		}
		p.Items = append(p.Items, a)
	}
	if err := rows.Err(); err != nil {
		return Page[Appeal]{}, fmt.Errorf("appeal: list: %w", err)
	}
	if len(p.Items) > limit {
		p.Items = p.Items[:limit]
		last := p.Items[limit-1]
		p.Next = encodeListCursor(last.CreatedAt, last.CaseID)
	}
	return p, nil
}

// filters validates q and turns it into SQL conditions on appeals a (the
// published condition first) and their arguments.
func (s *Service) filters(q Query) ([]string, []any, error) {
	var fe okno.FieldErrors
	tooMany := func(field string, n int) bool {
		if n > maxFilterValues {
			fe.Add(field, "appeal.public.too_many", maxFilterValues)
			return true
		}
		return false
	}
	if q.Limit < 0 || q.Limit > maxListLimit {
		fe.Add("limit", "appeal.public.limit", maxListLimit)
	}
	for _, st := range q.Statuses {
		if !publicStatus(st) {
			fe.Add("status", "appeal.public.status_unknown", string(st))
			break
		}
	}
	tooMany("service_code", len(q.ReasonCodes))
	tooMany("category", len(q.CategoryIDs))
	tooMany("status", len(q.Statuses))
	tooMany("territory", len(q.TerritoryIDs))
	tooMany("id", len(q.CaseIDs))
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		fe.Add("to", "appeal.public.window")
	}
	if !q.UpdatedFrom.IsZero() && !q.UpdatedTo.IsZero() && q.UpdatedTo.Before(q.UpdatedFrom) {
		fe.Add("updated_to", "appeal.public.window")
	}
	if b := q.BBox; b != nil {
		if !(b.MinLat >= -90 && b.MaxLat <= 90 && b.MinLon >= -180 && b.MaxLon <= 180 && b.MinLat <= b.MaxLat && b.MinLon <= b.MaxLon) {
			fe.Add("bbox", "appeal.public.bbox")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, nil, err
	}

	where := []string{published}
	var args []any
	in := func(col string, n int) string {
		return col + ` IN (` + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + `)`
	}
	// On SQLite, filters on reason, category, status and district are
	// written as expressions (+ 0, || '') that no index serves: a page of
	// the newest is then read down appeals_created, stopping at the page's
	// end, instead of sorting every appeal of a district (SQLite's planner
	// otherwise picks appeals_territory and sorts tens of thousands).
	// PostgreSQL's planner weighs this itself, and misjudges expressions.
	num, str := " + 0", " || ''"
	if s.d.DB.Dialect() == sqldb.Postgres {
		num, str = "", ""
	}
	if n := len(q.ReasonCodes); n > 0 {
		where = append(where, `a.reason_id`+num+` IN (SELECT id FROM appeal_reasons WHERE `+in("code", n)+`)`)
		for _, c := range q.ReasonCodes {
			args = append(args, c)
		}
	}
	if n := len(q.CategoryIDs); n > 0 {
		where = append(where, in("a.category_id"+num, n))
		for _, id := range q.CategoryIDs {
			args = append(args, id)
		}
	}
	if n := len(q.Statuses); n > 0 {
		where = append(where, in("a.status"+str, n))
		for _, st := range q.Statuses {
			args = append(args, string(st))
		}
	}
	if n := len(q.TerritoryIDs); n > 0 {
		where = append(where, in("a.territory_id"+num, n))
		for _, id := range q.TerritoryIDs {
			args = append(args, id)
		}
	}
	if n := len(q.CaseIDs); n > 0 {
		where = append(where, in("a.case_id", n))
		for _, id := range q.CaseIDs {
			args = append(args, id)
		}
	}
	if q.OrgID != 0 {
		// appeals_org (org_id, created_at) reads one body's newest in order.
		where, args = append(where, `a.org_id = ?`), append(args, q.OrgID)
	}
	if !q.From.IsZero() {
		where, args = append(where, `a.created_at >= ?`), append(args, sqldb.Now(q.From))
	}
	if !q.To.IsZero() {
		where, args = append(where, `a.created_at < ?`), append(args, sqldb.Now(q.To))
	}
	if !q.UpdatedFrom.IsZero() {
		where, args = append(where, `a.updated_at >= ?`), append(args, sqldb.Now(q.UpdatedFrom))
	}
	if !q.UpdatedTo.IsZero() {
		where, args = append(where, `a.updated_at < ?`), append(args, sqldb.Now(q.UpdatedTo))
	}
	if b := q.BBox; b != nil {
		where = append(where, `a.lat >= ? AND a.lat <= ? AND a.lon >= ? AND a.lon <= ?`)
		args = append(args, b.MinLat, b.MaxLat, b.MinLon, b.MaxLon)
		// A small box also names its grid cells (place.go), so that the
		// appeals_cell index finds its appeals without reading the rest.
		if cells, ok := cellsIn(*b); ok {
			where = append(where, in("a.cell", len(cells)))
			for _, c := range cells {
				args = append(args, c)
			}
		}
	}
	return where, args, nil
}

// publicStatus reports whether st is a status the public may filter by.
func publicStatus(st Status) bool {
	switch st {
	case StatusOpen, StatusAnswered, StatusFixed, StatusFixedAuto, StatusNotFixed:
		return true
	}
	return false
}

// PublicStatuses are the statuses a published appeal may have, in the
// order the map's legend lists them.
var PublicStatuses = []Status{StatusOpen, StatusAnswered, StatusFixed, StatusFixedAuto, StatusNotFixed}

func encodeListCursor(at time.Time, id int64) string { return sqldb.EncodeCursor(at, id) }

func decodeListCursor(after string) (time.Time, int64, error) {
	at, id, ok := sqldb.DecodeCursor(after)
	if !ok {
		var fe okno.FieldErrors
		fe.Add("after", "appeal.public.cursor")
		return time.Time{}, 0, fe.Err()
	}
	return at, id, nil
}

// Public returns a published appeal's public view: ENOTFOUND for one that
// does not exist, is still in moderation, or was rejected (never telling
// these apart).
func (s *Service) Public(ctx context.Context, caseID int64) (Appeal, error) {
	row := s.d.DB.QueryRowContext(ctx, `SELECT `+publicColumns+publicFrom+` WHERE a.case_id = ? AND `+published, caseID)
	a, err := scanPublic(row)
	if err != nil {
		return Appeal{}, sqldb.NotFound(err, "appeal.public.not_found")
	}
	return a, nil
}

// ByToken returns the appeal an Open311 token stands for. The token's
// holder is the client that filed it, so an appeal still in moderation
// (or rejected) is found too — with its public fields only: Text is ""
// until moderation publishes it.
func (s *Service) ByToken(ctx context.Context, token string) (Appeal, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > maxTokenLen {
		return Appeal{}, okno.Errorf(okno.ENOTFOUND, "appeal.public.not_found")
	}
	row := s.d.DB.QueryRowContext(ctx, `SELECT `+publicColumns+publicFrom+` WHERE a.token = ?`, token)
	a, err := scanPublic(row)
	if err != nil {
		return Appeal{}, sqldb.NotFound(err, "appeal.public.not_found")
	}
	a.Token = token
	return a, nil
}

// UpdateQuery filters Updates.
type UpdateQuery struct {
	CaseID   int64
	From, To time.Time
	Limit    int
}

// statusOf is the public status of a state of the shipped appeal process:
// what a timeline event led to (the projection, which sees the whole
// case, decides a live appeal's status from outcomes; import.go uses this
// for history, whose states are the shipped ones).
func statusOf(state string) Status {
	switch state {
	case "moderation":
		return StatusModeration
	case "answered":
		return StatusAnswered
	case "closed_fixed":
		return StatusFixed
	case "closed_auto":
		return StatusFixedAuto
	case "closed_not_fixed":
		return StatusNotFixed
	case "rejected":
		return StatusRejected
	}
	return StatusOpen
}

// answerActions are the actions whose comment is an official's public
// answer, shown on the appeal's page and in Open311 updates as FixMyStreet
// does. Comments of citizens (reply, refute, reopen, confirm) and
// moderators are never shown: they may hold personal data.
var answerActions = []string{"interim_answer", "answer", "close_not_fixed"}

// Updates lists the public changes of published appeals — the process
// actions the citizen sees, each with the status it led to and, for an
// official's answer, its text — oldest first, within [From, To). With
// CaseID it is one appeal's public timeline.
func (s *Service) Updates(ctx context.Context, q UpdateQuery) ([]Update, error) {
	var fe okno.FieldErrors
	if q.Limit < 0 || q.Limit > maxListLimit {
		fe.Add("limit", "appeal.public.limit", maxListLimit)
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		fe.Add("end_date", "appeal.public.window")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = defaultListLimit
	}
	where := []string{published, `e.kind = 'action'`, `e.citizen_visible = TRUE`}
	var args []any
	if q.CaseID != 0 {
		where, args = append(where, `a.case_id = ?`), append(args, q.CaseID)
	}
	if !q.From.IsZero() {
		// Every event bumps its appeal's updated_at, so the appeals_updated
		// index finds the appeals with events after From without reading
		// every event.
		from := sqldb.Now(q.From)
		where, args = append(where, `a.updated_at >= ?`, `e.at >= ?`), append(args, from, from)
	}
	if !q.To.IsZero() {
		where, args = append(where, `e.at < ?`), append(args, sqldb.Now(q.To))
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT e.id, e.case_id, e.action, e.to_state, e.at
		FROM appeals a JOIN case_events e ON e.case_id = a.case_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY e.at, e.id LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("appeal: updates: %w", err)
	}
	defer rows.Close()
	out := []Update{}
	answers := map[int64][]int{} // case → indexes of its answers in out
	for rows.Next() {
		var u Update
		var action, state string
		if err := rows.Scan(&u.ID, &u.CaseID, &action, &state, &u.At); err != nil {
			return nil, fmt.Errorf("appeal: updates: %w", err)
		}
		u.At = u.At.UTC()
		u.Status = statusOf(state)
		if slices.Contains(answerActions, action) {
			answers[u.CaseID] = append(answers[u.CaseID], len(out))
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("appeal: updates: %w", err)
	}
	rows.Close()
	if err := s.answerTexts(ctx, out, answers); err != nil {
		return nil, err
	}
	return out, nil
}

// answerTexts fills the Description of the official answers in us
// (indexes per case) from the cases' timelines: casework keeps comments
// sealed and opens them only through its own API.
func (s *Service) answerTexts(ctx context.Context, us []Update, answers map[int64][]int) error {
	if s.d.Cases == nil || len(answers) == 0 {
		return nil
	}
	for caseID, idx := range answers {
		es, err := s.d.Cases.Timeline(ctx, okno.System, caseID)
		if err != nil {
			return fmt.Errorf("appeal: answers of %d: %w", caseID, err)
		}
		byID := make(map[int64]casework.Event, len(es))
		for _, e := range es {
			byID[e.ID] = e
		}
		for _, i := range idx {
			us[i].Description = byID[us[i].ID].Comment
		}
	}
	return nil
}

// Responsiveness returns each organisation's figures over the published
// appeals created in [from, to), busiest first. Appeals follow their
// reroutes: each counts for the body that holds it now. The median time to
// the first answer is exact to the hour.
//
// One pass over the window's appeals, grouped by body and by whole hours
// to the first answer (NULL for the unanswered): the database returns a
// few hundred rows per body, from which the counts add up and the median
// is read.
//
// The public page asks for the last 90 days on every view and the query
// reads every appeal of the window, so answers are kept for
// responsivenessTTL per window rounded to it: figures over 90 days move
// slowly, and a burst of visitors costs one query, not one each.
func (s *Service) Responsiveness(ctx context.Context, from, to time.Time) ([]OrgStats, error) {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		var fe okno.FieldErrors
		fe.Add("from", "appeal.public.window")
		return nil, fe.Err()
	}
	c := &s.respCache
	c.mu.Lock() // one computation at a time: visitors behind it get its answer
	defer c.mu.Unlock()
	key := [2]int64{from.Truncate(responsivenessTTL).Unix(), to.Truncate(responsivenessTTL).Unix()}
	if c.stats != nil && c.key == key && s.d.Now().Before(c.until) {
		return slices.Clone(c.stats), nil
	}
	stats, err := s.responsiveness(ctx, from, to)
	if err != nil {
		return nil, err
	}
	c.key, c.stats, c.until = key, stats, s.d.Now().Add(responsivenessTTL)
	return slices.Clone(stats), nil
}

// responsivenessTTL is how long Responsiveness keeps an answer.
const responsivenessTTL = 5 * time.Minute

// respCache is Responsiveness's last answer.
type respCache struct {
	mu    sync.Mutex
	key   [2]int64
	stats []OrgStats
	until time.Time
}

func (s *Service) responsiveness(ctx context.Context, from, to time.Time) ([]OrgStats, error) {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		var fe okno.FieldErrors
		fe.Add("from", "appeal.public.window")
		return nil, fe.Err()
	}
	// Whole seconds, in integers: julianday's floating point would put an
	// answer of exactly 47 hours into hour 46.
	hours := `(unixepoch(a.answered_at) - unixepoch(a.created_at)) / 3600`
	if s.d.DB.Dialect() == sqldb.Postgres {
		hours = `FLOOR(date_part('epoch', a.answered_at - a.created_at) / 3600)::BIGINT`
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT a.org_id, o.name, `+hours+` AS h, COUNT(*),
		SUM(CASE WHEN a.answered_on_time THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.answered_at IS NULL AND a.due_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.status = 'fixed' THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.status = 'fixed_auto' THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.status = 'not_fixed' THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.answered_at IS NOT NULL AND EXISTS (SELECT 1 FROM case_events e
			WHERE e.case_id = a.case_id AND e.action = 'refute') THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.reroutes > 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.reopened > 0 THEN 1 ELSE 0 END)
		FROM appeals a JOIN organisations o ON o.id = a.org_id
		WHERE a.created_at >= ? AND a.created_at < ? AND `+published+`
		GROUP BY a.org_id, o.name, h`, s.now(), sqldb.Now(from), sqldb.Now(to))
	if err != nil {
		return nil, fmt.Errorf("appeal: responsiveness: %w", err)
	}
	defer rows.Close()
	type orgAcc struct {
		OrgStats
		overdue, fixedAuto int
		hist               map[int64]int // hours to the first answer → answers
	}
	byOrg := map[int64]*orgAcc{}
	for rows.Next() {
		var org int64
		var name string
		var h sql.NullInt64
		var n, onTime, overdue, confirmed, fixedAuto, notFixed, refuted, reroutes, reopened int
		if err := rows.Scan(&org, &name, &h, &n, &onTime, &overdue, &confirmed, &fixedAuto, &notFixed, &refuted, &reroutes, &reopened); err != nil {
			return nil, fmt.Errorf("appeal: responsiveness: %w", err)
		}
		a := byOrg[org]
		if a == nil {
			a = &orgAcc{OrgStats: OrgStats{OrgID: org, OrgName: name}, hist: map[int64]int{}}
			byOrg[org] = a
		}
		a.Received += n
		if h.Valid {
			a.Answered += n
			a.hist[max(h.Int64, 0)] += n
		}
		a.OnTime += onTime
		a.overdue += overdue
		a.Confirmed += confirmed
		a.fixedAuto += fixedAuto
		a.NotFixed += notFixed
		a.Refuted += refuted
		a.Reroutes += reroutes
		a.Reopened += reopened
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("appeal: responsiveness: %w", err)
	}
	out := make([]OrgStats, 0, len(byOrg))
	for _, a := range byOrg {
		st := a.OrgStats
		st.Fixed = st.Confirmed + a.fixedAuto
		if n := st.Answered + a.overdue; n > 0 {
			st.OnTimeShare = float64(st.OnTime) / float64(n)
		}
		if n := st.Confirmed + st.Refuted + st.NotFixed; n > 0 {
			st.Confirmation = float64(st.Confirmed) / float64(n)
		}
		st.MedianAnswer = medianHours(a.hist, st.Answered)
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Received != out[j].Received {
			return out[i].Received > out[j].Received
		}
		if out[i].OrgName != out[j].OrgName {
			return out[i].OrgName < out[j].OrgName
		}
		return out[i].OrgID < out[j].OrgID
	})
	return out, nil
}

// medianHours reads the median of n answers from their histogram of whole
// hours: the hour in which the middle answer falls, plus half an hour.
func medianHours(hist map[int64]int, n int) time.Duration {
	if n == 0 {
		return 0
	}
	hs := make([]int64, 0, len(hist))
	for h := range hist {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	seen := 0
	for _, h := range hs {
		seen += hist[h]
		if 2*seen >= n {
			return time.Duration(h)*time.Hour + 30*time.Minute
		}
	}
	return 0
}
