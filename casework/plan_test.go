package casework_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestClaimPlan proves that the scheduler's scan reads only due rows:
// among 5,000 open cases with a running step clock, of which 20 are due,
// the claiming query walks the partial index cases_next_due from its start
// to the current time and stops there.
func TestClaimPlan(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		now := f.clock.Now()
		f.seedCases(t, 5000, 20, now.Add(-time.Hour))
		args := []any{sqldb.Now(now), sqldb.Now(now), 200}
		if db.Dialect() == sqldb.SQLite {
			checkSQLitePlan(t, db, args)
			return
		}
		checkPostgresPlan(t, db, args)
	})
}

func checkSQLitePlan(t *testing.T, db *sqldb.DB, args []any) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+casework.ClaimDueQuery, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	// A range search of the index (from after NULL up to now), in its
	// order: no table scan, no sort.
	if got != "SEARCH cases USING INDEX cases_next_due (next_due_at>? AND next_due_at<?)" {
		t.Errorf("plan = %q, want a search of cases_next_due up to now", got)
	}
}

func checkPostgresPlan(t *testing.T, db *sqldb.DB, args []any) {
	t.Helper()
	ctx := context.Background()
	var out []byte
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+casework.ClaimDueQuery, args...).Scan(&out)
	})
	if err != nil {
		t.Fatal(err)
	}
	var plans []struct{ Plan pgNode }
	if err := json.Unmarshal(out, &plans); err != nil {
		t.Fatal(err)
	}
	var scans []pgNode
	plans[0].Plan.walk(func(n pgNode) {
		if strings.Contains(n.Type, "Scan") {
			scans = append(scans, n)
		}
	})
	if len(scans) != 1 || scans[0].Type != "Index Scan" || scans[0].Index != "cases_next_due" {
		t.Fatalf("scans = %+v, want one index scan of cases_next_due\n%s", scans, out)
	}
	if s := scans[0]; s.ActualRows != 20 || s.RemovedByFilter != 0 {
		t.Errorf("the scan read %v rows and dropped %v, want the 20 due ones\n%s", s.ActualRows, s.RemovedByFilter, out)
	}
}

// pgNode is a node of PostgreSQL's JSON plan.
type pgNode struct {
	Type            string   `json:"Node Type"`
	Index           string   `json:"Index Name"`
	ActualRows      float64  `json:"Actual Rows"`
	RemovedByFilter float64  `json:"Rows Removed by Filter"`
	Plans           []pgNode `json:"Plans"`
}

func (n pgNode) walk(fn func(pgNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}
