package web

// Accruals is package accrual's door: *accrual.Service implements it.
// The citizen's fines and the documents they are found by, the fines
// push API and the back office's accrual pages use it.
type Accruals interface {
}

// Payments is package payment's door: *payment.Service implements it
// (nil when no provider is configured: the pages say payments are not
// taken). Paying, the return page, the provider's notifications and the
// back office's payments, refunds and reconciliation use it.
type Payments interface {
}
