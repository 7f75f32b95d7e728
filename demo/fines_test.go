package demo

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/vault"
)

func TestWriteDemoFinesIsDeterministic(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	var t1, p1, t2, p2 bytes.Buffer
	c, err := WriteDemoFines(10000, 7, today, &t1, &p1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteDemoFines(10000, 7, today, &t2, &p2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(t1.Bytes(), t2.Bytes()) || !bytes.Equal(p1.Bytes(), p2.Bytes()) {
		t.Error("the same seed wrote different files")
	}
	if c.Lines != 10000 || c.Duplicates < 400 || c.Duplicates > 600 || c.Annulments < 120 || c.Annulments > 280 {
		t.Errorf("counts %+v, want 10000 lines, about 5%% duplicates and 2%% annulments", c)
	}
	if got := bytes.Count(t1.Bytes(), []byte("\n")) + bytes.Count(p1.Bytes(), []byte("\n")); got != c.Lines {
		t.Errorf("files hold %d lines, counts say %d", got, c.Lines)
	}
}

func TestLoadDemoFines(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		keys, err := vault.Load(t.TempDir(), "")
		if err != nil {
			t.Fatal(err)
		}
		today := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		now := func() time.Time { return today }
		svc := accrual.New(accrual.Deps{DB: db, Sealer: keys, Audit: audittest.New(db, now), Now: now, Sources: DemoFineSources()})
		var uid int64
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO users (kind, password_hash, created_at, updated_at) VALUES ('citizen', 'x', ?, ?) RETURNING id`, today, today).Scan(&uid)
		}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := LoadDemoFines(ctx, svc, uid, today); err != nil {
				t.Fatal(err)
			}
		}
		page, err := svc.Fines(ctx, okno.Actor{Kind: okno.ActorCitizen, UserID: uid}, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range page.Fines {
			got = append(got, f.UIN+" "+string(f.Status))
		}
		// Unpaid first, newest decision first; the annulled one last.
		want := []string{
			accrual.MakeUIN("03558000", 990000004) + " new",
			accrual.MakeUIN("18810178", 990000001) + " new",
			accrual.MakeUIN("18810178", 990000002) + " new",
			accrual.MakeUIN("18810178", 990000003) + " annulled",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("demo fines (-want +got):\n%s", diff)
		}
		if page.Fines[1].DueNow != 25000 || page.Fines[1].DaysLeft != 15 {
			t.Errorf("discounted fine: due %d, %d days left; want 25000 and 15", page.Fines[1].DueNow, page.Fines[1].DaysLeft)
		}
	})
}
