package appeal

// The refresh of the pre-aggregates (migration 0014) from the appeals
// table: incremental from a watermark, or a rebuild in one pass.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/okno/okno/sqldb"
)

// refreshOverlap is how far before the watermark each refresh looks
// again: a transaction that stamped updated_at and committed later than a
// refresh read is still seen, as long as it commits within this. Looking
// again is harmless: rows are recomputed, not added to.
const refreshOverlap = 2 * time.Minute

// fullRefreshAbove is the number of changed appeals above which a refresh
// rebuilds every aggregate in one pass instead of recomputing the days
// they touch (the first run, after an import).
const fullRefreshAbove = 20000

// rejected is the status that keeps an appeal out of analytics: spam and
// abuse are not demand.
const rejected = string(StatusRejected)

// analyticsState is the refresh's progress (appeal_analytics_state).
type analyticsState struct {
	Watermark   time.Time
	DueChecked  time.Time
	RefreshedAt time.Time
	GroupsAt    time.Time
}

func (s *Service) analyticsState(ctx context.Context, q sqldb.Querier) (analyticsState, bool, error) {
	var st analyticsState
	var groups sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT watermark, due_checked, refreshed_at, groups_at FROM appeal_analytics_state WHERE id = 1`).
		Scan(&st.Watermark, &st.DueChecked, &st.RefreshedAt, &groups)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("appeal: analytics state: %w", err)
	}
	st.GroupsAt = groups.Time
	return st, true, nil
}

func saveState(ctx context.Context, tx *sqldb.Tx, watermark, dueChecked, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO appeal_analytics_state (id, watermark, due_checked, refreshed_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET watermark = excluded.watermark, due_checked = excluded.due_checked, refreshed_at = excluded.refreshed_at`,
		watermark, dueChecked, now)
	return err
}

// RefreshReport says what a refresh did.
type RefreshReport struct {
	Full     bool // every aggregate was rebuilt
	Appeals  int  // appeals looked at
	DayRows  int  // district × category × day rows written or removed
	OrgRows  int  // organisation × day rows written or removed
	Took     time.Duration
	AsOf     time.Time
	Previous time.Time // the refresh before, zero for the first
}

// Refresh brings the pre-aggregates up to date with the appeals table:
// it recomputes the days of every appeal updated since the last refresh
// (and the days they were counted under before, and the days of appeals
// whose due time has passed unanswered since), or rebuilds everything on
// the first run and after large changes. It is idempotent: running it
// twice, or two nodes running it at once, gives the same rows. The
// recurring job calls it every five minutes; `okno appeals analytics
// refresh` on demand.
func (s *Service) Refresh(ctx context.Context) (RefreshReport, error) {
	start := s.d.Now()
	now := s.now()
	st, found, err := s.analyticsState(ctx, s.d.DB)
	if err != nil {
		return RefreshReport{}, err
	}
	rep := RefreshReport{AsOf: now, Previous: st.RefreshedAt}
	var changed []changedAppeal
	if found {
		changed, err = s.changedAppeals(ctx, st.Watermark.Add(-refreshOverlap), fullRefreshAbove+1)
		if err != nil {
			return rep, err
		}
	}
	if !found || len(changed) > fullRefreshAbove {
		rep.Full = true
		err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error { return s.rebuild(ctx, tx, now, &rep) })
	} else {
		rep.Appeals = len(changed)
		err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error { return s.refreshKeys(ctx, tx, changed, st.DueChecked, now, &rep) })
	}
	if err != nil {
		return rep, fmt.Errorf("appeal: refresh analytics: %w", err)
	}
	rep.Took = s.d.Now().Sub(start)
	return rep, nil
}

// changedAppeal is an appeal updated since the watermark, with the keys
// it counts under now.
type changedAppeal struct {
	CaseID      int64
	CreatedAt   time.Time
	TerritoryID int64
	CategoryID  int64
	OrgID       int64
}

func (s *Service) changedAppeals(ctx context.Context, since time.Time, limit int) ([]changedAppeal, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT case_id, created_at, COALESCE(territory_id, 0), category_id, org_id
		FROM appeals WHERE updated_at > ? ORDER BY updated_at, case_id LIMIT ?`, since, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []changedAppeal
	for rows.Next() {
		var c changedAppeal
		if err := rows.Scan(&c.CaseID, &c.CreatedAt, &c.TerritoryID, &c.CategoryID, &c.OrgID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// dayKey is one row of appeal_stats_daily.
type dayKey struct{ Day, TerritoryID, CategoryID int64 }

// orgKey is one row of appeal_stats_org_daily.
type orgKey struct{ Day, OrgID int64 }

// refreshKeys recomputes the rows the changed appeals touch, in tx.
func (s *Service) refreshKeys(ctx context.Context, tx *sqldb.Tx, changed []changedAppeal, dueChecked, now time.Time, rep *RefreshReport) error {
	days := map[dayKey]bool{}
	orgs := map[orgKey]bool{}
	byCase := make(map[int64]changedAppeal, len(changed))
	for _, c := range changed {
		d := dayOf(c.CreatedAt)
		days[dayKey{d, c.TerritoryID, c.CategoryID}] = true
		orgs[orgKey{d, c.OrgID}] = true
		byCase[c.CaseID] = c
	}
	// The keys they were counted under before.
	ids := make([]int64, 0, len(changed))
	for id := range byCase {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		cond, args := inList("case_id", chunk)
		rows, err := tx.QueryContext(ctx, `SELECT case_id, territory_id, category_id, org_id FROM appeal_stats_seen WHERE `+cond, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, terr, cat, o int64
			if err := rows.Scan(&id, &terr, &cat, &o); err != nil {
				rows.Close()
				return err
			}
			d := dayOf(byCase[id].CreatedAt)
			days[dayKey{d, terr, cat}] = true
			orgs[orgKey{d, o}] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	// Appeals whose due time passed unanswered since the last look.
	rows, err := tx.QueryContext(ctx, `SELECT created_at, org_id FROM appeals WHERE answered_at IS NULL AND due_at > ? AND due_at <= ?`, dueChecked, now)
	if err != nil {
		return err
	}
	for rows.Next() {
		var at time.Time
		var o int64
		if err := rows.Scan(&at, &o); err != nil {
			rows.Close()
			return err
		}
		orgs[orgKey{dayOf(at), o}] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	months := map[dayKey]bool{}
	for k := range days {
		if err := recomputeDay(ctx, tx, k); err != nil {
			return err
		}
		months[dayKey{monthOf(k.Day), k.TerritoryID, k.CategoryID}] = true
	}
	for k := range months {
		if err := recomputeMonth(ctx, tx, k); err != nil {
			return err
		}
	}
	orgMonths := map[orgKey]bool{}
	for k := range orgs {
		if err := recomputeOrgDay(ctx, tx, k, now); err != nil {
			return err
		}
		orgMonths[orgKey{monthOf(k.Day), k.OrgID}] = true
	}
	for k := range orgMonths {
		if err := recomputeOrgMonth(ctx, tx, k); err != nil {
			return err
		}
	}
	for _, c := range changed {
		if _, err := tx.ExecContext(ctx, `INSERT INTO appeal_stats_seen (case_id, territory_id, category_id, org_id) VALUES (?, ?, ?, ?)
			ON CONFLICT (case_id) DO UPDATE SET territory_id = excluded.territory_id, category_id = excluded.category_id, org_id = excluded.org_id`,
			c.CaseID, c.TerritoryID, c.CategoryID, c.OrgID); err != nil {
			return err
		}
	}
	rep.DayRows, rep.OrgRows = len(days), len(orgs)
	return saveState(ctx, tx, now, now, now)
}

// recomputeDay rewrites one district × category × day row from the
// appeals of that day.
func recomputeDay(ctx context.Context, tx *sqldb.Tx, k dayKey) error {
	terr := "territory_id = ?"
	args := []any{k.TerritoryID}
	if k.TerritoryID == 0 {
		terr, args = "territory_id IS NULL", nil
	}
	args = append(args, k.CategoryID, dayStart(k.Day), dayStart(k.Day+1), rejected)
	var n, authors int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT author_key) FROM appeals
		WHERE `+terr+` AND category_id = ? AND created_at >= ? AND created_at < ? AND status <> ?`, args...).Scan(&n, &authors); err != nil {
		return err
	}
	if n == 0 {
		_, err := tx.ExecContext(ctx, `DELETE FROM appeal_stats_daily WHERE day = ? AND territory_id = ? AND category_id = ?`, k.Day, k.TerritoryID, k.CategoryID)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO appeal_stats_daily (day, territory_id, category_id, appeals, authors) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, territory_id, category_id) DO UPDATE SET appeals = excluded.appeals, authors = excluded.authors`,
		k.Day, k.TerritoryID, k.CategoryID, n, authors)
	return err
}

// recomputeMonth rewrites one district × category × month row (Day
// holds the month) from its day rows.
func recomputeMonth(ctx context.Context, tx *sqldb.Tx, k dayKey) error {
	var n, authors int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(appeals), 0), COALESCE(SUM(authors), 0) FROM appeal_stats_daily
		WHERE territory_id = ? AND category_id = ? AND day >= ? AND day < ?`,
		k.TerritoryID, k.CategoryID, monthFirstDay(k.Day), monthFirstDay(k.Day+1)).Scan(&n, &authors); err != nil {
		return err
	}
	if n == 0 {
		_, err := tx.ExecContext(ctx, `DELETE FROM appeal_stats_monthly WHERE month = ? AND territory_id = ? AND category_id = ?`, k.Day, k.TerritoryID, k.CategoryID)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO appeal_stats_monthly (month, territory_id, category_id, appeals, author_days) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (month, territory_id, category_id) DO UPDATE SET appeals = excluded.appeals, author_days = excluded.author_days`,
		k.Day, k.TerritoryID, k.CategoryID, n, authors)
	return err
}

// orgDayColumns are what an organisation's day is computed from.
const orgDayColumns = `created_at, answered_at, answered_on_time, due_at, reroutes, reopened, status, closed_at`

// orgRow is one appeal as an organisation's day counts it.
type orgRow struct {
	CreatedAt  time.Time
	AnsweredAt sql.NullTime
	OnTime     sql.NullBool
	DueAt      time.Time
	Reroutes   int
	Reopened   int
	Status     string
	ClosedAt   sql.NullTime
}

func (r *orgRow) dest() []any {
	return []any{&r.CreatedAt, &r.AnsweredAt, &r.OnTime, &r.DueAt, &r.Reroutes, &r.Reopened, &r.Status, &r.ClosedAt}
}

// recomputeOrgDay rewrites one organisation × day row.
func recomputeOrgDay(ctx context.Context, tx *sqldb.Tx, k orgKey, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+orgDayColumns+` FROM appeals
		WHERE org_id = ? AND created_at >= ? AND created_at < ? AND status <> ?`, k.OrgID, dayStart(k.Day), dayStart(k.Day+1), rejected)
	if err != nil {
		return err
	}
	var a orgAgg
	for rows.Next() {
		var r orgRow
		if err := rows.Scan(r.dest()...); err != nil {
			rows.Close()
			return err
		}
		a.add(r, now)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if a.Received == 0 {
		_, err := tx.ExecContext(ctx, `DELETE FROM appeal_stats_org_daily WHERE day = ? AND org_id = ?`, k.Day, k.OrgID)
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO appeal_stats_org_daily (day, org_id, `+orgAggColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (day, org_id) DO UPDATE SET received = excluded.received, answered = excluded.answered, on_time = excluded.on_time,
		overdue = excluded.overdue, reroutes = excluded.reroutes, reopened = excluded.reopened, fixed = excluded.fixed,
		not_fixed = excluded.not_fixed, closed = excluded.closed, answer_hist = excluded.answer_hist`,
		append([]any{k.Day, k.OrgID}, a.values()...)...)
	return err
}

// recomputeOrgMonth rewrites one organisation × month row (Day holds the
// month) from its day rows.
func recomputeOrgMonth(ctx context.Context, tx *sqldb.Tx, k orgKey) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+orgAggColumns+` FROM appeal_stats_org_daily WHERE org_id = ? AND day >= ? AND day < ?`,
		k.OrgID, monthFirstDay(k.Day), monthFirstDay(k.Day+1))
	if err != nil {
		return err
	}
	var m orgAgg
	for rows.Next() {
		a, err := scanOrgAgg(rows)
		if err != nil {
			rows.Close()
			return err
		}
		m.merge(a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if m.Received == 0 {
		_, err := tx.ExecContext(ctx, `DELETE FROM appeal_stats_org_monthly WHERE month = ? AND org_id = ?`, k.Day, k.OrgID)
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO appeal_stats_org_monthly (month, org_id, `+orgAggColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (month, org_id) DO UPDATE SET received = excluded.received, answered = excluded.answered, on_time = excluded.on_time,
		overdue = excluded.overdue, reroutes = excluded.reroutes, reopened = excluded.reopened, fixed = excluded.fixed,
		not_fixed = excluded.not_fixed, closed = excluded.closed, answer_hist = excluded.answer_hist`,
		append([]any{k.Day, k.OrgID}, m.values()...)...)
	return err
}

// rebuild recomputes every aggregate from the appeals table in one pass
// each: district × category days in (territory, category, created) order,
// so that one day's authors are counted with one small set at a time;
// organisation days in a map (a region has hundreds of organisations).
func (s *Service) rebuild(ctx context.Context, tx *sqldb.Tx, now time.Time, rep *RefreshReport) error {
	for _, t := range []string{"appeal_stats_daily", "appeal_stats_monthly", "appeal_stats_org_daily", "appeal_stats_org_monthly", "appeal_stats_seen"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return err
		}
	}
	var dayRows [][]any
	rows, err := tx.QueryContext(ctx, `SELECT COALESCE(territory_id, 0), category_id, created_at, author_key FROM appeals
		WHERE status <> ? ORDER BY territory_id, category_id, created_at`, rejected)
	if err != nil {
		return err
	}
	var cur dayKey
	var n int
	authors := map[string]struct{}{}
	flush := func() {
		if n > 0 {
			dayRows = append(dayRows, []any{cur.Day, cur.TerritoryID, cur.CategoryID, n, len(authors)})
		}
		n = 0
		clear(authors)
	}
	for rows.Next() {
		var k dayKey
		var at time.Time
		var author string
		if err := rows.Scan(&k.TerritoryID, &k.CategoryID, &at, &author); err != nil {
			rows.Close()
			return err
		}
		k.Day = dayOf(at)
		if k != cur {
			flush()
			cur = k
		}
		n++
		authors[author] = struct{}{}
		rep.Appeals++
	}
	flush()
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	orgs := map[orgKey]*orgAgg{}
	rows, err = tx.QueryContext(ctx, `SELECT org_id, `+orgDayColumns+` FROM appeals WHERE status <> ?`, rejected)
	if err != nil {
		return err
	}
	for rows.Next() {
		var o int64
		var r orgRow
		if err := rows.Scan(append([]any{&o}, r.dest()...)...); err != nil {
			rows.Close()
			return err
		}
		k := orgKey{dayOf(r.CreatedAt), o}
		a := orgs[k]
		if a == nil {
			a = &orgAgg{}
			orgs[k] = a
		}
		a.add(r, now)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	orgRows := make([][]any, 0, len(orgs))
	orgMonths := map[orgKey]*orgAgg{}
	for k, a := range orgs {
		orgRows = append(orgRows, append([]any{k.Day, k.OrgID}, a.values()...))
		mk := orgKey{monthOf(k.Day), k.OrgID}
		if orgMonths[mk] == nil {
			orgMonths[mk] = &orgAgg{}
		}
		orgMonths[mk].merge(*a)
	}
	orgMonthRows := make([][]any, 0, len(orgMonths))
	for k, a := range orgMonths {
		orgMonthRows = append(orgMonthRows, append([]any{k.Day, k.OrgID}, a.values()...))
	}

	if err := insertRows(ctx, tx, `INSERT INTO appeal_stats_daily (day, territory_id, category_id, appeals, authors) VALUES `, dayRows); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `INSERT INTO appeal_stats_org_daily (day, org_id, `+orgAggColumns+`) VALUES `, orgRows); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `INSERT INTO appeal_stats_org_monthly (month, org_id, `+orgAggColumns+`) VALUES `, orgMonthRows); err != nil {
		return err
	}
	months := map[dayKey][2]int{}
	for _, r := range dayRows {
		k := dayKey{monthOf(r[0].(int64)), r[1].(int64), r[2].(int64)}
		m := months[k]
		months[k] = [2]int{m[0] + r[3].(int), m[1] + r[4].(int)}
	}
	monthRows := make([][]any, 0, len(months))
	for k, m := range months {
		monthRows = append(monthRows, []any{k.Day, k.TerritoryID, k.CategoryID, m[0], m[1]})
	}
	if err := insertRows(ctx, tx, `INSERT INTO appeal_stats_monthly (month, territory_id, category_id, appeals, author_days) VALUES `, monthRows); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO appeal_stats_seen (case_id, territory_id, category_id, org_id)
		SELECT case_id, COALESCE(territory_id, 0), category_id, org_id FROM appeals`); err != nil {
		return err
	}
	rep.DayRows, rep.OrgRows = len(dayRows), len(orgRows)
	return saveState(ctx, tx, now, now, now)
}

// maxParams bounds the parameters of one multi-row INSERT: far below both
// engines' limits, because the SQLite driver binds each parameter by
// looking through all of them (quadratic: 30,000 parameters a statement
// took 80% of a rebuild's time, 1,000 take nothing worth measuring).
const maxParams = 1000

// insertRows inserts rows with multi-row INSERTs of at most maxParams
// parameters.
func insertRows(ctx context.Context, tx *sqldb.Tx, head string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	one := "(?" + strings.Repeat(", ?", width-1) + ")"
	per := max(1, maxParams/width)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*width)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
