// Package accrual keeps accruals (начисления): charges a citizen or a
// business owes the state — state fees issued by a process action, fines
// imported from several issuers — each named by a УИН, with its payer,
// payee, amount in kopecks, discount with an expiry, status and history;
// and the documents (driving licence, vehicle registration certificate) a
// citizen registers to see every fine issued against them.
//
// Document numbers are personal data: they are sealed with vault before
// they reach SQL and found by their HMAC blind index; they never appear in
// logs, audit entries or history rows. The package never imports net/http:
// a web door passes a push's body and signature header to Push.
package accrual

import (
	"time"

	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// Status is where an accrual stands.
type Status string

// The statuses, as ГИС ГМП names them.
const (
	StatusNew       Status = "new"
	StatusClarified Status = "clarified" // changed by its issuer after it was issued
	StatusAnnulled  Status = "annulled"
	StatusPaid      Status = "paid"
	StatusPartly    Status = "partially_paid"
)

// Kind says what an accrual is for.
type Kind string

// The kinds.
const (
	KindFee  Kind = "fee"  // a state fee (госпошлина) issued by Okno for a case
	KindFine Kind = "fine" // a fine imported from its issuer
)

// MaxAmount is the largest amount accepted, in kopecks (100 million
// roubles): anything above is a typo or a unit mistake (roubles sent as
// kopecks the other way round), not a charge a citizen's portal shows.
const MaxAmount int64 = 100_000_000_00

// DiscountKind says how a discount is given.
type DiscountKind string

// The discount kinds.
const (
	DiscountNone    DiscountKind = ""
	DiscountPercent DiscountKind = "percent" // Value is a share of the amount, 1..99 percent
	DiscountFixed   DiscountKind = "fixed"   // Value is kopecks off, less than the amount
)

// Discount lowers what is due while it lasts: e.g. 50% off a traffic fine
// paid within 20 days of the decision (КоАП art. 32.2 part 1.3).
type Discount struct {
	Kind  DiscountKind
	Value int64
	Until time.Time // the discount applies to payments before this instant
}

// Active reports whether the discount applies at t.
func (d Discount) Active(t time.Time) bool {
	return d.Kind != DiscountNone && t.Before(d.Until)
}

// off is what the discount takes off amount while it is active.
func (d Discount) off(amount int64) int64 {
	switch d.Kind {
	case DiscountPercent:
		return amount * d.Value / 100
	case DiscountFixed:
		return min(d.Value, amount)
	}
	return 0
}

// Payer is who owes an accrual: a citizen's account and/or the documents
// the issuer names. Licence and STS are personal data.
type Payer struct {
	UserID  int64  // 0: not known to be one of our accounts
	Licence string // driving licence number (водительское удостоверение), normalised
	STS     string // vehicle registration certificate number (СТС), normalised
}

// Accrual is one charge.
type Accrual struct {
	ID         int64
	UIN        string
	Source     string // issuer code, e.g. "gibdd"; "okno" for fees issued here
	Kind       Kind
	Status     Status
	Seq        int64 // the issuer's sequence of the last change applied
	Payer      Payer // documents are filled only where the reader may see them
	PayeeOrgID int64
	Purpose    string
	Article    string // the article of the КоАП, for fines
	Place      string // where the offence happened, for fines
	Amount     int64  // kopecks
	Paid       int64  // kopecks paid so far
	Discount   Discount
	BillDate   time.Time // the decision's or the bill's date
	DueDate    time.Time // zero: none
	CaseID     int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Base is what is owed in all at t: the amount less the discount while it
// applies.
func (a Accrual) Base(t time.Time) int64 {
	if a.Discount.Active(t) {
		return a.Amount - a.Discount.off(a.Amount)
	}
	return a.Amount
}

// AmountDue is what remains to pay at t: nothing for an annulled or paid
// accrual; otherwise the base at t less what has been paid.
func (a Accrual) AmountDue(t time.Time) int64 {
	if a.Status == StatusAnnulled || a.Status == StatusPaid {
		return 0
	}
	return max(0, a.Base(t)-a.Paid)
}

// Overpaid is what was paid beyond the full amount (a refund is due).
func (a Accrual) Overpaid() int64 { return max(0, a.Paid-a.Amount) }

// DiscountDaysLeft counts the days left to pay with the discount at t: 0
// when there is none, it has expired or nothing is due; a part of a day
// counts as a day.
func (a Accrual) DiscountDaysLeft(t time.Time) int {
	if !a.Discount.Active(t) || settled(a.Status) {
		return 0
	}
	d := a.Discount.Until.Sub(t)
	return int((d + 24*time.Hour - 1) / (24 * time.Hour))
}

// settled reports whether nothing more is expected of the payer.
func settled(s Status) bool { return s == StatusPaid || s == StatusAnnulled }

// statusAfterPayment is the status of an accrual that is not annulled,
// with a.Paid paid, judged at t (a discount counts while it runs).
func statusAfterPayment(a Accrual, t time.Time) Status {
	switch {
	case a.Paid <= 0:
		return a.Status
	case a.Paid >= a.Base(t):
		return StatusPaid
	}
	return StatusPartly
}

// Source is an issuer Okno takes fines from. Secret signs its pushes
// (HMAC-SHA-256 over the body); it comes from configuration, never from
// the database.
type Source struct {
	Code   string // e.g. "gibdd", "ampp"
	Name   string
	OrgID  int64 // the payee organisation; 0: none of ours
	Secret []byte
}

// Deps is what the service needs.
type Deps struct {
	DB     *sqldb.DB
	Sealer vault.Sealer
	Audit  audit.Appender
	Now    func() time.Time // nil: time.Now
	// Sources are the issuers fines may come from; any other is refused.
	Sources []Source
	// UINPrefix is the eight digits that start the УИНs Okno issues for
	// state fees (the administrator's code); default "00000000".
	UINPrefix string
	// BatchSize is how many records one import transaction applies;
	// default 5000.
	BatchSize int
}

// Service keeps accruals.
type Service struct {
	d       Deps
	sources map[string]Source
}

// New builds the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if len(d.UINPrefix) != 8 {
		d.UINPrefix = "00000000"
	}
	if d.BatchSize <= 0 {
		d.BatchSize = 5000
	}
	s := &Service{d: d, sources: map[string]Source{}}
	for _, src := range d.Sources {
		s.sources[src.Code] = src
	}
	return s
}

// now is the service's clock in the form every table stores.
func (s *Service) now() time.Time { return sqldb.Now(s.d.Now()) }

// SealedColumns names every column this package seals, for vault.Rotate.
func SealedColumns() []vault.Column {
	return []vault.Column{
		{Table: "accruals", IDColumn: "id", Column: "payer_enc"},
		{Table: "citizen_documents", IDColumn: "id", Column: "number_enc"},
	}
}
