package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/payment"
)

// boAccrualsPage is the data of /staff/accruals: the organisation's
// accruals (every organisation's for an administrator), filtered by
// status and source, a keyset page at a time, and a search by УИН.
type boAccrualsPage struct {
	Search     Form // the УИН
	Filter     Form // status and source
	Rows       []boAccrualRow
	Pagination Pagination
}

// boAccrualRow is one accrual of the list.
type boAccrualRow struct {
	UIN, URL, Purpose, Source, Amount, Paid, BillDate string
	Status                                            Tag
}

// boAccrualURL is an accrual's page.
func boAccrualURL(uin string) string { return "/staff/accruals/" + url.PathEscape(uin) }

// boAccruals lists accruals. ?uin= finds one by its УИН and goes to it.
func (s *Server) boAccruals(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.accrualAdmin()
	if err != nil {
		return err
	}
	ctx, actor, q := r.Context(), okno.ActorFrom(r.Context()), r.URL.Query()
	if _, searched := q["uin"]; searched {
		// accrual checks the УИН (naming the field "uin") before looking.
		uin := strings.TrimSpace(q.Get("uin"))
		_, err := adm.Get(ctx, actor, uin)
		switch {
		case err == nil:
			return seeOther(w, r, boAccrualURL(uin))
		case okno.IsCode(err, okno.ENOTFOUND):
			err = okno.Invalid(okno.FieldError{Field: "uin", Key: "web.backoffice.uin_not_found"})
		case !okno.IsCode(err, okno.EINVALID):
			return err
		}
		return s.renderAccruals(w, r, adm, err)
	}
	return s.renderAccruals(w, r, adm, nil)
}

// renderAccruals renders the list, with searchErr on the search form.
func (s *Server) renderAccruals(w http.ResponseWriter, r *http.Request, adm accrualAdmin, searchErr error) error {
	ctx, l, actor, q := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context()), r.URL.Query()
	sources := adm.Sources()
	statusField := Field{Name: "status", Type: "select", Label: l.T("web.backoffice.filter_status"),
		Groups: []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.backoffice.any")}}}}}
	for _, st := range accrualStatuses {
		statusField.Groups[0].Options = append(statusField.Groups[0].Options, Option{Value: string(st), Label: l.T("web.backoffice.accrual_status." + string(st))})
	}
	sourceField := Field{Name: "source", Type: "select", Label: l.T("web.backoffice.filter_source"),
		Groups: []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.backoffice.any")}, {Value: accrual.OwnSource, Label: l.T("web.backoffice.source_okno")}}}}}
	for _, src := range sources {
		sourceField.Groups[0].Options = append(sourceField.Groups[0].Options, Option{Value: src.Code, Label: src.Name})
	}
	f := accrual.Filter{Status: accrual.Status(q.Get("status")), Source: q.Get("source")}
	page, listErr := adm.List(ctx, actor, f, q.Get("after"), accrual.DefaultPage)
	if listErr != nil && !userError(listErr) {
		return listErr
	}
	data := boAccrualsPage{
		Search: NewForm(l, q, searchErr, Field{Name: "uin", Type: "search", Label: l.T("web.backoffice.uin_label"),
			Hint: l.T("web.backoffice.uin_hint"), Width: "medium", Autocomplete: "off"}),
		Filter: NewForm(l, q, listErr, statusField, sourceField),
	}
	for _, a := range page.Accruals {
		data.Rows = append(data.Rows, boAccrualRowOf(l, sources, a))
	}
	if page.Next != "" {
		next := url.Values{"status": {string(f.Status)}, "source": {f.Source}, "after": {page.Next}}
		data.Pagination.NextURL = "/staff/accruals?" + next.Encode()
	}
	status := http.StatusOK
	for _, err := range []error{searchErr, listErr} {
		if err != nil {
			status = formStatus(err)
		}
	}
	return s.render(w, status, "backoffice-accruals", s.view(w, r, "web.backoffice.accruals_title", data))
}

func boAccrualRowOf(l i18n.Localizer, sources []accrual.SourceInfo, a accrual.Accrual) boAccrualRow {
	return boAccrualRow{UIN: a.UIN, URL: boAccrualURL(a.UIN), Purpose: a.Purpose, Source: boSourceName(l, sources, a.Source),
		Amount: boMoney(l, a.Amount), Paid: boMoney(l, a.Paid), BillDate: formatDate(l, a.BillDate.In(moscow).Format("2006-01-02")),
		Status: boAccrualTag(l, a.Status)}
}

// boAccrualPage is the data of /staff/accruals/{uin}.
type boAccrualPage struct {
	UIN      string
	Status   Tag
	Summary  []SummaryRow
	History  []boChangeRow
	Receipts []boReceiptRow
}

// boChangeRow is one line of an accrual's history.
type boChangeRow struct {
	At, Source, Kind, Seq, Amount string
	Status                        Tag
}

// boReceiptRow is one payment counted against the accrual; URL is its
// payment's page when it is one of Okno's and payments are taken.
type boReceiptRow struct {
	At, Ref, URL, Amount string
}

// boAccrual shows one accrual: what it is, where it stands, its history
// and the payments counted against it.
func (s *Server) boAccrual(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.accrualAdmin()
	if err != nil {
		return err
	}
	ctx, l, actor := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	uin := r.PathValue("uin")
	if accrual.UINProblem(uin) != "" {
		return okno.Errorf(okno.ENOTFOUND, "accrual.not_found")
	}
	a, err := adm.Get(ctx, actor, uin)
	if err != nil {
		return err
	}
	changes, err := adm.History(ctx, uin)
	if err != nil {
		return err
	}
	receipts, err := adm.Receipts(ctx, a)
	if err != nil {
		return err
	}
	sources := adm.Sources()
	now := s.now()
	data := boAccrualPage{UIN: a.UIN, Status: boAccrualTag(l, a.Status)}
	row := func(key, value string) {
		if value != "" {
			data.Summary = append(data.Summary, SummaryRow{Key: l.T(key), Value: value})
		}
	}
	row("web.backoffice.col_uin", a.UIN)
	row("web.backoffice.col_source", boSourceName(l, sources, a.Source))
	row("web.backoffice.col_kind", l.T("web.backoffice.kind."+string(a.Kind)))
	if a.PayeeOrgID != 0 && s.deps.Orgs != nil {
		if o, err := s.deps.Orgs.Get(ctx, a.PayeeOrgID); err == nil {
			row("web.backoffice.col_payee", orgLabel(o))
		}
	}
	row("web.backoffice.col_purpose", a.Purpose)
	row("web.backoffice.col_article", a.Article)
	row("web.backoffice.col_place", a.Place)
	row("web.backoffice.col_amount", boMoney(l, a.Amount))
	if a.Discount.Kind != accrual.DiscountNone {
		d := strconv.FormatInt(a.Discount.Value, 10) + "%"
		if a.Discount.Kind == accrual.DiscountFixed {
			d = boMoney(l, a.Discount.Value)
		}
		row("web.backoffice.col_discount", l.T("web.backoffice.discount_until", d, formatTime(l, a.Discount.Until)))
	}
	row("web.backoffice.col_paid", boMoney(l, a.Paid))
	row("web.backoffice.col_due_now", boMoney(l, a.AmountDue(now)))
	if over := a.Overpaid(); over > 0 {
		row("web.backoffice.col_overpaid", boMoney(l, over))
	}
	row("web.backoffice.col_bill_date", formatTime(l, a.BillDate))
	row("web.backoffice.col_due_date", formatTime(l, a.DueDate))
	if a.CaseID != 0 {
		row("web.backoffice.col_case", strconv.FormatInt(a.CaseID, 10))
	}
	for _, c := range changes {
		data.History = append(data.History, boChangeRow{At: formatTime(l, c.At), Source: boSourceName(l, sources, c.Source),
			Kind: l.T("web.backoffice.change." + c.Kind), Seq: strconv.FormatInt(c.Seq, 10), Amount: boMoney(l, c.Amount),
			Status: boAccrualTag(l, c.Status)})
	}
	for _, rc := range receipts {
		row := boReceiptRow{At: formatTime(l, rc.At), Ref: rc.Ref, Amount: boMoney(l, rc.Amount)}
		if id, ok := payment.PaymentOfRef(rc.Ref); ok && s.paymentAdmin() != nil {
			row.URL = "/staff/payments/" + strconv.FormatInt(id, 10)
		}
		data.Receipts = append(data.Receipts, row)
	}
	v := s.view(w, r, "web.backoffice.accrual_title", data)
	return s.render(w, http.StatusOK, "backoffice-accrual", v)
}
