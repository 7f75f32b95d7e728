package accrual

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// maxPaymentRef bounds a payment's reference.
const maxPaymentRef = 100

// PaymentResult says what MarkPaidTx did.
type PaymentResult struct {
	Accrual   Accrual // as it stands after the payment
	Duplicate bool    // the payment was recorded before; nothing changed
}

// MarkPaidTx records a payment of amount kopecks against the accrual uin,
// within the caller's transaction (the payments package's, which audits
// its own action). Each paymentRef counts exactly once: the same payment
// again — a repeated or reordered notification, even racing the first —
// changes nothing and reports Duplicate. Payments accumulate (partially
// paid, then paid once the amount due at the time of payment is covered,
// the discount counting while it runs); what is paid beyond the amount is
// kept (Overpaid) for a refund. A payment against an annulled accrual is
// refused with ECONFLICT and nothing is recorded.
func (s *Service) MarkPaidTx(ctx context.Context, tx *sqldb.Tx, uin string, amount int64, paymentRef string) (PaymentResult, error) {
	var res PaymentResult
	var fe okno.FieldErrors
	if key := UINProblem(uin); key != "" {
		fe.Add("uin", key)
	}
	checkAmount("amount", amount, &fe)
	if paymentRef == "" || len(paymentRef) > maxPaymentRef {
		fe.Add("payment_ref", "accrual.payment_ref_required", maxPaymentRef)
	}
	if err := fe.Err(); err != nil {
		return res, err
	}
	// Lock the accrual first (PostgreSQL), so that concurrent payments of
	// it — the same one twice included — queue here and each sees what the
	// one before recorded. SQLite has one writer already.
	where := `uin = ?`
	if tx.Dialect() == sqldb.Postgres {
		where += ` FOR UPDATE`
	}
	a, err := s.get(ctx, tx, where, uin)
	if err != nil {
		return res, err
	}
	var prevID, prevAmount int64
	err = tx.QueryRowContext(ctx, `SELECT accrual_id, amount FROM accrual_payments WHERE payment_ref = ?`, paymentRef).Scan(&prevID, &prevAmount)
	switch {
	case err == nil:
		if prevID != a.ID || prevAmount != amount {
			return res, okno.Invalid(okno.FieldError{Field: "payment_ref", Key: "accrual.payment_ref_conflict"})
		}
		return PaymentResult{Accrual: a, Duplicate: true}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return res, fmt.Errorf("accrual: find payment: %w", err)
	}
	if a.Status == StatusAnnulled {
		return res, &okno.Error{Code: okno.ECONFLICT, Key: "accrual.annulled", Args: []any{uin},
			Fields: []okno.FieldError{{Field: "uin", Key: "accrual.annulled", Args: []any{uin}}}}
	}
	now := s.now()
	r, err := tx.ExecContext(ctx, `INSERT INTO accrual_payments (payment_ref, accrual_id, amount, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (payment_ref) DO NOTHING`, paymentRef, a.ID, amount, now)
	if err != nil {
		return res, fmt.Errorf("accrual: record payment: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		// Another transaction recorded this payment between our read and
		// our insert (a duplicate not serialised by the row lock).
		return PaymentResult{Accrual: a, Duplicate: true}, nil
	}
	a.Paid += amount
	a.Status = statusAfterPayment(a, now)
	a.UpdatedAt = now
	if _, err := tx.ExecContext(ctx, `UPDATE accruals SET paid = ?, status = ?, settled = ?, updated_at = ? WHERE id = ?`,
		a.Paid, string(a.Status), settled(a.Status), now, a.ID); err != nil {
		return res, fmt.Errorf("accrual: mark paid: %w", err)
	}
	if err := insertHistory(ctx, tx, a.Source, 0, []historyRow{{uin: a.UIN, kind: "payment", seq: a.Seq, status: a.Status, amount: amount}}, now); err != nil {
		return res, err
	}
	return PaymentResult{Accrual: a}, nil
}
