// Package payment takes payments of accruals (state fees, fines) through a
// payment provider, the way real gateways work (GOV.UK Pay, ЮKassa, bank
// acquiring): Okno creates a payment at the provider with an idempotency
// key and sends the citizen to the provider's page; the provider sends them
// back to a return URL and confirms the outcome by signed notifications
// (webhooks); refunds and a daily statement for reconciliation follow.
//
// The rule this package exists for: an accrual is marked paid exactly once
// per payment, whatever the notifications do — repeat, arrive out of
// order, race each other, or never come (the return page then asks the
// provider). A payment's status only moves forward.
//
// The package never imports net/http: a web door passes a notification's
// raw body and headers to HandleNotification, and a provider adapter (the
// demo's is paydemo.Client) implements Provider. It keeps no personal
// data: payments hold a УИН, amounts, IDs and statuses.
package payment

import (
	"context"
	"time"

	"github.com/okno/okno/audit"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// Status is where a payment stands. The names follow ЮKassa and GOV.UK Pay.
type Status string

// The statuses, in the order a payment moves through them.
const (
	StatusCreated   Status = "created"   // written here; the provider not yet answered
	StatusPending   Status = "pending"   // the citizen was sent to the provider's page
	StatusSucceeded Status = "succeeded" // the money is taken
	StatusFailed    Status = "failed"    // the bank or the provider refused
	StatusCancelled Status = "cancelled" // the citizen gave up, or the payment expired
	StatusPartly    Status = "partially_refunded"
	StatusRefunded  Status = "refunded"
)

// rank orders statuses along the only way a payment moves.
func rank(s Status) int {
	switch s {
	case StatusCreated:
		return 0
	case StatusPending:
		return 1
	case StatusSucceeded, StatusFailed, StatusCancelled:
		return 2
	case StatusPartly:
		return 3
	case StatusRefunded:
		return 4
	}
	return -1
}

// Forward reports whether a payment may move from one status to another:
// only forward, never out of failed or cancelled, and refunds only after
// success. A notification that would move a payment any other way arrived
// late, and changes nothing.
func Forward(from, to Status) bool {
	if rank(to) <= rank(from) || from == StatusFailed || from == StatusCancelled {
		return false
	}
	return true
}

// Paid reports whether the money was taken (refunds included).
func (s Status) Paid() bool {
	return s == StatusSucceeded || s == StatusPartly || s == StatusRefunded
}

// Final reports whether the provider will not change the outcome any more
// (refunds aside): the return page stops asking.
func (s Status) Final() bool { return rank(s) >= 2 }

// Payment is one attempt to pay an accrual.
type Payment struct {
	ID              int64
	UIN             string
	CaseID          int64 // the case the accrual belongs to; 0: none
	PayeeOrgID      int64
	PayerUserID     int64 // the citizen who started it
	IdempotencyKey  string
	Amount          int64 // kopecks
	Refunded        int64 // kopecks
	Status          Status
	ProviderID      string // "" until the provider answered
	ConfirmationURL string // the provider's page to send the citizen to
	AccrualMarked   bool   // the accrual was marked paid by this payment
	NeedsRefund     bool   // paid, but the accrual could not take it (annulled meanwhile)
	PaidAt          time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// MaxAmount is the largest payment accepted, in kopecks (100 million
// roubles, as for accruals): anything larger is a mistake, not a fee.
const MaxAmount int64 = 100_000_000_00

// Charge is what an accrual asks to be paid at a moment.
type Charge struct {
	Amount     int64 // kopecks due now (the discount counted); 0: nothing due
	Annulled   bool
	Purpose    string // shown on the provider's page
	CaseID     int64  // 0: not tied to a case
	PayeeOrgID int64
}

// Accruals is what payments need of accruals (package accrual behind an
// adapter in app).
type Accruals interface {
	// Due says what the accrual uin asks to be paid at t; ENOTFOUND if
	// there is none.
	Due(ctx context.Context, uin string, at time.Time) (Charge, error)
	// MarkPaidTx records amount paid against uin in the caller's
	// transaction, once per paymentRef (a repeat is a no-op); ECONFLICT
	// when the accrual is annulled.
	MarkPaidTx(ctx context.Context, tx *sqldb.Tx, uin string, amount int64, paymentRef string) error
}

// Deps is what the service needs.
type Deps struct {
	DB       *sqldb.DB
	Audit    audit.Appender
	Outbox   *outbox.Queue
	Accruals Accruals
	Provider Provider
	// NotifySecret is the key the provider signs notifications with
	// (HMAC-SHA-256); from configuration, never from the database.
	NotifySecret []byte
	// ReplayWindow is how old (or how far ahead) a notification's
	// timestamp may be; default 5 minutes. Older ones are refused as
	// replays: a captured notification cannot be sent again later.
	ReplayWindow time.Duration
	Now          func() time.Time // nil: time.Now
}

// Service takes payments.
type Service struct {
	d Deps
}

// New builds the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ReplayWindow <= 0 {
		d.ReplayWindow = 5 * time.Minute
	}
	return &Service{d: d}
}

// now is the service's clock in the form every table stores.
func (s *Service) now() time.Time { return sqldb.Now(s.d.Now()) }

// The outbox topics this package writes. Payloads hold IDs and amounts only.
const (
	// TopicSucceeded: a payment was taken and its accrual marked paid.
	// Payload: Event. The case engine acts on it for the case (see Event).
	TopicSucceeded = "payment.succeeded"
	// TopicRefunded: money was returned. Payload: Event.
	TopicRefunded = "payment.refunded"
	// TopicNeedsRefund: money arrived for an accrual that was annulled
	// meanwhile; staff must refund it. Payload: Event.
	TopicNeedsRefund = "payment.needs_refund"
)

// Event is the payload of this package's outbox messages.
type Event struct {
	PaymentID int64  `json:"payment_id"`
	UIN       string `json:"uin"`
	CaseID    int64  `json:"case_id,omitempty"`
	Amount    int64  `json:"amount"`             // the payment's amount, kopecks
	Refunded  int64  `json:"refunded,omitempty"` // kopecks returned so far
}
