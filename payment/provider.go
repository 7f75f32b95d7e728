package payment

import (
	"context"
	"time"
)

// Provider is a payment gateway, as Okno uses it. Every call that creates
// something carries an idempotency key: the same key again returns what
// the first call made, so a retry after a timeout never charges or refunds
// twice. Adapters return errors that wrap their cause; the service turns
// them into a safe message.
type Provider interface {
	// Create registers a payment and returns where to send the citizen.
	Create(ctx context.Context, r CreateRequest) (ProviderPayment, error)
	// Get returns the payment as the provider sees it now.
	Get(ctx context.Context, providerID string) (ProviderPayment, error)
	// Refund returns amount kopecks of a succeeded payment (all of what
	// remains or a part).
	Refund(ctx context.Context, providerID string, amount int64, idempotencyKey string) (ProviderRefund, error)
	// Statement lists the payments taken and the refunds made on a day
	// (Moscow time), for reconciliation.
	Statement(ctx context.Context, day time.Time) (Statement, error)
}

// CreateRequest is a payment to create at the provider.
type CreateRequest struct {
	IdempotencyKey string
	Amount         int64 // kopecks
	Description    string
	ReturnURL      string
	Metadata       map[string]string // echoed in notifications: our payment ID and the УИН
}

// ProviderPayment is a payment as the provider reports it.
type ProviderPayment struct {
	ID              string    `json:"id"`
	Status          Status    `json:"status"`
	Amount          int64     `json:"amount"`
	Refunded        int64     `json:"refunded"`
	ConfirmationURL string    `json:"confirmation_url,omitempty"`
	PaidAt          time.Time `json:"paid_at,omitzero"`
	CreatedAt       time.Time `json:"created_at"`
}

// ProviderRefund is a refund as the provider reports it.
type ProviderRefund struct {
	ID        string    `json:"id"`
	PaymentID string    `json:"payment_id"`
	Amount    int64     `json:"amount"`
	CreatedAt time.Time `json:"created_at"`
}

// Statement is the provider's account of a day.
type Statement struct {
	Day      string            `json:"date"` // YYYY-MM-DD
	Payments []ProviderPayment `json:"payments"`
	Refunds  []ProviderRefund  `json:"refunds"`
}

// Moscow is the time zone days are counted in (a statement's day, a
// reconciliation's). A fixed offset: Russia has kept UTC+3 since 2014, and
// it spares the binary a time zone database.
var Moscow = time.FixedZone("MSK", 3*60*60)

// DayBounds returns the instants a day (YYYY-MM-DD, Moscow time) starts
// and ends at; ok is false for anything that is not such a date.
func DayBounds(day string) (from, to time.Time, ok bool) {
	d, err := time.ParseInLocation(time.DateOnly, day, Moscow)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	return d, d.AddDate(0, 0, 1), true
}
