package payment

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// The notification protocol. The provider POSTs a JSON Notification to
// Okno with two headers: the Unix time it signed at, and
// "v1=" + hex(HMAC-SHA-256(secret, timestamp + "." + body)). Signing the
// timestamp with the body is what makes the replay window hold: an old
// notification cannot be given a fresh timestamp without the secret.
const (
	HeaderTimestamp = "Okno-Pay-Timestamp"
	HeaderSignature = "Okno-Pay-Signature"
	// MaxNotification bounds a notification's body.
	MaxNotification = 64 << 10
	maxID           = 100
)

// The notification events.
const (
	EventPending   = "payment.pending"
	EventSucceeded = "payment.succeeded"
	EventFailed    = "payment.failed"
	EventCancelled = "payment.cancelled"
	EventRefund    = "refund.succeeded"
)

// eventStatus is the status each payment event reports.
var eventStatus = map[string]Status{
	EventPending:   StatusPending,
	EventSucceeded: StatusSucceeded,
	EventFailed:    StatusFailed,
	EventCancelled: StatusCancelled,
}

// Notification is what the provider says happened.
type Notification struct {
	ID        string          `json:"id"` // unique per notification; a resend keeps it
	Event     string          `json:"event"`
	CreatedAt time.Time       `json:"created_at"`
	Payment   ProviderPayment `json:"payment"`
	Refund    *ProviderRefund `json:"refund,omitempty"` // for EventRefund
}

// Header is how a door hands over a request's headers (http.Header has it).
type Header interface {
	Get(key string) string
}

// Sign returns the signature header's value for body signed at ts.
func Sign(secret []byte, ts time.Time, body []byte) string {
	return "v1=" + hex.EncodeToString(mac(secret, strconv.FormatInt(ts.Unix(), 10), body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a notification's signature and timestamp at now, and
// decodes it. Every refusal is EUNAUTHORIZED or EINVALID with its own key,
// and nothing is read from the body before the signature holds.
func Verify(secret, body []byte, h Header, now time.Time, window time.Duration) (Notification, error) {
	var n Notification
	if len(body) > MaxNotification {
		return n, okno.Errorf(okno.EINVALID, "payment.notification_too_large", MaxNotification/1024)
	}
	ts, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return n, okno.Errorf(okno.EUNAUTHORIZED, "payment.notification_unsigned")
	}
	got, err := hex.DecodeString(strings.TrimPrefix(sig, "v1="))
	if err != nil || !strings.HasPrefix(sig, "v1=") || !hmac.Equal(got, mac(secret, ts, body)) {
		return n, okno.Errorf(okno.EUNAUTHORIZED, "payment.notification_bad_signature")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return n, okno.Errorf(okno.EUNAUTHORIZED, "payment.notification_bad_signature")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > window || d < -window {
		return n, okno.Errorf(okno.EUNAUTHORIZED, "payment.notification_stale", int(window.Minutes()))
	}
	if err := json.Unmarshal(body, &n); err != nil {
		return n, okno.Wrap(okno.EINVALID, "payment.notification_malformed", err)
	}
	return n, n.check()
}

// check validates a decoded notification, naming fields.
func (n Notification) check() error {
	var fe okno.FieldErrors
	if n.ID == "" || len(n.ID) > maxID {
		fe.Add("id", "payment.notification_id")
	}
	if n.Payment.ID == "" || len(n.Payment.ID) > maxID {
		fe.Add("payment.id", "payment.notification_id")
	}
	if n.Payment.Amount <= 0 || n.Payment.Amount > MaxAmount {
		fe.Add("payment.amount", "payment.amount_absurd", MaxAmount/100)
	}
	switch {
	case n.Event == EventRefund:
		if n.Refund == nil || n.Refund.ID == "" || len(n.Refund.ID) > maxID {
			fe.Add("refund.id", "payment.notification_id")
		} else if n.Refund.Amount <= 0 || n.Refund.Amount > n.Payment.Amount {
			fe.Add("refund.amount", "payment.refund_amount")
		}
	case eventStatus[n.Event] == "":
		fe.Add("event", "payment.notification_event")
	}
	return fe.Err()
}

// Outcome says what a notification did.
type Outcome struct {
	PaymentID int64
	Status    Status // the payment's status after it
	Duplicate bool   // seen before (same notification ID): nothing changed
	Late      bool   // it would move the payment backwards: recorded, nothing changed
}

// HandleNotification verifies a notification from the provider (the raw
// body and the request's headers) and applies it in one transaction:
// the payment moves forward if the notification moves it forward; on the
// first success the accrual is marked paid, the action audited, and
// TopicSucceeded enqueued. A duplicate or a late notification changes
// nothing but is acknowledged (the provider stops resending); a refused
// one (bad signature, stale, unknown payment, wrong amount) changes
// nothing and is an error, which the door answers with 4xx.
func (s *Service) HandleNotification(ctx context.Context, body []byte, h Header) (Outcome, error) {
	n, err := Verify(s.d.NotifySecret, body, h, s.d.Now(), s.d.ReplayWindow)
	if err != nil {
		return Outcome{}, err
	}
	var out Outcome
	// Notifications come in bursts and each is independent of the others:
	// on SQLite (one writer) they share commits, each in its savepoint. Not
	// on PostgreSQL: a group holds its units' row locks (payment, accrual,
	// audit head) until its commit, and concurrent groups taking them in
	// different orders could deadlock; there each commits on its own.
	inTx := s.d.DB.InTx
	if s.d.DB.Dialect() == sqldb.SQLite {
		inTx = s.d.DB.InTxGroup
	}
	err = inTx(ctx, func(tx *sqldb.Tx) error {
		p, err := s.lockByProviderID(ctx, tx, n.Payment.ID)
		if err != nil {
			return err
		}
		if p.Amount != n.Payment.Amount {
			return okno.Errorf(okno.ECONFLICT, "payment.amount_mismatch", p.ID)
		}
		out = Outcome{PaymentID: p.ID, Status: p.Status}
		r, err := tx.ExecContext(ctx, `INSERT INTO payment_notifications (notification_id, payment_id, event, applied, received_at)
			VALUES (?, ?, ?, FALSE, ?) ON CONFLICT (notification_id) DO NOTHING`, n.ID, p.ID, n.Event, s.now())
		if err != nil {
			return err
		}
		if k, _ := r.RowsAffected(); k == 0 {
			out.Duplicate = true
			return nil
		}
		ch := change{to: eventStatus[n.Event], paidAt: n.Payment.PaidAt, refund: n.Refund}
		before := p
		moved, err := s.advanceTx(ctx, tx, &p, ch)
		if err != nil {
			return err
		}
		out.Status = p.Status
		if !moved {
			out.Late = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_notifications SET applied = TRUE WHERE notification_id = ?`, n.ID); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, okno.System, "payment.notification", before, p)
	})
	return out, err
}
