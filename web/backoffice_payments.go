package web

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/payment"
)

// boPaymentsPage is the data of /staff/payments: every payment, newest
// first, filtered by status (administrators: payment.List decides).
type boPaymentsPage struct {
	NoProvider bool // no payment provider is configured: nothing to list
	Filter     Form
	Rows       []boPaymentRow
	Pagination Pagination
}

// boPaymentRow is one payment of the list.
type boPaymentRow struct {
	ID, URL, UIN, AccrualURL, Amount, Refunded, Created string
	Status                                              Tag
}

func boPaymentURL(id int64) string { return "/staff/payments/" + strconv.FormatInt(id, 10) }

// boNoProvider renders a back-office page saying payments are not taken:
// no payment provider is configured (Deps.Payments is nil).
func (s *Server) boNoProvider(w http.ResponseWriter, r *http.Request, page, titleKey string, data any) error {
	return s.render(w, http.StatusOK, page, s.view(w, r, titleKey, data))
}

// boPayments lists payments.
func (s *Server) boPayments(w http.ResponseWriter, r *http.Request) error {
	pa := s.paymentAdmin()
	if pa == nil {
		return s.boNoProvider(w, r, "backoffice-payments", "web.backoffice.payments_title", boPaymentsPage{NoProvider: true})
	}
	ctx, l, actor, q := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context()), r.URL.Query()
	status := payment.Status(q.Get("status"))
	pg, err := pa.List(ctx, actor, status, q.Get("after"), payment.DefaultPage)
	if err != nil && okno.ErrorCodeOf(err) != okno.EINVALID {
		return err
	}
	sf := Field{Name: "status", Type: "select", Label: l.T("web.backoffice.filter_status"),
		Groups: []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.backoffice.any")}}}}}
	for _, st := range paymentStatuses {
		sf.Groups[0].Options = append(sf.Groups[0].Options, Option{Value: string(st), Label: l.T("web.backoffice.payment_status." + string(st))})
	}
	data := boPaymentsPage{Filter: NewForm(l, q, err, sf)}
	for _, p := range pg.Payments {
		data.Rows = append(data.Rows, boPaymentRow{ID: strconv.FormatInt(p.ID, 10), URL: boPaymentURL(p.ID), UIN: p.UIN,
			AccrualURL: boAccrualURL(p.UIN), Amount: boMoney(l, p.Amount), Refunded: boMoney(l, p.Refunded),
			Created: formatTime(l, p.CreatedAt), Status: boPaymentTag(l, p.Status)})
	}
	if pg.Next != "" {
		data.Pagination.NextURL = "/staff/payments?" + url.Values{"status": {string(status)}, "after": {pg.Next}}.Encode()
	}
	code := http.StatusOK
	if err != nil {
		code = formStatus(err)
	}
	return s.render(w, code, "backoffice-payments", s.view(w, r, "web.backoffice.payments_title", data))
}

// boPaymentPage is the data of /staff/payments/{id}: the payment and, when
// money is left to return and the person may refund, the refund form.
type boPaymentPage struct {
	NoProvider  bool
	ID          string
	Status      Tag
	Summary     []SummaryRow
	NeedsRefund bool   // paid for an accrual annulled meanwhile
	Refunded    bool   // a refund was just made
	Refund      *Form  // nil: nothing to refund, or not theirs to refund
	Key         string // the refund's idempotency key
	Action      string
}

// boPayment shows a payment.
func (s *Server) boPayment(w http.ResponseWriter, r *http.Request) error {
	pa := s.paymentAdmin()
	if pa == nil {
		return s.boNoProvider(w, r, "backoffice-payment", "web.backoffice.payment_title", boPaymentPage{NoProvider: true})
	}
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "payment.not_found")
	}
	p, err := pa.Get(r.Context(), okno.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return s.renderPayment(w, r, p, http.StatusOK, url.Values{"amount": {q.Get("amount")}}, nil, q.Get("refunded") == "1")
}

// renderPayment renders a payment's page with the refund form holding
// values and the problems of formErr.
func (s *Server) renderPayment(w http.ResponseWriter, r *http.Request, p payment.Payment, status int, values url.Values, formErr error, refunded bool) error {
	l, actor := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	data := boPaymentPage{ID: strconv.FormatInt(p.ID, 10), Status: boPaymentTag(l, p.Status), NeedsRefund: p.NeedsRefund,
		Refunded: refunded, Action: boPaymentURL(p.ID) + "/refund", Summary: boPaymentSummary(l, p)}
	left := p.Amount - p.Refunded
	// Only supervisors and administrators are offered the form; whether
	// this one may refund this payment is payment.Refund's to decide.
	if p.Status.Paid() && left > 0 && (actor.Has(okno.RoleSupervisor) || actor.Has(okno.RoleAdmin)) {
		if values.Get("amount") == "" {
			values.Set("amount", boRoubles(left))
		}
		f := NewForm(l, values, formErr, Field{Name: "amount", Label: l.T("web.backoffice.refund_amount"),
			Hint: l.T("web.backoffice.refund_amount_hint", boMoney(l, left)), Width: "medium", Autocomplete: "off"})
		data.Refund = &f
		data.Key = values.Get("key")
		if data.Key == "" {
			data.Key = rand.Text()
		}
	}
	return s.render(w, status, "backoffice-payment", s.view(w, r, "web.backoffice.payment_title", data))
}

// boPaymentSummary is what a payment's page and its refund's check say of
// it.
func boPaymentSummary(l i18n.Localizer, p payment.Payment) []SummaryRow {
	rows := []SummaryRow{
		{Key: l.T("web.backoffice.col_payment"), Value: strconv.FormatInt(p.ID, 10)},
		{Key: l.T("web.backoffice.col_uin"), Value: p.UIN},
		{Key: l.T("web.backoffice.col_amount"), Value: boMoney(l, p.Amount)},
		{Key: l.T("web.backoffice.col_refunded"), Value: boMoney(l, p.Refunded)},
		{Key: l.T("web.backoffice.col_created"), Value: formatTime(l, p.CreatedAt)},
	}
	if !p.PaidAt.IsZero() {
		rows = append(rows, SummaryRow{Key: l.T("web.backoffice.col_paid_at"), Value: formatTime(l, p.PaidAt)})
	}
	if p.ProviderID != "" {
		rows = append(rows, SummaryRow{Key: l.T("web.backoffice.col_provider_id"), Value: p.ProviderID})
	}
	if p.CaseID != 0 {
		rows = append(rows, SummaryRow{Key: l.T("web.backoffice.col_case"), Value: strconv.FormatInt(p.CaseID, 10)})
	}
	return rows
}

// boRoubles writes kopecks as a form's value: "1234,50".
func boRoubles(kopecks int64) string {
	k := strconv.FormatInt(kopecks%100, 10)
	if len(k) < 2 {
		k = "0" + k
	}
	return strconv.FormatInt(kopecks/100, 10) + "," + k
}

// boRefundCheck is the data of the refund's confirmation step.
type boRefundCheck struct {
	Summary           []SummaryRow
	Amount, Key, Back string
	Action            string
}

// maxRefundKey bounds the form's idempotency key (rand.Text makes 26
// characters).
const maxRefundKey = 64

// boRefund takes the refund form: a checked amount goes to the
// confirmation step; the confirmed one to payment.Refund, once per key.
func (s *Server) boRefund(w http.ResponseWriter, r *http.Request) error {
	pa := s.paymentAdmin()
	if pa == nil {
		return s.boNoProvider(w, r, "backoffice-payment", "web.backoffice.payment_title", boPaymentPage{NoProvider: true})
	}
	ctx, l, actor := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "payment.not_found")
	}
	p, err := pa.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err // a body over its limit: 413 (classify)
	}
	values := url.Values{"amount": {r.PostForm.Get("amount")}, "key": {r.PostForm.Get("key")}}
	key := values.Get("key")
	if key == "" || len(key) > maxRefundKey {
		// A form without its key is not one we rendered: start again.
		return seeOther(w, r, boPaymentURL(p.ID))
	}
	amount, ok := boParseRoubles(values.Get("amount"))
	if !ok || amount <= 0 {
		err := okno.Invalid(okno.FieldError{Field: "amount", Key: "web.backoffice.refund_amount_format"})
		return s.renderPayment(w, r, p, formStatus(err), values, err, false)
	}
	if left := p.Amount - p.Refunded; amount > left {
		// Told now, before the confirmation step; payment.Refund holds
		// the same line when the refund is made.
		err := okno.Invalid(okno.FieldError{Field: "amount", Key: "payment.refund_amount_left", Args: []any{left}})
		return s.renderPayment(w, r, p, formStatus(err), values, err, false)
	}
	if r.PostForm.Get("confirm") != "1" {
		back := boPaymentURL(p.ID) + "?" + url.Values{"amount": {values.Get("amount")}}.Encode() + "#f-amount"
		data := boRefundCheck{Summary: append(boPaymentSummary(l, p), SummaryRow{Key: l.T("web.backoffice.refund_amount"),
			Value: boMoney(l, amount), ChangeURL: back}), Amount: values.Get("amount"), Key: key, Back: back,
			Action: boPaymentURL(p.ID) + "/refund"}
		return s.render(w, http.StatusOK, "backoffice-refund-check", s.view(w, r, "web.backoffice.refund_check_title", data))
	}
	p, err = pa.Refund(ctx, actor, p.ID, amount, key)
	switch {
	case err == nil:
		return seeOther(w, r, boPaymentURL(p.ID)+"?refunded=1")
	case okno.IsCode(err, okno.EINVALID) || okno.IsCode(err, okno.ECONFLICT):
		return s.renderPayment(w, r, p, formStatus(err), values, err, false)
	}
	return err
}
