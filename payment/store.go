package payment

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

const paymentCols = `id, uin, case_id, payee_org_id, payer_user_id, idempotency_key, amount, refunded, status,
	provider_id, confirmation_url, accrual_marked, needs_refund, paid_at, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanPayment(r scanner) (Payment, error) {
	var p Payment
	var caseID, orgID sql.NullInt64
	var providerID sql.NullString
	var paid sql.NullTime
	var status string
	err := r.Scan(&p.ID, &p.UIN, &caseID, &orgID, &p.PayerUserID, &p.IdempotencyKey, &p.Amount, &p.Refunded, &status,
		&providerID, &p.ConfirmationURL, &p.AccrualMarked, &p.NeedsRefund, &paid, &p.CreatedAt, &p.UpdatedAt)
	p.CaseID, p.PayeeOrgID, p.ProviderID, p.Status = caseID.Int64, orgID.Int64, providerID.String, Status(status)
	if paid.Valid {
		p.PaidAt = paid.Time.UTC()
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// getTx reads one payment; on PostgreSQL it locks the row, so that
// concurrent notifications of one payment queue here and each sees what
// the one before wrote (SQLite has one writer already).
func (s *Service) getTx(ctx context.Context, tx *sqldb.Tx, where string, args ...any) (Payment, error) {
	q := `SELECT ` + paymentCols + ` FROM payments WHERE ` + where
	if tx.Dialect() == sqldb.Postgres {
		q += ` FOR UPDATE`
	}
	p, err := scanPayment(tx.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, okno.Wrap(okno.ENOTFOUND, "payment.not_found", err)
	}
	return p, err
}

// lockByProviderID reads (and locks) the payment the provider calls id.
func (s *Service) lockByProviderID(ctx context.Context, tx *sqldb.Tx, id string) (Payment, error) {
	return s.getTx(ctx, tx, `provider_id = ?`, id)
}

// get reads one payment outside a transaction.
func (s *Service) get(ctx context.Context, id int64) (Payment, error) {
	p, err := scanPayment(s.d.DB.QueryRowContext(ctx, `SELECT `+paymentCols+` FROM payments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, okno.Wrap(okno.ENOTFOUND, "payment.not_found", err)
	}
	return p, err
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
