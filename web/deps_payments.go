package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/payment"
)

// Accruals is package accrual's door: *accrual.Service implements it.
// The citizen's fines and the documents they are found by, the fines
// push API and the back office's accrual pages use it.
type Accruals interface {
	// Documents, AddDocument and RemoveDocument keep the citizen's driving
	// licences and СТС the fines are found by.
	Documents(ctx context.Context, actor okno.Actor) ([]accrual.Document, error)
	AddDocument(ctx context.Context, actor okno.Actor, kind accrual.DocKind, number string) error
	RemoveDocument(ctx context.Context, actor okno.Actor, id int64) error
	// Fines lists everything the citizen owes or owed, unpaid first.
	Fines(ctx context.Context, actor okno.Actor, cursor string, limit int) (accrual.FinePage, error)
	// ByCase lists a case's fees; the door shows them only with the case.
	ByCase(ctx context.Context, caseID int64) ([]accrual.Fine, error)
}

// Payments is package payment's door: *payment.Service implements it
// (nil when no provider is configured: the pages say payments are not
// taken). Paying, the return page, the provider's notifications and the
// back office's payments, refunds and reconciliation use it.
type Payments interface {
	Start(ctx context.Context, actor okno.Actor, uin, returnURL, idempotencyKey string) (payment.Payment, error)
	Return(ctx context.Context, actor okno.Actor, paymentID int64) (payment.Payment, error)
	Mine(ctx context.Context, actor okno.Actor, cursor string, limit int) (payment.Page, error)
	HandleNotification(ctx context.Context, body []byte, h payment.Header) (payment.Outcome, error)
}
