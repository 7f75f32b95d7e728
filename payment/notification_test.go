package payment_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// signed returns a notification's headers signed at ts with secret.
func signed(secret []byte, ts time.Time, body []byte) http.Header {
	h := http.Header{}
	h.Set(payment.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(payment.HeaderSignature, payment.Sign(secret, ts, body))
	return h
}

// notification encodes a notification of event about the provider's
// payment id.
func notification(id, event, providerID string, amount int64) []byte {
	b, _ := json.Marshal(payment.Notification{ID: id, Event: event, CreatedAt: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC),
		Payment: payment.ProviderPayment{ID: providerID, Amount: amount, PaidAt: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}})
	return b
}

func TestNotificationRefusals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		citizen := f.citizen(t)
		uin := f.fee(t, citizen, 50000)
		p, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-1")
		if err != nil {
			t.Fatal(err)
		}
		now := f.clock.Now()
		good := notification("ntf-1", payment.EventSucceeded, p.ProviderID, 50000)
		tampered := strings.Replace(string(good), "50000", "5000", 1)
		for _, tc := range []struct {
			name     string
			body     []byte
			header   http.Header
			wantCode okno.ErrorCode
			wantKey  string
		}{
			{"unsigned", good, http.Header{}, okno.EUNAUTHORIZED, "payment.notification_unsigned"},
			{"signed with another secret", good, signed([]byte("not-the-secret"), now, good), okno.EUNAUTHORIZED, "payment.notification_bad_signature"},
			{"body changed after signing", []byte(tampered), signed(notifySecret, now, good), okno.EUNAUTHORIZED, "payment.notification_bad_signature"},
			{"signature not hex", good, http.Header{payment.HeaderTimestamp: {strconv.FormatInt(now.Unix(), 10)}, payment.HeaderSignature: {"v1=zz"}}, okno.EUNAUTHORIZED, "payment.notification_bad_signature"},
			{"stale timestamp", good, signed(notifySecret, now.Add(-6*time.Minute), good), okno.EUNAUTHORIZED, "payment.notification_stale"},
			{"timestamp in the future", good, signed(notifySecret, now.Add(6*time.Minute), good), okno.EUNAUTHORIZED, "payment.notification_stale"},
			{"not JSON", []byte("{"), signed(notifySecret, now, []byte("{")), okno.EINVALID, "payment.notification_malformed"},
			{"negative amount", notification("ntf-2", payment.EventSucceeded, p.ProviderID, -50000), nil, okno.EINVALID, "error.invalid"},
			{"absurd amount", notification("ntf-3", payment.EventSucceeded, p.ProviderID, payment.MaxAmount+1), nil, okno.EINVALID, "error.invalid"},
			{"unknown event", notification("ntf-4", "payment.teleported", p.ProviderID, 50000), nil, okno.EINVALID, "error.invalid"},
			{"no notification ID", notification("", payment.EventSucceeded, p.ProviderID, 50000), nil, okno.EINVALID, "error.invalid"},
			{"unknown payment", notification("ntf-5", payment.EventSucceeded, "pd_nobody", 50000), nil, okno.ENOTFOUND, "payment.not_found"},
			{"amount differs from ours", notification("ntf-6", payment.EventSucceeded, p.ProviderID, 40000), nil, okno.ECONFLICT, "payment.amount_mismatch"},
			{"too large", []byte(strings.Repeat(" ", payment.MaxNotification+1)), nil, okno.EINVALID, "payment.notification_too_large"},
		} {
			h := tc.header
			if h == nil {
				h = signed(notifySecret, now, tc.body)
			}
			_, err := f.svc.HandleNotification(ctx, tc.body, h)
			if okno.ErrorCodeOf(err) != tc.wantCode || key(err) != tc.wantKey {
				t.Errorf("%s: got %v, want %s %s", tc.name, err, tc.wantCode, tc.wantKey)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM payment_notifications`); n != 0 {
			t.Errorf("refused notifications recorded: %d", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM payments WHERE status = 'pending'`); n != 1 {
			t.Errorf("the payment moved on refused notifications")
		}

		// The genuine one is taken; the same notification again (a fresh
		// signature) changes nothing; a pending sent before it and
		// arriving after changes nothing.
		out, err := f.svc.HandleNotification(ctx, good, signed(notifySecret, now, good))
		if err != nil || out.Status != payment.StatusSucceeded || out.Duplicate || out.Late {
			t.Fatalf("genuine: got %+v, %v", out, err)
		}
		f.clock.Add(time.Minute)
		out, err = f.svc.HandleNotification(ctx, good, signed(notifySecret, f.clock.Now(), good))
		if err != nil || !out.Duplicate {
			t.Errorf("resent: got %+v, %v; want a duplicate", out, err)
		}
		late := notification("ntf-0", payment.EventPending, p.ProviderID, 50000)
		out, err = f.svc.HandleNotification(ctx, late, signed(notifySecret, f.clock.Now(), late))
		if err != nil || !out.Late || out.Status != payment.StatusSucceeded {
			t.Errorf("pending after succeeded: got %+v, %v; want late, still succeeded", out, err)
		}
		// A captured notification replayed once the window has passed.
		f.clock.Add(10 * time.Minute)
		if _, err := f.svc.HandleNotification(ctx, good, signed(notifySecret, now, good)); key(err) != "payment.notification_stale" {
			t.Errorf("replayed after the window: got %v, want payment.notification_stale", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM accrual_payments`); n != 1 {
			t.Errorf("accrual payments: got %d, want 1", n)
		}
	})
}

func TestPaymentForAccrualAnnulledMeanwhileNeedsRefund(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		citizen := f.citizen(t)
		uin := f.fee(t, citizen, 50000)
		p, err := f.svc.Start(ctx, citizen, uin, returnURL, "k-1")
		if err != nil {
			t.Fatal(err)
		}
		// The accrual is annulled while the citizen is at the provider.
		if _, err := db.ExecContext(ctx, `UPDATE accruals SET status = 'annulled' WHERE uin = ?`, uin); err != nil {
			t.Fatal(err)
		}
		f.choose(t, p, "pay")
		f.demo.Deliver(ctx)
		got, err := f.svc.Return(ctx, citizen, p.ID)
		if err != nil || got.Status != payment.StatusSucceeded || got.AccrualMarked || !got.NeedsRefund {
			t.Fatalf("got %+v, %v; want succeeded, not marked, needs refund", got, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM outbox WHERE topic = ?`, payment.TopicNeedsRefund); n != 1 {
			t.Errorf("%s messages: got %d, want 1", payment.TopicNeedsRefund, n)
		}
	})
}
