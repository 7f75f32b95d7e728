package payment

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// change is news about a payment: a status the provider reports, and/or
// a refund it made.
type change struct {
	to     Status // "" with a refund
	paidAt time.Time
	refund *ProviderRefund
}

// advanceTx applies ch to p (locked by the caller) if it moves p forward,
// and reports whether it did. It is the one place a payment changes after
// the provider answered: notifications, the return page's poll and
// refunds all come here, so the accrual is marked paid in one place, once
// (accrual_marked, and MarkPaidTx's own reference as a second guard). The
// caller audits last.
func (s *Service) advanceTx(ctx context.Context, tx *sqldb.Tx, p *Payment, ch change) (bool, error) {
	now := s.now()
	moved, refunded := false, false
	switch {
	case ch.refund != nil:
		if p.Status == StatusFailed || p.Status == StatusCancelled {
			return false, okno.Errorf(okno.ECONFLICT, "payment.refund_not_paid", p.ID)
		}
		if !p.Status.Paid() {
			// The refund overtook the success notification: a refund
			// proves the payment succeeded.
			p.Status, p.PaidAt, moved = StatusSucceeded, paidAt(ch.paidAt, ch.refund.CreatedAt, now), true
		}
		at := ch.refund.CreatedAt
		if at.IsZero() {
			at = now
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO payment_refunds (payment_id, provider_refund_id, amount, refunded_at, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (provider_refund_id) DO NOTHING`, p.ID, ch.refund.ID, ch.refund.Amount, sqldb.Now(at), now)
		if err != nil {
			return false, fmt.Errorf("payment: record refund: %w", err)
		}
		if k, _ := r.RowsAffected(); k > 0 {
			if p.Refunded+ch.refund.Amount > p.Amount {
				return false, okno.Errorf(okno.ECONFLICT, "payment.refund_amount")
			}
			p.Refunded += ch.refund.Amount
			p.Status = StatusPartly
			if p.Refunded == p.Amount {
				p.Status = StatusRefunded
			}
			moved, refunded = true, true
		}
	case Forward(p.Status, ch.to):
		p.Status, moved = ch.to, true
		if ch.to == StatusSucceeded {
			p.PaidAt = paidAt(ch.paidAt, time.Time{}, now)
		}
	}
	if !moved {
		return false, nil
	}
	p.UpdatedAt = now
	if p.Status.Paid() && !p.AccrualMarked {
		err := s.d.Accruals.MarkPaidTx(ctx, tx, p.UIN, p.Amount, AccrualRef(p.ID))
		switch {
		case err == nil:
			p.AccrualMarked = true
			if err := s.enqueue(ctx, tx, TopicSucceeded, "", p); err != nil {
				return false, err
			}
		case okno.IsCode(err, okno.ECONFLICT) && !p.NeedsRefund:
			// The accrual was annulled while the citizen paid: the money
			// is here and must go back; staff are told.
			p.NeedsRefund = true
			if err := s.enqueue(ctx, tx, TopicNeedsRefund, "", p); err != nil {
				return false, err
			}
		case okno.IsCode(err, okno.ECONFLICT):
			// Known already: staff were told by an earlier notification.
		default:
			return false, fmt.Errorf("payment: mark accrual paid: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE payments SET status = ?, refunded = ?, accrual_marked = ?, needs_refund = ?,
		paid_at = ?, updated_at = ? WHERE id = ?`,
		string(p.Status), p.Refunded, p.AccrualMarked, p.NeedsRefund, nullTime(p.PaidAt), now, p.ID); err != nil {
		return false, fmt.Errorf("payment: update: %w", err)
	}
	if refunded {
		if err := s.enqueue(ctx, tx, TopicRefunded, ch.refund.ID, p); err != nil {
			return false, err
		}
	}
	return true, nil
}

// paidAt is the provider's time of payment, or the best stand-in.
func paidAt(reported, fallback, now time.Time) time.Time {
	switch {
	case !reported.IsZero():
		return sqldb.Now(reported)
	case !fallback.IsZero():
		return sqldb.Now(fallback)
	}
	return now
}

// enqueue writes an outbox message about p, once per topic and payment
// (and per refund: suffix).
func (s *Service) enqueue(ctx context.Context, tx *sqldb.Tx, topic, suffix string, p *Payment) error {
	body, err := json.Marshal(Event{PaymentID: p.ID, UIN: p.UIN, CaseID: p.CaseID, Amount: p.Amount, Refunded: p.Refunded})
	if err != nil {
		return err
	}
	key := topic + ":" + strconv.FormatInt(p.ID, 10)
	if suffix != "" {
		key += ":" + suffix
	}
	return s.d.Outbox.Enqueue(ctx, tx, outbox.Message{Topic: topic, Key: key, Payload: body})
}

// auditTx appends the audit entry of an action on a payment; call it last
// in the transaction.
func (s *Service) auditTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, before, after Payment) error {
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "payment",
		ObjectID: strconv.FormatInt(after.ID, 10), After: audit.Digest(auditState(after))}
	if before.ID != 0 {
		e.Before = audit.Digest(auditState(before))
	}
	_, err := s.d.Audit.Append(ctx, tx, e)
	return err
}

// auditState is the part of a payment its audit digests commit to.
func auditState(p Payment) map[string]any {
	return map[string]any{"id": p.ID, "uin": p.UIN, "amount": p.Amount, "refunded": p.Refunded,
		"status": p.Status, "provider_id": p.ProviderID, "accrual_marked": p.AccrualMarked, "needs_refund": p.NeedsRefund}
}

// accrualRefPrefix starts the reference a payment of Okno's is counted
// under in package accrual.
const accrualRefPrefix = "okno-payment:"

// AccrualRef is the reference payment id is counted under in package
// accrual (its MarkPaidTx): one per payment, so a payment counts once.
func AccrualRef(id int64) string { return accrualRefPrefix + strconv.FormatInt(id, 10) }

// PaymentOfRef returns the payment an accrual's reference names, when it
// is one of Okno's payments.
func PaymentOfRef(ref string) (int64, bool) {
	s, ok := strings.CutPrefix(ref, accrualRefPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
