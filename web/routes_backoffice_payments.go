package web

import (
	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
)

// finesPushMaxBody lets a push one byte over accrual.MaxPushBytes reach
// the feature, which refuses it with a field problem; anything larger is
// cut off by the middleware (413).
const finesPushMaxBody = accrual.MaxPushBytes + 1

// paymentAdminRoutes are the back office's accruals, payments, refunds and
// reconciliation, the issuers' fines push and the staff systems' API. The
// route rules admit the roles that may ever act; the features decide per
// thing (another organisation's accrual or payment is 404, a refund of it
// 403): accrual.List/Get (accrual/list.go), payment.Get/Refund/Reconcile.
func (s *Server) paymentAdminRoutes() []Route {
	viewers := StaffWith(okno.RoleOfficial, okno.RoleSupervisor, okno.RoleAdmin)
	admins := StaffWith(okno.RoleAdmin)
	return []Route{
		{Method: "GET", Pattern: "/staff/accruals", Access: viewers, Handler: s.boAccruals},
		{Method: "GET", Pattern: "/staff/accruals/{uin}", Access: viewers, Handler: s.boAccrual},
		{Method: "GET", Pattern: "/staff/payments", Access: admins, Handler: s.boPayments},
		{Method: "GET", Pattern: "/staff/payments/{id}", Access: viewers, Handler: s.boPayment},
		{Method: "POST", Pattern: "/staff/payments/{id}/refund", Access: StaffWith(okno.RoleSupervisor, okno.RoleAdmin), Handler: s.boRefund},
		{Method: "GET", Pattern: "/staff/reconciliation", Access: admins, Handler: s.boReconciliations},
		{Method: "POST", Pattern: "/staff/reconciliation", Access: admins, Handler: s.boReconcile},
		{Method: "GET", Pattern: "/staff/reconciliation/{id}", Access: admins, Handler: s.boReconciliation},

		// Issuers are programs without accounts: the body's signature under
		// the source's secret is the authentication (accrual.Push checks it).
		{Method: "POST", Pattern: "/api/v1/fines/{source}", Access: Public(), Signed: true, MaxBody: finesPushMaxBody,
			Handler: s.apiFinesPush, API: finesPushDoc},
		{Method: "GET", Pattern: "/api/v1/accruals", Access: APIActor(), Handler: s.apiAccruals, API: accrualsDoc},
		{Method: "GET", Pattern: "/api/v1/accruals/{uin}", Access: APIActor(), Handler: s.apiAccrual, API: accrualDoc},
		{Method: "GET", Pattern: "/api/v1/payments/{id}", Access: APIActor(), Handler: s.apiPayment, API: paymentDoc},
	}
}
