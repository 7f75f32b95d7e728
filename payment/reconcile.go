package payment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// maxStatement bounds the lines of a provider's statement taken in one
// reconciliation; a region's day is far below it.
const maxStatement = 1_000_000

// Difference is one line where we and the provider disagree.
type Difference struct {
	Kind        string `json:"kind"`        // "payment" or "refund"
	ProviderID  string `json:"provider_id"` // the payment's or the refund's ID at the provider
	PaymentID   int64  `json:"payment_id,omitempty"`
	OurAmount   int64  `json:"our_amount,omitempty"`
	TheirAmount int64  `json:"their_amount,omitempty"`
	OurStatus   Status `json:"our_status,omitempty"` // for a payment we hold but not as paid
}

// Reconciliation compares our payments and refunds of a day with the
// provider's statement of it.
type Reconciliation struct {
	ID            int64        `json:"id"`
	Day           string       `json:"day"`
	Matched       int          `json:"matched"`
	MissingOurs   []Difference `json:"missing_ours"`   // in the statement, not paid here: a notification was lost
	MissingTheirs []Difference `json:"missing_theirs"` // paid here, not in the statement
	Mismatched    []Difference `json:"mismatched"`     // in both, amounts differ
	CreatedAt     time.Time    `json:"created_at"`
}

// Clean reports whether we and the provider agree on everything.
func (r Reconciliation) Clean() bool {
	return len(r.MissingOurs)+len(r.MissingTheirs)+len(r.Mismatched) == 0
}

// mayReconcile lets administrators and the system (a nightly job) in.
func mayReconcile(actor okno.Actor) error {
	if actor.Kind == okno.ActorSystem || (actor.Kind == okno.ActorStaff && actor.Has(okno.RoleAdmin)) {
		return nil
	}
	return okno.Errorf(okno.EFORBIDDEN, "payment.reconcile_forbidden")
}

// ourLine is a payment or refund as we hold it.
type ourLine struct {
	paymentID int64
	amount    int64
	status    Status
}

// Reconcile compares our payments and refunds of day (YYYY-MM-DD, Moscow
// time) with the provider's statement, and stores the report. It changes
// no payment: a difference is for a person to look into (a payment
// missing on our side is usually a notification that never came; the
// return page or the next notification settles it).
func (s *Service) Reconcile(ctx context.Context, actor okno.Actor, day string) (Reconciliation, error) {
	if err := mayReconcile(actor); err != nil {
		return Reconciliation{}, err
	}
	from, to, ok := DayBounds(day)
	if !ok {
		return Reconciliation{}, okno.Invalid(okno.FieldError{Field: "day", Key: "payment.day_format"})
	}
	st, err := s.d.Provider.Statement(ctx, from)
	if err != nil {
		return Reconciliation{}, okno.Wrap(okno.EINTERNAL, "payment.provider_unavailable", err)
	}
	if len(st.Payments)+len(st.Refunds) > maxStatement {
		return Reconciliation{}, okno.Errorf(okno.EINVALID, "payment.statement_too_large", maxStatement)
	}
	ours, err := s.ourLines(ctx, `SELECT provider_id, id, amount, status FROM payments WHERE paid_at >= ? AND paid_at < ?`, from.UTC(), to.UTC())
	if err != nil {
		return Reconciliation{}, err
	}
	ourRefunds, err := s.ourLines(ctx, `SELECT r.provider_refund_id, r.payment_id, r.amount, '' FROM payment_refunds r
		WHERE r.refunded_at >= ? AND r.refunded_at < ?`, from.UTC(), to.UTC())
	if err != nil {
		return Reconciliation{}, err
	}
	rep := Reconciliation{Day: day, MissingOurs: []Difference{}, MissingTheirs: []Difference{}, Mismatched: []Difference{}}
	for _, t := range st.Payments {
		o, found := ours[t.ID]
		if !found {
			// Not paid that day here: perhaps held as pending (the
			// notification was lost), perhaps unknown.
			o, err = s.ourByProviderID(ctx, t.ID)
			if err != nil {
				return Reconciliation{}, err
			}
		}
		delete(ours, t.ID)
		rep.compare("payment", t.ID, t.Amount, o, found && o.status.Paid())
	}
	for _, t := range st.Refunds {
		o, found := ourRefunds[t.ID]
		delete(ourRefunds, t.ID)
		rep.compare("refund", t.ID, t.Amount, o, found)
	}
	for kind, left := range map[string]map[string]ourLine{"payment": ours, "refund": ourRefunds} {
		for id, o := range left {
			rep.MissingTheirs = append(rep.MissingTheirs, Difference{Kind: kind, ProviderID: id, PaymentID: o.paymentID, OurAmount: o.amount, OurStatus: o.status})
		}
	}
	for _, d := range [][]Difference{rep.MissingOurs, rep.MissingTheirs, rep.Mismatched} {
		slices.SortFunc(d, func(a, b Difference) int { return cmpDiff(a, b) })
	}
	return rep, s.storeReconciliation(ctx, actor, &rep)
}

// compare files one statement line against what we hold (o, paid says
// whether we hold it as taken).
func (r *Reconciliation) compare(kind, id string, their int64, o ourLine, paid bool) {
	d := Difference{Kind: kind, ProviderID: id, PaymentID: o.paymentID, OurAmount: o.amount, TheirAmount: their, OurStatus: o.status}
	switch {
	case !paid:
		r.MissingOurs = append(r.MissingOurs, d)
	case o.amount != their:
		r.Mismatched = append(r.Mismatched, d)
	default:
		r.Matched++
	}
}

func cmpDiff(a, b Difference) int {
	if a.Kind != b.Kind {
		if a.Kind < b.Kind {
			return -1
		}
		return 1
	}
	switch {
	case a.ProviderID < b.ProviderID:
		return -1
	case a.ProviderID > b.ProviderID:
		return 1
	}
	return 0
}

// ourLines reads (provider ID → line) rows of a query.
func (s *Service) ourLines(ctx context.Context, q string, args ...any) (map[string]ourLine, error) {
	rows, err := s.d.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("payment: reconcile: %w", err)
	}
	defer rows.Close()
	out := map[string]ourLine{}
	for rows.Next() {
		var id, status string
		var l ourLine
		if err := rows.Scan(&id, &l.paymentID, &l.amount, &status); err != nil {
			return nil, err
		}
		l.status = Status(status)
		out[id] = l
	}
	return out, rows.Err()
}

// ourByProviderID reads a payment's line by its provider ID; a zero line
// when we hold none.
func (s *Service) ourByProviderID(ctx context.Context, id string) (ourLine, error) {
	var l ourLine
	var status string
	err := s.d.DB.QueryRowContext(ctx, `SELECT id, amount, status FROM payments WHERE provider_id = ?`, id).Scan(&l.paymentID, &l.amount, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return ourLine{}, nil
	}
	if err != nil {
		return l, err
	}
	l.status = Status(status)
	return l, nil
}

// storeReconciliation writes the report with its audit entry.
func (s *Service) storeReconciliation(ctx context.Context, actor okno.Actor, r *Reconciliation) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	r.CreatedAt = s.now()
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO payment_reconciliations (day, matched, missing_ours, missing_theirs, mismatched, report, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Day, r.Matched, len(r.MissingOurs), len(r.MissingTheirs), len(r.Mismatched),
			string(body), r.CreatedAt).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("payment: store reconciliation: %w", err)
		}
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "payment.reconcile",
			ObjectType: "payment_reconciliation", ObjectID: fmt.Sprint(r.ID), After: audit.Digest(body)})
		return err
	})
}

// Reconciliations lists the stored reports of a day, newest first.
func (s *Service) Reconciliations(ctx context.Context, actor okno.Actor, day string) ([]Reconciliation, error) {
	if err := mayReconcile(actor); err != nil {
		return nil, err
	}
	if _, _, ok := DayBounds(day); !ok {
		return nil, okno.Invalid(okno.FieldError{Field: "day", Key: "payment.day_format"})
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT id, report, created_at FROM payment_reconciliations WHERE day = ? ORDER BY id DESC LIMIT 100`, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reconciliation
	for rows.Next() {
		var r Reconciliation
		var body string
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &body, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, fmt.Errorf("payment: stored reconciliation %d: %w", id, err)
		}
		r.ID, r.CreatedAt = id, at.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
