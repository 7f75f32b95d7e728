package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/okno/okno/accrual"
	"github.com/okno/okno/paydemo"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/web"
)

// openPayments connects the payment provider when one is configured: the
// demo provider (okno paydemo) speaks the protocol payment.Provider
// describes; a region's acquirer gets its own client behind the same
// interface. Without one, payments are not taken and a.Payments is nil.
func (a *App) openPayments(ctx context.Context) error {
	if a.cfg.PaymentURL == "" {
		return nil
	}
	secret, err := os.ReadFile(a.cfg.PaymentSecretFile)
	if err != nil {
		return fmt.Errorf("payment provider's secret: %w", err)
	}
	secret = bytes.TrimSpace(secret)
	if len(secret) < 16 {
		return fmt.Errorf("payment provider's secret in %s: %d bytes, need at least 16", a.cfg.PaymentSecretFile, len(secret))
	}
	a.Payments = payment.New(payment.Deps{DB: a.DB, Audit: a.Audit, Outbox: a.Outbox,
		Accruals: accrualPayments{a.Accruals}, Provider: &paydemo.Client{BaseURL: a.cfg.PaymentURL, Secret: secret},
		NotifySecret: secret, Now: a.cfg.Now})
	a.registerPayFlow()
	return nil
}

// accrualPayments adapts package accrual to what payments need of it.
type accrualPayments struct{ s *accrual.Service }

func (d accrualPayments) Due(ctx context.Context, uin string, at time.Time) (payment.Charge, error) {
	x, err := d.s.ByUIN(ctx, uin)
	if err != nil {
		return payment.Charge{}, err
	}
	return payment.Charge{Amount: x.AmountDue(at), Annulled: x.Status == accrual.StatusAnnulled,
		Purpose: x.Purpose, CaseID: x.CaseID, PayeeOrgID: x.PayeeOrgID}, nil
}

func (d accrualPayments) MarkPaidTx(ctx context.Context, tx *sqldb.Tx, uin string, amount int64, ref string) error {
	_, err := d.s.MarkPaidTx(ctx, tx, uin, amount, ref)
	return err
}

// payments gives web a nil interface, not a typed nil, when no provider
// is configured.
func payments(p *payment.Service) web.Payments {
	if p == nil {
		return nil
	}
	return p
}
