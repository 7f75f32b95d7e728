package payment

import (
	"context"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// mayRefund says whether actor may return money of p: an administrator,
// or a supervisor of the payee organisation.
func mayRefund(actor okno.Actor, p Payment) error {
	switch {
	case actor.Kind != okno.ActorStaff:
		return okno.Errorf(okno.EFORBIDDEN, "payment.refund_forbidden")
	case actor.Has(okno.RoleAdmin):
		return nil
	case actor.Has(okno.RoleSupervisor) && p.PayeeOrgID != 0 && actor.OrgID == p.PayeeOrgID:
		return nil
	}
	return okno.Errorf(okno.EFORBIDDEN, "payment.refund_forbidden")
}

// Refund returns amount kopecks of a succeeded payment (all that remains
// or a part) as staff. The provider is asked with a key made of ours, so
// the same idempotency key again refunds nothing more; its answer and the
// refund notification that follows are one record.
func (s *Service) Refund(ctx context.Context, actor okno.Actor, paymentID, amount int64, idempotencyKey string) (Payment, error) {
	p, err := s.get(ctx, paymentID)
	if err != nil {
		return p, err
	}
	if err := mayRefund(actor, p); err != nil {
		return Payment{}, err
	}
	var fe okno.FieldErrors
	if !p.Status.Paid() {
		return p, okno.Errorf(okno.ECONFLICT, "payment.refund_not_paid", p.ID)
	}
	if amount <= 0 || amount > p.Amount-p.Refunded {
		fe.Add("amount", "payment.refund_amount_left", p.Amount-p.Refunded)
	}
	if idempotencyKey == "" || len(idempotencyKey) > maxKey {
		fe.Add("idempotency_key", "payment.idempotency_key", maxKey)
	}
	if err := fe.Err(); err != nil {
		return p, err
	}
	r, err := s.d.Provider.Refund(ctx, p.ProviderID, amount, "okno-refund-"+strconv.FormatInt(p.ID, 10)+"-"+idempotencyKey)
	if err != nil {
		return p, okno.Wrap(okno.EINTERNAL, "payment.provider_unavailable", err)
	}
	if r.ID == "" || len(r.ID) > maxID || r.Amount <= 0 || r.Amount > p.Amount {
		return p, okno.Errorf(okno.EINTERNAL, "payment.provider_unavailable")
	}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		cur, err := s.getTx(ctx, tx, `id = ?`, p.ID)
		if err != nil {
			return err
		}
		before := cur
		moved, err := s.advanceTx(ctx, tx, &cur, change{refund: &r})
		p = cur
		if err != nil || !moved {
			return err
		}
		return s.auditTx(ctx, tx, actor, "payment.refund", before, cur)
	})
	return p, err
}
