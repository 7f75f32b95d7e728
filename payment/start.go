package payment

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// Limits of Start's input.
const (
	maxKey       = 64
	maxReturnURL = 2000
	// ReturnPlaceholder in a return URL is replaced by Okno's payment ID,
	// which does not exist before Start writes it.
	ReturnPlaceholder = "{payment}"
)

// citizenOnly refuses anyone but a signed-in citizen.
func citizenOnly(actor okno.Actor) error {
	if actor.Kind != okno.ActorCitizen || actor.UserID == 0 {
		return okno.Errorf(okno.EUNAUTHORIZED, "payment.citizens_only")
	}
	return nil
}

// checkStart validates Start's input, naming fields.
func checkStart(uin, returnURL, key string) error {
	var fe okno.FieldErrors
	if (len(uin) != 20 && len(uin) != 25) || strings.Trim(uin, "0123456789") != "" {
		fe.Add("uin", "payment.uin_format")
	}
	if len(returnURL) > maxReturnURL || !(strings.HasPrefix(returnURL, "https://") || strings.HasPrefix(returnURL, "http://")) {
		fe.Add("return_url", "payment.return_url")
	}
	if key == "" || len(key) > maxKey || strings.Trim(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		fe.Add("idempotency_key", "payment.idempotency_key", maxKey)
	}
	return fe.Err()
}

// Start begins paying the accrual uin as a citizen and returns the payment
// with the provider's page to send them to (ConfirmationURL). It refuses
// an annulled or paid accrual and an absurd amount. returnURL is where the
// provider sends the citizen back; ReturnPlaceholder in it becomes the
// payment's ID. The same idempotency key again (a double click, a retry
// after a timeout) returns the same payment; if the provider did not
// answer the first time, it is asked again with the same key of its own,
// so it never makes two.
func (s *Service) Start(ctx context.Context, actor okno.Actor, uin, returnURL, idempotencyKey string) (Payment, error) {
	if err := citizenOnly(actor); err != nil {
		return Payment{}, err
	}
	if err := checkStart(uin, returnURL, idempotencyKey); err != nil {
		return Payment{}, err
	}
	p, err := s.byKey(ctx, actor.UserID, idempotencyKey)
	switch {
	case err == nil && p.UIN != uin:
		return Payment{}, okno.Invalid(okno.FieldError{Field: "idempotency_key", Key: "payment.idempotency_reused"})
	case err == nil && p.ProviderID != "":
		return p, nil
	case err == nil:
		return s.create(ctx, actor, p, returnURL)
	case !okno.IsCode(err, okno.ENOTFOUND):
		return Payment{}, err
	}
	charge, err := s.d.Accruals.Due(ctx, uin, s.d.Now())
	if err != nil {
		return Payment{}, err
	}
	switch {
	case charge.Annulled:
		return Payment{}, okno.Errorf(okno.ECONFLICT, "payment.accrual_annulled", uin)
	case charge.Amount == 0:
		return Payment{}, okno.Errorf(okno.ECONFLICT, "payment.accrual_paid", uin)
	case charge.Amount < 0 || charge.Amount > MaxAmount:
		return Payment{}, okno.Invalid(okno.FieldError{Field: "amount", Key: "payment.amount_absurd", Args: []any{MaxAmount / 100}})
	}
	now := s.now()
	p = Payment{UIN: uin, CaseID: charge.CaseID, PayeeOrgID: charge.PayeeOrgID, PayerUserID: actor.UserID,
		IdempotencyKey: idempotencyKey, Amount: charge.Amount, Status: StatusCreated, CreatedAt: now, UpdatedAt: now}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO payments (uin, case_id, payee_org_id, payer_user_id, idempotency_key,
			amount, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.UIN, nullID(p.CaseID), nullID(p.PayeeOrgID), p.PayerUserID, p.IdempotencyKey, p.Amount, string(p.Status), now, now).Scan(&p.ID)
		if err != nil {
			return err
		}
		return s.auditTx(ctx, tx, actor, "payment.start", Payment{}, p)
	})
	if sqldb.ViolationOf(err) == sqldb.Unique {
		// The same key raced us: the first one wins, and is ours too.
		return s.Start(ctx, actor, uin, returnURL, idempotencyKey)
	}
	if err != nil {
		return Payment{}, err
	}
	return s.create(ctx, actor, p, returnURL)
}

// byKey finds a citizen's payment by its idempotency key.
func (s *Service) byKey(ctx context.Context, userID int64, key string) (Payment, error) {
	var id int64
	err := s.d.DB.QueryRowContext(ctx, `SELECT id FROM payments WHERE payer_user_id = ? AND idempotency_key = ?`, userID, key).Scan(&id)
	if err != nil {
		return Payment{}, sqldb.NotFound(err, "payment.not_found")
	}
	return s.get(ctx, id)
}

// create asks the provider for the payment p (written, status created)
// and records its answer: the payment is then pending, the citizen on
// their way to the provider's page. The provider's idempotency key is our
// payment's ID, so asking again after a lost answer is safe.
func (s *Service) create(ctx context.Context, actor okno.Actor, p Payment, returnURL string) (Payment, error) {
	id := strconv.FormatInt(p.ID, 10)
	pp, err := s.d.Provider.Create(ctx, CreateRequest{
		IdempotencyKey: "okno-payment-" + id,
		Amount:         p.Amount,
		Description:    "Оплата начисления УИН " + p.UIN,
		ReturnURL:      strings.ReplaceAll(returnURL, ReturnPlaceholder, id),
		Metadata:       map[string]string{"okno_payment": id, "uin": p.UIN},
	})
	if err != nil {
		return p, okno.Wrap(okno.EINTERNAL, "payment.provider_unavailable", err)
	}
	if pp.ID == "" || len(pp.ID) > maxID || pp.Amount != p.Amount || !strings.HasPrefix(pp.ConfirmationURL, "http") {
		return p, okno.Wrap(okno.EINTERNAL, "payment.provider_unavailable", errors.New("payment: provider's answer does not match the request"))
	}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		cur, err := s.getTx(ctx, tx, `id = ?`, p.ID)
		if err != nil {
			return err
		}
		if cur.ProviderID != "" { // a concurrent retry recorded it first
			p = cur
			return nil
		}
		before := cur
		p = cur
		p.ProviderID, p.ConfirmationURL, p.Status, p.UpdatedAt = pp.ID, pp.ConfirmationURL, StatusPending, s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE payments SET provider_id = ?, confirmation_url = ?, status = ?, updated_at = ? WHERE id = ?`,
			p.ProviderID, p.ConfirmationURL, string(p.Status), p.UpdatedAt, p.ID); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, actor, "payment.redirect", before, p)
	})
	return p, err
}

// Return is what the return page shows a citizen coming back from the
// provider: their payment as it stands. If no notification has settled
// it yet, the provider is asked (and its answer applied as a notification
// would be), so the citizen sees the outcome at once; if the provider is
// unreachable the payment is shown as it is, still pending. Another
// citizen's payment is not found.
func (s *Service) Return(ctx context.Context, actor okno.Actor, paymentID int64) (Payment, error) {
	if err := citizenOnly(actor); err != nil {
		return Payment{}, err
	}
	p, err := s.get(ctx, paymentID)
	if err != nil {
		return p, err
	}
	if p.PayerUserID != actor.UserID {
		return Payment{}, okno.Errorf(okno.ENOTFOUND, "payment.not_found")
	}
	if p.Status.Final() || p.ProviderID == "" {
		return p, nil
	}
	pp, err := s.d.Provider.Get(ctx, p.ProviderID)
	if err != nil || pp.Amount != p.Amount {
		return p, nil
	}
	to := pp.Status
	if to.Paid() { // refunds come with their own records
		to = StatusSucceeded
	}
	if !Forward(p.Status, to) {
		return p, nil
	}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		cur, err := s.getTx(ctx, tx, `id = ?`, p.ID)
		if err != nil {
			return err
		}
		before := cur
		moved, err := s.advanceTx(ctx, tx, &cur, change{to: to, paidAt: pp.PaidAt})
		p = cur
		if err != nil || !moved {
			return err
		}
		return s.auditTx(ctx, tx, okno.System, "payment.poll", before, cur)
	})
	return p, err
}
