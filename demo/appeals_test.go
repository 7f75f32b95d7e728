package demo_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/web/webtest"
)

// demoAppealRow is what the test reads of a demo appeal's case and its
// appeals row.
type demoAppealRow struct {
	CaseID   int64
	State    string // the case's
	Version  int64
	HasRow   bool
	Status   string // the appeals row's
	RowState string
	District string
	OrgCode  string
	Channel  string
	Staff    int // demo officials of the organisation it was routed to
}

func demoAppealRows(t *testing.T, ctx context.Context, db interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}) map[string]demoAppealRow {
	t.Helper()
	rows, err := db.QueryContext(ctx, `SELECT c.idempotency_key, c.id, c.state, c.version, a.case_id IS NOT NULL,
			COALESCE(a.status, ''), COALESCE(a.state, ''), COALESCE(t.name, ''), COALESCE(o.code, ''), COALESCE(a.channel, ''),
			(SELECT COUNT(*) FROM staff s JOIN positions p ON p.id = s.position_id WHERE p.organisation_id = a.org_id AND p.role = 'official')
		FROM cases c LEFT JOIN appeals a ON a.case_id = c.id LEFT JOIN territories t ON t.id = a.territory_id
		LEFT JOIN organisations o ON o.id = a.org_id
		WHERE c.idempotency_key LIKE 'demo-appeal-%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]demoAppealRow{}
	for rows.Next() {
		var k string
		var r demoAppealRow
		if err := rows.Scan(&k, &r.CaseID, &r.State, &r.Version, &r.HasRow, &r.Status, &r.RowState, &r.District, &r.OrgCode, &r.Channel, &r.Staff); err != nil {
			t.Fatal(err)
		}
		got[k] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestLoadAppeals files the demo appeals through the feedback platform:
// each has its appeals row, lies in the district it names, reaches its
// state, lands in an organisation with demo staff and is on the public map
// once published; the showcase appeals go to the Central district
// administration. Loading again changes nothing.
func TestLoadAppeals(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a := webtest.StartLive(t, dsn).App
		loadDemo(t, a)
		if err := demo.LoadCases(ctx, a.DB, a.Cases, a.Appeals); err != nil {
			t.Fatal(err)
		}
		first := demoAppealRows(t, ctx, a.DB)
		count := func() (n int) {
			if err := a.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM appeals) + (SELECT COUNT(*) FROM case_events)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		if err := demo.LoadCases(ctx, a.DB, a.Cases, a.Appeals); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, demoAppealRows(t, ctx, a.DB)); diff != "" {
			t.Errorf("a second load changed the demo appeals (-first +second):\n%s", diff)
		}
		if after := count(); after != before {
			t.Errorf("a second load wrote rows: appeals + case events %d, then %d", before, after)
		}

		page, err := a.Appeals.List(ctx, appeal.Query{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		onMap := map[int64]bool{}
		for _, it := range page.Items {
			onMap[it.CaseID] = true
		}
		want := demo.DemoAppeals()
		if len(want) < 40 {
			t.Errorf("%d demo appeals, want 40 or more", len(want))
		}
		districts, states := map[string]bool{}, map[string]bool{}
		for i, da := range want {
			r, ok := first[da.Key]
			switch {
			case !ok:
				t.Errorf("%s: no case", da.Key)
				continue
			case !r.HasRow:
				t.Errorf("%s: no appeals row", da.Key)
				continue
			}
			districts[r.District], states[r.State] = true, true
			if r.District != da.District {
				t.Errorf("%s: in %q, want %q", da.Key, r.District, da.District)
			}
			if r.State != da.State || r.RowState != da.State {
				t.Errorf("%s: case state %s, appeals row %s, want %s", da.Key, r.State, r.RowState, da.State)
			}
			if r.Staff == 0 {
				t.Errorf("%s: routed to %s, which has no demo official", da.Key, r.OrgCode)
			}
			if i < 5 && r.OrgCode != "spb.admin.tsentralny" {
				t.Errorf("%s: routed to %s, want the showcase spb.admin.tsentralny", da.Key, r.OrgCode)
			}
			if published := r.Status != string(appeal.StatusModeration); onMap[r.CaseID] != published {
				t.Errorf("%s (status %s): on the map %v, want %v", da.Key, r.Status, onMap[r.CaseID], published)
			}
		}
		if len(districts) != 18 {
			t.Errorf("demo appeals in %d districts, want 18", len(districts))
		}
		for _, s := range []string{"moderation", "review", "interim", "info_requested", "answered", "closed_fixed", "closed_not_fixed"} {
			if !states[s] {
				t.Errorf("no demo appeal in state %s", s)
			}
		}
	})
}
