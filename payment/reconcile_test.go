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

func TestReconcile(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		citizen := f.citizen(t)
		admin := okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 1, Roles: []okno.Role{okno.RoleAdmin}}
		start := func(amount int64, key string) payment.Payment {
			t.Helper()
			p, err := f.svc.Start(ctx, citizen, f.fee(t, citizen, amount), returnURL, key)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		// matched: paid and notified, then partly refunded.
		matched := start(10000, "a")
		f.choose(t, matched, "pay")
		f.demo.Deliver(ctx)
		if _, err := f.svc.Refund(ctx, admin, matched.ID, 2500, "r"); err != nil {
			t.Fatal(err)
		}
		f.demo.Deliver(ctx)
		// lost: paid at the provider, its notifications never delivered.
		lost := start(20000, "b")
		f.choose(t, lost, "pay")
		// forged: we hold it as paid (a notification signed with our
		// secret), the provider never took it.
		forged := start(30000, "c")
		body := notification("ntf-forged", payment.EventSucceeded, forged.ProviderID, 30000)
		if _, err := f.svc.HandleNotification(ctx, body, signed(notifySecret, f.clock.Now(), body)); err != nil {
			t.Fatal(err)
		}
		// the refund's amount differs on our side.
		if _, err := db.ExecContext(ctx, `UPDATE payment_refunds SET amount = 2400`); err != nil {
			t.Fatal(err)
		}

		if _, err := f.svc.Reconcile(ctx, citizen, "2026-03-10"); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("a citizen reconciling: got %v, want forbidden", err)
		}
		if _, err := f.svc.Reconcile(ctx, admin, "10.03.2026"); key(err) != "error.invalid" {
			t.Errorf("a bad day: got %v, want invalid", err)
		}
		rep, err := f.svc.Reconcile(ctx, admin, "2026-03-10")
		if err != nil {
			t.Fatal(err)
		}
		var refundID string
		if err := db.QueryRowContext(ctx, `SELECT provider_refund_id FROM payment_refunds`).Scan(&refundID); err != nil {
			t.Fatal(err)
		}
		want := payment.Reconciliation{ID: rep.ID, Day: "2026-03-10", Matched: 1, CreatedAt: rep.CreatedAt,
			MissingOurs:   []payment.Difference{{Kind: "payment", ProviderID: lost.ProviderID, PaymentID: lost.ID, OurAmount: 20000, TheirAmount: 20000, OurStatus: payment.StatusPending}},
			MissingTheirs: []payment.Difference{{Kind: "payment", ProviderID: forged.ProviderID, PaymentID: forged.ID, OurAmount: 30000, OurStatus: payment.StatusSucceeded}},
			Mismatched:    []payment.Difference{{Kind: "refund", ProviderID: refundID, PaymentID: matched.ID, OurAmount: 2400, TheirAmount: 2500}},
		}
		if diff := cmp.Diff(want, rep); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		stored, err := f.svc.Reconciliations(ctx, admin, "2026-03-10")
		if err != nil || len(stored) != 1 {
			t.Fatalf("stored reports: got %d, %v", len(stored), err)
		}
		if diff := cmp.Diff(rep, stored[0]); diff != "" {
			t.Errorf("stored report (-want +got):\n%s", diff)
		}
	})
}
