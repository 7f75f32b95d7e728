package casework_test

import (
	"context"
	"testing"
	"time"

	"github.com/okno/okno/sqldb"
)

// seedCases inserts n open appeals in review at the housing agency's
// specialists, straight into the table in one statement: the first due of
// them have a step clock that ran out at dueAt, the others one that runs
// out a month later. It is how benchmarks and plan tests get many cases
// quickly; the rows are what the engine would have written, without the
// timeline.
func (f *fixture) seedCases(tb testing.TB, n, due int, dueAt time.Time) {
	tb.Helper()
	ctx := context.Background()
	v, err := f.procs.Latest(ctx, "appeal")
	if err != nil {
		tb.Fatal(err)
	}
	now := sqldb.Now(f.clock.Now())
	insert := func(from, to int, next time.Time) {
		if from > to {
			return
		}
		_, err := f.db.ExecContext(ctx, `WITH RECURSIVE seq (x) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT x + 1 FROM seq WHERE x < ?)
			INSERT INTO cases (ref, kind, process_id, state, version, org_id, position_id, subject, channel,
				legal_period, legal_due_at, step_period, step_due_at, next_due_at, created_by, created_at, updated_at)
			SELECT 'seed-' || CAST(x AS TEXT), 'appeal', ?, 'review', 1, ?, ?, 'Засор', 'web',
				'30d', ?, '8w', ?, ?, 'system', ?, ?
			FROM seq`,
			from, to, v.ID, f.housing.ID, f.pos.spec.ID,
			now.AddDate(0, 1, 0), sqldb.Now(next), sqldb.Now(next), now, now)
		if err != nil {
			tb.Fatalf("seed cases: %v", err)
		}
	}
	insert(1, due, dueAt)
	insert(due+1, n, dueAt.AddDate(0, 1, 0))
	if f.db.Dialect() == sqldb.Postgres {
		if _, err := f.db.ExecContext(ctx, `ANALYZE cases`); err != nil {
			tb.Fatal(err)
		}
	}
}
