package payment_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestPayThroughDemoProvider(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		citizen := f.citizen(t)
		uin := f.fee(t, citizen, 350000)

		p, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-1")
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != payment.StatusPending || p.Amount != 350000 || !strings.HasPrefix(p.ConfirmationURL, f.demoURL+"/pay/") {
			t.Fatalf("Start: got %+v, want pending 350000 with the demo's page", p)
		}
		again, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-1")
		if err != nil || again.ID != p.ID || again.ProviderID != p.ProviderID {
			t.Fatalf("Start again with the same key: got %+v, %v; want payment %d", again, err, p.ID)
		}

		page, location := f.choose(t, p, "pay")
		if !strings.Contains(page, "Демонстрационная платёжная система — деньги не списываются") || !strings.Contains(page, "3\u00a0500,00\u00a0₽") {
			t.Errorf("the payment page does not say it is a demo or shows the wrong sum:\n%s", page)
		}
		if want := "https://okno.example/payments/" + strconv.FormatInt(p.ID, 10) + "/return"; location != want {
			t.Errorf("sent back to %q, want %q", location, want)
		}
		if acked := f.demo.Deliver(ctx); acked != 2 {
			t.Errorf("Deliver: %d acknowledged, want 2 (pending, succeeded); Okno answered %v", acked, f.notified)
		}

		got, err := f.svc.Return(ctx, citizen, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != payment.StatusSucceeded || !got.AccrualMarked || got.PaidAt.IsZero() {
			t.Errorf("after the notifications: got %+v, want succeeded, accrual marked, paid_at set", got)
		}
		if st, paid := f.accrualState(t, uin); st != accrual.StatusPaid || paid != 350000 {
			t.Errorf("accrual: got %s %d, want paid 350000", st, paid)
		}
		var payload string
		if err := db.QueryRowContext(ctx, `SELECT payload FROM outbox WHERE topic = ?`, payment.TopicSucceeded).Scan(&payload); err != nil {
			t.Fatalf("outbox %s: %v", payment.TopicSucceeded, err)
		}
		var ev payment.Event
		json.Unmarshal([]byte(payload), &ev)
		if diff := cmp.Diff(payment.Event{PaymentID: p.ID, UIN: uin, Amount: 350000}, ev); diff != "" {
			t.Errorf("outbox payload (-want +got):\n%s", diff)
		}

		if _, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-2"); key(err) != "payment.accrual_paid" {
			t.Errorf("paying a paid accrual: got %v, want payment.accrual_paid", err)
		}
		other := f.citizen(t)
		if _, err := f.svc.Return(ctx, other, p.ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("another citizen's return page: got %v, want not found", err)
		}
		if _, err := f.svc.Return(ctx, citizen, p.ID+1000); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("an unknown payment's return page: got %v, want not found", err)
		}
		var actions []string
		for _, e := range f.audit.Entries() {
			if e.ObjectType == "payment" {
				actions = append(actions, e.Action)
			}
		}
		if diff := cmp.Diff([]string{"payment.start", "payment.redirect", "payment.notification"}, actions); diff != "" {
			t.Errorf("audited (-want +got):\n%s", diff)
		}
	})
}

func TestReturnAsksProviderWhenNoNotificationCame(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		citizen := f.citizen(t)
		uin := f.fee(t, citizen, 120000)
		p, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-1")
		if err != nil {
			t.Fatal(err)
		}
		f.choose(t, p, "pay") // notifications not delivered yet

		got, err := f.svc.Return(ctx, citizen, p.ID)
		if err != nil || got.Status != payment.StatusSucceeded {
			t.Fatalf("Return: got %+v, %v; want succeeded from the provider's answer", got, err)
		}
		// The notifications arrive after all, and count for nothing more.
		if acked := f.demo.Deliver(ctx); acked != 2 {
			t.Errorf("Deliver: %d acknowledged, want 2; Okno answered %v", acked, f.notified)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM accrual_payments`); n != 1 {
			t.Errorf("accrual payments: got %d, want 1", n)
		}
		if st, paid := f.accrualState(t, uin); st != accrual.StatusPaid || paid != 120000 {
			t.Errorf("accrual: got %s %d, want paid 120000", st, paid)
		}
	})
}

func TestDeclinedAndFailedPaymentsLeaveAccrualDue(t *testing.T) {
	for _, tc := range []struct {
		action string
		want   payment.Status
	}{
		{"decline", payment.StatusCancelled},
		{"fail", payment.StatusFailed},
	} {
		t.Run(tc.action, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				f := newFixture(t, db)
				citizen := f.citizen(t)
				uin := f.fee(t, citizen, 50000)
				p, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-1")
				if err != nil {
					t.Fatal(err)
				}
				f.choose(t, p, tc.action)
				f.demo.Deliver(ctx)
				got, err := f.svc.Return(ctx, citizen, p.ID)
				if err != nil || got.Status != tc.want || got.AccrualMarked {
					t.Fatalf("got %+v, %v; want %s, accrual not marked", got, err, tc.want)
				}
				if st, paid := f.accrualState(t, uin); st != accrual.StatusNew || paid != 0 {
					t.Errorf("accrual: got %s %d, want new 0", st, paid)
				}
				// The citizen tries again with a new key and pays.
				p2, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-2")
				if err != nil || p2.ID == p.ID {
					t.Fatalf("a second attempt: got %+v, %v", p2, err)
				}
			})
		})
	}
}

func TestRefund(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		citizen := f.citizen(t)
		admin := okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 1, Roles: []okno.Role{okno.RoleAdmin}}
		official := okno.Actor{Kind: okno.ActorStaff, UserID: 2, OrgID: 1, Roles: []okno.Role{okno.RoleOfficial}}
		uin := f.fee(t, citizen, 100000)
		p, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-1")
		if err != nil {
			t.Fatal(err)
		}
		f.choose(t, p, "pay")
		f.demo.Deliver(ctx)

		for _, tc := range []struct {
			name    string
			actor   okno.Actor
			amount  int64
			wantKey string
		}{
			{"citizen", citizen, 100, "payment.refund_forbidden"},
			{"official", official, 100, "payment.refund_forbidden"},
			{"zero", admin, 0, "error.invalid"},
			{"more than paid", admin, 100001, "error.invalid"},
		} {
			if _, err := f.svc.Refund(ctx, tc.actor, p.ID, tc.amount, "r-x"); key(err) != tc.wantKey {
				t.Errorf("%s: got %v, want %s", tc.name, err, tc.wantKey)
			}
		}

		if _, err := f.svc.Refund(ctx, admin, p.ID+1000, 100, "r-x"); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("refund of an unknown payment: got %v, want not found", err)
		}
		got, err := f.svc.Refund(ctx, admin, p.ID, 30000, "r-1")
		if err != nil || got.Status != payment.StatusPartly || got.Refunded != 30000 {
			t.Fatalf("partial refund: got %+v, %v", got, err)
		}
		got, err = f.svc.Refund(ctx, admin, p.ID, 30000, "r-1") // the same request again
		if err != nil || got.Refunded != 30000 {
			t.Fatalf("the same refund again: got %+v, %v; want still 30000 refunded", got, err)
		}
		f.demo.Deliver(ctx) // the refund's notification: the same refund, nothing more
		got, err = f.svc.Refund(ctx, admin, p.ID, 70000, "r-2")
		if err != nil || got.Status != payment.StatusRefunded || got.Refunded != 100000 {
			t.Fatalf("refund of the rest: got %+v, %v", got, err)
		}
		f.demo.Deliver(ctx)
		if n := f.count(t, `SELECT COUNT(*) FROM payment_refunds WHERE payment_id = ?`, p.ID); n != 2 {
			t.Errorf("refund rows: got %d, want 2", n)
		}
		if n := f.count(t, `SELECT refunded FROM payments WHERE id = ?`, p.ID); n != 100000 {
			t.Errorf("refunded: got %d, want 100000", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM outbox WHERE topic = ?`, payment.TopicRefunded); n != 2 {
			t.Errorf("%s messages: got %d, want 2", payment.TopicRefunded, n)
		}
	})
}

func TestStartRefusals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		citizen := f.citizen(t)
		uin := f.fee(t, citizen, 50000)
		annulled := f.annulledFine(t)
		for _, tc := range []struct {
			name                 string
			actor                okno.Actor
			uin, returnURL, ikey string
			wantCode             okno.ErrorCode
			wantKey              string
		}{
			{"anonymous", okno.Actor{}, uin, returnURL, "k", okno.EUNAUTHORIZED, "payment.citizens_only"},
			{"staff", okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 1}, uin, returnURL, "k", okno.EUNAUTHORIZED, "payment.citizens_only"},
			{"uin letters", citizen, "0310064300000000000A", returnURL, "k", okno.EINVALID, "error.invalid"},
			{"uin short", citizen, "123", returnURL, "k", okno.EINVALID, "error.invalid"},
			{"return url", citizen, uin, "javascript:alert(1)", "k", okno.EINVALID, "error.invalid"},
			{"no key", citizen, uin, returnURL, "", okno.EINVALID, "error.invalid"},
			{"key with spaces", citizen, uin, returnURL, "a b", okno.EINVALID, "error.invalid"},
			{"unknown accrual", citizen, accrual.MakeUIN("03100643", 999999), returnURL, "k", okno.ENOTFOUND, "accrual.not_found"},
			{"annulled accrual", citizen, annulled, returnURL, "k", okno.ECONFLICT, "payment.accrual_annulled"},
		} {
			_, err := f.svc.Start(ctx, tc.actor, tc.uin, tc.returnURL, tc.ikey)
			if okno.ErrorCodeOf(err) != tc.wantCode || key(err) != tc.wantKey {
				t.Errorf("%s: got %v, want %s %s", tc.name, err, tc.wantCode, tc.wantKey)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM payments`); n != 0 {
			t.Errorf("payments written by refused starts: %d", n)
		}

		absurd := payment.New(payment.Deps{DB: db, Audit: f.audit, Accruals: inflated{accrualDoor{f.accruals}},
			NotifySecret: notifySecret, Now: f.clock.Now})
		if _, err := absurd.Start(ctx, citizen, uin, returnURL, "k"); key(err) != "error.invalid" ||
			okno.AsError(err).Fields[0].Key != "payment.amount_absurd" {
			t.Errorf("absurd amount: got %v, want payment.amount_absurd", err)
		}
		if _, err := f.svc.Start(ctx, citizen, uin, returnURL, "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Start(ctx, citizen, annulled, returnURL, "k"); key(err) != "error.invalid" {
			t.Errorf("the same key for another accrual: got %v, want payment.idempotency_reused", err)
		}
	})
}

// inflated reports an absurd amount due, as a broken accrual source could.
type inflated struct{ accrualDoor }

func (d inflated) Due(ctx context.Context, uin string, at time.Time) (payment.Charge, error) {
	c, err := d.accrualDoor.Due(ctx, uin, at)
	c.Amount = payment.MaxAmount + 1
	return c, err
}
