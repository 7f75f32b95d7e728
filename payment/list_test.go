package payment_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestListsAndWhoSeesWhat(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		citizen, other := f.citizen(t), f.citizen(t)
		admin := okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 1, Roles: []okno.Role{okno.RoleAdmin}}
		official := okno.Actor{Kind: okno.ActorStaff, UserID: 2, OrgID: 5, Roles: []okno.Role{okno.RoleOfficial}}
		var ids []int64
		for _, k := range []string{"a", "b", "c"} {
			p, err := f.svc.Start(ctx, citizen, f.fee(t, citizen, 1000), returnURL, k)
			if err != nil {
				t.Fatal(err)
			}
			ids = append([]int64{p.ID}, ids...) // newest first
		}
		var got []int64
		cursor := ""
		for {
			pg, err := f.svc.Mine(ctx, citizen, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pg.Payments {
				got = append(got, p.ID)
			}
			if cursor = pg.Next; cursor == "" {
				break
			}
		}
		if diff := cmp.Diff(ids, got); diff != "" {
			t.Errorf("Mine by pages of 2 (-want +got):\n%s", diff)
		}
		if pg, err := f.svc.Mine(ctx, other, "", 0); err != nil || len(pg.Payments) != 0 {
			t.Errorf("another citizen's list: got %d, %v; want none", len(pg.Payments), err)
		}
		for _, a := range []okno.Actor{other, official, {}} {
			if _, err := f.svc.Get(ctx, a, ids[0]); okno.ErrorCodeOf(err) != okno.ENOTFOUND {
				t.Errorf("Get as %s: got %v, want not found", a.Ref(), err)
			}
		}
		if _, err := f.svc.Get(ctx, admin, ids[0]); err != nil {
			t.Errorf("Get as admin: %v", err)
		}
		if pg, err := f.svc.List(ctx, admin, payment.StatusPending, "", 10); err != nil || len(pg.Payments) != 3 {
			t.Errorf("List pending: got %d, %v; want 3", len(pg.Payments), err)
		}
		if pg, err := f.svc.List(ctx, admin, payment.StatusSucceeded, "", 10); err != nil || len(pg.Payments) != 0 {
			t.Errorf("List succeeded: got %d, %v; want 0", len(pg.Payments), err)
		}
		if _, err := f.svc.List(ctx, official, "", "", 10); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("List as an official: got %v, want forbidden", err)
		}
		if _, err := f.svc.List(ctx, admin, "lost", "", 10); key(err) != "error.invalid" {
			t.Errorf("List with an unknown status: got %v, want invalid", err)
		}
		if _, err := f.svc.Mine(ctx, citizen, "garbage", 10); key(err) != "error.invalid" {
			t.Errorf("a bad cursor: got %v, want invalid", err)
		}
	})
}
