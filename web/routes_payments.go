package web

import "github.com/okno/okno/payment"

// paymentRoutes are the citizen's «Платежи и штрафы»: their documents and
// fines, paying through the provider and coming back, their payments, and
// the provider's signed notifications. Packages accrual and payment decide
// whose is what: another citizen's payment or document is not found.
func (s *Server) paymentRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/cabinet/fines", Access: Citizen(), Handler: s.fines},
		{Method: "POST", Pattern: "/cabinet/fines/documents", Access: Citizen(), Handler: s.fineDocumentAdd},
		{Method: "POST", Pattern: "/cabinet/fines/documents/{id}/delete", Access: Citizen(), Handler: s.fineDocumentRemove},
		{Method: "POST", Pattern: "/payments", Access: Citizen(), Handler: s.payStart},
		{Method: "GET", Pattern: "/payments/{id}/return", Access: Citizen(), Handler: s.payReturn},
		{Method: "GET", Pattern: "/cabinet/payments", Access: Citizen(), Handler: s.payList},
		{Method: "POST", Pattern: "/api/v1/payments/notifications", Access: Public(), Signed: true, Handler: s.payNotification,
			MaxBody: payment.MaxNotification + 1, API: &APIDoc{
				Summary: "The payment provider's notification (webhook)",
				Description: "The provider POSTs a JSON notification {id, event, created_at, payment, refund} with the headers " +
					payment.HeaderTimestamp + " (Unix time) and " + payment.HeaderSignature + ": v1=<hex HMAC-SHA256 of \"<timestamp>.<body>\" under the shared secret>. " +
					"Nothing is read before the signature holds; a timestamp outside five minutes is a replay. " +
					"A repeated or late notification is acknowledged with 200 and changes nothing. " +
					"401: bad signature or replay; 400: malformed; 404: unknown payment; 409: conflicting amounts.",
				Tags: []string{"payments"},
				Request: Schema{"type": "object", "required": []string{"id", "event", "payment"}, "properties": Schema{
					"id": Schema{"type": "string"}, "event": Schema{"type": "string"}, "created_at": Schema{"type": "string", "format": "date-time"},
					"payment": Schema{"type": "object"}, "refund": Schema{"type": "object"}}},
				Response: Schema{"type": "object", "required": []string{"payment_id", "status"}, "properties": Schema{
					"payment_id": Schema{"type": "integer"}, "status": Schema{"type": "string"},
					"duplicate": Schema{"type": "boolean"}, "late": Schema{"type": "boolean"}}},
			}},
	}
}
