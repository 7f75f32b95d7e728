package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/payment"
)

// The back office's parts of the accrual and payment doors. Deps.Accruals
// and Deps.Payments are the citizen's doors (deps_payments.go); the staff
// pages, the fines push and the staff API reach these by type assertion
// on the same values (*accrual.Service and *payment.Service implement
// both), so the citizen's door stays small and a test fake of it need not
// grow the staff's methods.

// accrualAdmin is what the back office needs of accruals.
type accrualAdmin interface {
	List(ctx context.Context, actor okno.Actor, f accrual.Filter, cursor string, limit int) (accrual.Page, error)
	Get(ctx context.Context, actor okno.Actor, uin string) (accrual.Accrual, error)
	History(ctx context.Context, uin string) ([]accrual.Change, error)
	Receipts(ctx context.Context, a accrual.Accrual) ([]accrual.Receipt, error)
	Sources() []accrual.SourceInfo
	HasSource(code string) bool
	Push(ctx context.Context, actor okno.Actor, source string, body []byte, signature string) (accrual.ImportReport, error)
}

// paymentAdmin is what the back office needs of payments.
type paymentAdmin interface {
	List(ctx context.Context, actor okno.Actor, status payment.Status, cursor string, limit int) (payment.Page, error)
	Get(ctx context.Context, actor okno.Actor, id int64) (payment.Payment, error)
	Refund(ctx context.Context, actor okno.Actor, paymentID, amount int64, idempotencyKey string) (payment.Payment, error)
	Reconcile(ctx context.Context, actor okno.Actor, day string) (payment.Reconciliation, error)
	Reconciliations(ctx context.Context, actor okno.Actor, day string) ([]payment.Reconciliation, error)
}

// accrualAdmin returns the back office's door to accruals; a server built
// without one (a test's) answers that the feature is not available.
func (s *Server) accrualAdmin() (accrualAdmin, error) {
	if a, ok := s.deps.Accruals.(accrualAdmin); ok {
		return a, nil
	}
	return nil, okno.Errorf(okno.ENOTFOUND, "web.backoffice.unavailable")
}

// paymentAdmin returns the back office's door to payments, or nil when no
// payment provider is configured: the pages say so.
func (s *Server) paymentAdmin() paymentAdmin {
	p, _ := s.deps.Payments.(paymentAdmin)
	return p
}
