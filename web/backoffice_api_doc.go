package web

import (
	"github.com/okno/okno/accrual"
)

// What the OpenAPI document says of the fines push and the accrual and
// payment API (routes_backoffice_payments.go).

func accrualStatusNames() []string {
	out := make([]string, len(accrualStatuses))
	for i, s := range accrualStatuses {
		out[i] = string(s)
	}
	return out
}

func paymentStatusNames() []string {
	out := make([]string, len(paymentStatuses))
	for i, s := range paymentStatuses {
		out[i] = string(s)
	}
	return out
}

var uinSchema = Schema{"type": "string", "pattern": "^([0-9]{20}|[0-9]{25})$", "description": "УИН: 20 or 25 digits, the last a check digit."}

var fineRecordSchema = Schema{
	"type":     "object",
	"required": []string{"uin", "kind", "amount", "decision_date"},
	"properties": Schema{
		"uin":              uinSchema,
		"kind":             Schema{"type": "string", "enum": []string{string(accrual.ChangeNew), string(accrual.ChangeClarify), string(accrual.ChangeAnnul)}},
		"seq":              Schema{"type": "integer", "minimum": 1, "description": "The issuer's sequence of this change; orders changes that arrive out of order."},
		"changed_at":       Schema{"type": "string", "format": "date-time", "description": "Orders changes when the issuer has no sequence."},
		"licence":          Schema{"type": "string", "description": "Driving licence number (personal data: sealed on arrival)."},
		"sts":              Schema{"type": "string", "description": "Vehicle registration certificate number (personal data: sealed on arrival)."},
		"amount":           Schema{"type": "integer", "minimum": 1, "maximum": accrual.MaxAmount, "description": "Kopecks."},
		"discount_percent": Schema{"type": "integer", "minimum": 1, "maximum": 99},
		"discount_amount":  Schema{"type": "integer", "minimum": 1, "description": "Kopecks off."},
		"discount_until":   Schema{"type": "string", "description": "The discount's last day (YYYY-MM-DD) or an RFC 3339 instant."},
		"decision_date":    Schema{"type": "string", "format": "date"},
		"article":          Schema{"type": "string", "description": "The article of the КоАП, e.g. 12.9.2."},
		"place":            Schema{"type": "string"},
		"purpose":          Schema{"type": "string"},
	},
}

var finesPushDoc = &APIDoc{
	Summary: "Push fines from an issuer",
	Description: "The body is a JSON array of records or JSON lines (one record a line), at most " +
		"1 MiB and 1000 records, signed with the issuer's secret: the header X-Okno-Signature is \"sha256=\" and the hex " +
		"HMAC-SHA-256 of the exact body. A bad or missing signature is 401 and nothing is read; any bad record refuses the " +
		"whole push with 422 naming records[i].field; the same body again changes nothing (replayed: 1). The same УИН from " +
		"two issuers is one fine; changes apply in the issuer's order.",
	Tags: []string{"fines"},
	Params: []APIParam{
		{Name: "source", In: "path", Required: true, Description: "The issuer's code, e.g. gibdd.", Schema: Schema{"type": "string"}},
		{Name: finesSignatureHeader, In: "header", Required: true, Description: "sha256=<hex HMAC-SHA-256 of the body>.", Schema: Schema{"type": "string"}},
	},
	Request: Schema{"type": "array", "items": fineRecordSchema, "maxItems": accrual.MaxPushRecords},
	Response: Schema{"type": "object", "required": []string{"records", "applied", "stale", "replayed"}, "properties": Schema{
		"records":  Schema{"type": "integer", "description": "Records read."},
		"applied":  Schema{"type": "integer", "description": "Changes applied."},
		"stale":    Schema{"type": "integer", "description": "Duplicates and late changes, recorded and not applied."},
		"replayed": Schema{"type": "integer", "description": "1 when this exact body was taken before: nothing changed."},
	}},
}

var changeSchema = Schema{"type": "object", "required": []string{"source", "kind", "seq", "status", "amount", "at"}, "properties": Schema{
	"source": Schema{"type": "string"}, "kind": Schema{"type": "string", "enum": []string{"new", "clarify", "annul", "payment"}},
	"seq": Schema{"type": "integer"}, "status": Schema{"type": "string", "enum": accrualStatusNames()},
	"amount": Schema{"type": "integer", "description": "Kopecks: the accrual's amount, or the payment's."},
	"at":     Schema{"type": "string", "format": "date-time"},
}}

var accrualSchema = Schema{
	"type":     "object",
	"required": []string{"uin", "source", "kind", "status", "purpose", "amount", "paid", "due_now", "bill_date", "created_at", "updated_at"},
	"properties": Schema{
		"uin": uinSchema, "source": Schema{"type": "string", "description": "The issuer's code; okno for state fees issued here."},
		"kind":         Schema{"type": "string", "enum": []string{string(accrual.KindFee), string(accrual.KindFine)}},
		"status":       Schema{"type": "string", "enum": accrualStatusNames()},
		"payee_org_id": Schema{"type": "integer"}, "purpose": Schema{"type": "string"},
		"article": Schema{"type": "string"}, "place": Schema{"type": "string"},
		"amount":  Schema{"type": "integer", "description": "Kopecks."},
		"paid":    Schema{"type": "integer", "description": "Kopecks paid so far."},
		"due_now": Schema{"type": "integer", "description": "Kopecks to pay now, the discount counted."},
		"discount": Schema{"type": "object", "properties": Schema{
			"kind":  Schema{"type": "string", "enum": []string{string(accrual.DiscountPercent), string(accrual.DiscountFixed)}},
			"value": Schema{"type": "integer"}, "until": Schema{"type": "string", "format": "date-time"}}},
		"bill_date": Schema{"type": "string", "format": "date-time"}, "due_date": Schema{"type": "string", "format": "date-time"},
		"case_id":    Schema{"type": "integer"},
		"created_at": Schema{"type": "string", "format": "date-time"}, "updated_at": Schema{"type": "string", "format": "date-time"},
		"history": Schema{"type": "array", "items": changeSchema, "description": "One accrual only: its changes, oldest first."},
	},
}

var accrualsDoc = &APIDoc{
	Summary:     "Accruals of the client's organisation (keyset pages, newest first)",
	Description: "API keys and officials and supervisors see their organisation's accruals (the payee's); administrators every one, or one organisation's with org_id. Payers' documents are never shown.",
	Tags:        []string{"accruals"},
	Params: []APIParam{
		{Name: "status", In: "query", Schema: Schema{"type": "string", "enum": accrualStatusNames()}},
		{Name: "source", In: "query", Description: "An issuer's code, or okno.", Schema: Schema{"type": "string"}},
		{Name: "org_id", In: "query", Description: "Administrators: one payee organisation.", Schema: Schema{"type": "integer"}},
		{Name: "after", In: "query", Description: "Cursor from the previous page's next.", Schema: Schema{"type": "string"}},
		{Name: "limit", In: "query", Description: "Items per page (1–100, default 20).", Schema: Schema{"type": "integer", "minimum": 1, "maximum": accrual.MaxPage}},
	},
	Response: pageSchema(accrualSchema),
}

var accrualDoc = &APIDoc{
	Summary: "One accrual with its history", Tags: []string{"accruals"},
	Params:   []APIParam{{Name: "uin", In: "path", Required: true, Schema: uinSchema}},
	Response: accrualSchema,
}

var paymentDoc = &APIDoc{
	Summary:     "One payment",
	Description: "Its payer, administrators and the payee organisation's staff see it; to anyone else it does not exist (404), as when no payment provider is configured.",
	Tags:        []string{"payments"},
	Params:      []APIParam{{Name: "id", In: "path", Required: true, Schema: Schema{"type": "integer"}}},
	Response: Schema{"type": "object", "required": []string{"id", "uin", "amount", "refunded", "status", "created_at", "updated_at"}, "properties": Schema{
		"id": Schema{"type": "integer"}, "uin": uinSchema, "case_id": Schema{"type": "integer"}, "payee_org_id": Schema{"type": "integer"},
		"amount": Schema{"type": "integer", "description": "Kopecks."}, "refunded": Schema{"type": "integer", "description": "Kopecks returned."},
		"status":      Schema{"type": "string", "enum": paymentStatusNames()},
		"provider_id": Schema{"type": "string"}, "needs_refund": Schema{"type": "boolean", "description": "Paid for an accrual annulled meanwhile: staff must refund it."},
		"paid_at":    Schema{"type": "string", "format": "date-time"},
		"created_at": Schema{"type": "string", "format": "date-time"}, "updated_at": Schema{"type": "string", "format": "date-time"},
	}},
}
