package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/okno/okno/accrual"
	"github.com/okno/okno/web/webtest"
)

// The matrix's fines and payments: citizen-simplified has registered a
// driving licence ("paydoc"). The matrix's Okno has no payment provider,
// so paying sends citizens back to their fines (303), a return page is
// not found for anyone (404), and so is the notification endpoint, which
// is public: the signature, not a session, admits a sender
// (TestPayFinesEndToEnd checks the signed path against the real provider).
func init() {
	matrixWorlds = append(matrixWorlds, func(t *testing.T, live *webtest.Live, w *world) {
		ctx := context.Background()
		me := w.actor(t, "citizen-simplified").actor
		mustOK(t, live.App.Accruals.AddDocument(ctx, me, accrual.DocLicence, "99 12 345678"))
		docs, err := live.App.Accruals.Documents(ctx, me)
		mustOK(t, err)
		w.extra["paydoc"] = docs[0].ID
	})
	matrixTargets["/cabinet/fines/documents/{id}/delete"] = func(w world) string {
		return "/cabinet/fines/documents/" + strconv.FormatInt(w.extra["paydoc"], 10) + "/delete"
	}
	matrixTargets["/payments/{id}/return"] = func(w world) string { return "/payments/1/return" }

	citizens := func(simplified, others int) map[string]int {
		return map[string]int{"citizen-simplified": simplified, "citizen-standard": others, "citizen-confirmed": others, "another-citizen": others}
	}
	// Only the owner removes a document (the cast's first citizen, so it
	// is still there); everyone else is told it does not exist.
	handlerDecides["POST /cabinet/fines/documents/{id}/delete"] = citizens(303, 404)
	// An empty form names the field to fill.
	handlerDecides["POST /cabinet/fines/documents"] = citizens(422, 422)
	handlerDecides["POST /payments"] = citizens(303, 303)
	handlerDecides["GET /payments/{id}/return"] = citizens(404, 404)
	handlerDecides["GET /cabinet/fines"] = citizens(200, 200)
	handlerDecides["GET /cabinet/payments"] = citizens(200, 200)
}
