package web_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/web/webtest"
)

// The matrix's back office for accruals and payments: a state fee of
// organisation B ("fee_hi"/"fee_lo": its 20-digit УИН in two halves, as
// the world keeps numbers). A's officials and supervisors are told it
// does not exist (404); administrators see every organisation's. The
// matrix's app has no payment provider, so the payment pages say so
// (200) and the payment API knows no payment (404). The demo's issuers
// have no push secret: every push is unauthorised (401).
func init() {
	matrixWorlds = append(matrixWorlds, func(t *testing.T, live *webtest.Live, w *world) {
		a, err := live.App.Accruals.Issue(context.Background(), okno.System, accrual.Draft{Fee: "matrix",
			Payer: accrual.Payer{UserID: w.actor(t, "citizen-simplified").actor.UserID}, PayeeOrgID: w.b.ID,
			Purpose: "Госпошлина для матрицы", Amount: 35000})
		mustOK(t, err)
		if len(a.UIN) != 20 {
			t.Fatalf("the fee's УИН %q is not 20 digits", a.UIN)
		}
		hi, err := strconv.ParseInt(a.UIN[:10], 10, 64)
		mustOK(t, err)
		lo, err := strconv.ParseInt(a.UIN[10:], 10, 64)
		mustOK(t, err)
		w.extra["fee_hi"], w.extra["fee_lo"] = hi, lo
	})
	fee := func(w world) string { return fmt.Sprintf("%010d%010d", w.extra["fee_hi"], w.extra["fee_lo"]) }
	matrixTargets["/staff/accruals/{uin}"] = func(w world) string { return "/staff/accruals/" + fee(w) }
	matrixTargets["/api/v1/accruals/{uin}"] = func(w world) string { return "/api/v1/accruals/" + fee(w) }
	matrixTargets["/api/v1/fines/{source}"] = func(world) string { return "/api/v1/fines/gibdd" }
	matrixTargets["/staff/payments/{id}"] = func(world) string { return "/staff/payments/1" }
	matrixTargets["/staff/payments/{id}/refund"] = func(world) string { return "/staff/payments/1/refund" }
	matrixTargets["/staff/reconciliation/{id}"] = func(world) string { return "/staff/reconciliation/1?day=2026-11-20" }
	matrixTargets["/api/v1/payments/{id}"] = func(world) string { return "/api/v1/payments/1" }

	// Citizens and staff whose roles see no accruals pass the API's rule
	// and are refused by accrual's (403).
	refused := map[string]int{"citizen-simplified": 403, "citizen-standard": 403, "citizen-confirmed": 403, "another-citizen": 403,
		"staff-operator": 403, "staff-owner": 403, "staff-controller": 403}
	handlerDecides["GET /api/v1/accruals"] = refused
	theirs := map[string]int{"staff-official": 404, "staff-supervisor": 404, "apikey": 404}
	for n, s := range refused {
		theirs[n] = s
	}
	handlerDecides["GET /api/v1/accruals/{uin}"] = theirs
	handlerDecides["GET /staff/accruals/{uin}"] = map[string]int{"staff-official": 404, "staff-supervisor": 404}
	handlerDecides["POST /api/v1/fines/{source}"] = everyone(401)
	handlerDecides["GET /api/v1/payments/{id}"] = everyone(404)
}
