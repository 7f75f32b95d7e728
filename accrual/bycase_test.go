package accrual

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestByCaseListsTheCaseFees(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		me := f.citizen(t)
		c := f.caseOf(t, me.UserID)
		issue := func(fee, amount string) {
			t.Helper()
			p := map[string]string{"fee": fee, "amount": amount, "purpose": "Госпошлина " + fee}
			if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return f.svc.IssueForCaseTx(ctx, tx, c, p) }); err != nil {
				t.Fatal(err)
			}
		}
		issue("state_duty", "35000")
		issue("form", "20000")
		// A fine of the same citizen belongs to no case.
		if _, err := f.push(t, "gibdd", gibddSecret, fine(1, "99 12 345678")); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.ByCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			Purpose string
			DueNow  int64
			CaseID  int64
		}
		var lines []line
		for _, x := range got {
			lines = append(lines, line{x.Purpose, x.DueNow, x.CaseID})
		}
		want := []line{{"Госпошлина state_duty", 35000, c.ID}, {"Госпошлина form", 20000, c.ID}}
		if diff := cmp.Diff(want, lines); diff != "" {
			t.Errorf("ByCase (-want +got):\n%s", diff)
		}
		none, err := f.svc.ByCase(ctx, c.ID+1000)
		if err != nil || len(none) != 0 {
			t.Errorf("ByCase(another case) = %v, %v; want none", none, err)
		}
	})
}
