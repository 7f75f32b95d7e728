package payment

import (
	"context"
	"fmt"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// Page sizes.
const (
	DefaultPage = 20
	MaxPage     = 100
)

// Page is one page of payments, newest first; Next is the cursor of the
// page after it ("" on the last).
type Page struct {
	Payments []Payment
	Next     string
}

// mayView says whether actor may see p: its payer, an administrator, or
// staff of the payee organisation.
func mayView(actor okno.Actor, p Payment) bool {
	switch actor.Kind {
	case okno.ActorCitizen:
		return actor.UserID != 0 && actor.UserID == p.PayerUserID
	case okno.ActorStaff:
		return actor.Has(okno.RoleAdmin) || (p.PayeeOrgID != 0 && actor.OrgID == p.PayeeOrgID)
	case okno.ActorAPIKey:
		return p.PayeeOrgID != 0 && actor.OrgID == p.PayeeOrgID // the payee's own systems
	}
	return actor.Kind == okno.ActorSystem
}

// Get returns a payment actor may see; another's is not found.
func (s *Service) Get(ctx context.Context, actor okno.Actor, id int64) (Payment, error) {
	p, err := s.get(ctx, id)
	if err != nil {
		return p, err
	}
	if !mayView(actor, p) {
		return Payment{}, okno.Errorf(okno.ENOTFOUND, "payment.not_found")
	}
	return p, nil
}

// Mine lists a citizen's own payments, newest first.
func (s *Service) Mine(ctx context.Context, actor okno.Actor, cursor string, limit int) (Page, error) {
	if err := citizenOnly(actor); err != nil {
		return Page{}, err
	}
	return s.page(ctx, `payer_user_id = ?`, []any{actor.UserID}, cursor, limit)
}

// List lists every payment for an administrator, newest first, only those
// in status if it is set.
func (s *Service) List(ctx context.Context, actor okno.Actor, status Status, cursor string, limit int) (Page, error) {
	if actor.Kind != okno.ActorStaff || !actor.Has(okno.RoleAdmin) {
		return Page{}, okno.Errorf(okno.EFORBIDDEN, "payment.list_forbidden")
	}
	if status == "" {
		return s.page(ctx, `1 = 1`, nil, cursor, limit)
	}
	if rank(status) < 0 {
		return Page{}, okno.Invalid(okno.FieldError{Field: "status", Key: "payment.status_unknown"})
	}
	return s.page(ctx, `status = ?`, []any{string(status)}, cursor, limit)
}

// page reads one keyset page of payments matching where, by (created_at,
// id) descending (indexes payments_payer, payments_created,
// payments_status).
func (s *Service) page(ctx context.Context, where string, args []any, cursor string, limit int) (Page, error) {
	if limit <= 0 {
		limit = DefaultPage
	}
	limit = min(limit, MaxPage)
	if cursor != "" {
		at, id, ok := sqldb.DecodeCursor(cursor)
		if !ok {
			return Page{}, okno.Invalid(okno.FieldError{Field: "cursor", Key: "payment.cursor"})
		}
		where += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
		args = append(args, at, at, id)
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT `+paymentCols+` FROM payments WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return Page{}, fmt.Errorf("payment: list: %w", err)
	}
	defer rows.Close()
	var pg Page
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return Page{}, err
		}
		pg.Payments = append(pg.Payments, p)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(pg.Payments) > limit {
		pg.Payments = pg.Payments[:limit]
		last := pg.Payments[limit-1]
		pg.Next = sqldb.EncodeCursor(last.CreatedAt, last.ID)
	}
	return pg, nil
}
