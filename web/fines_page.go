package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/i18n"
)

// finesPerPage is how many accruals «Платежи и штрафы» shows at once.
const finesPerPage = 20

// finesPage is the data of /cabinet/fines: the citizen's documents with
// the form to add one, and every fine and fee they owe or owed.
type finesPage struct {
	Documents []fineDocument
	Form      Form // adding documents: "licence", "sts"
	Unpaid    []fineLine
	Settled   []fineLine
	Pages     Pagination
	Later     bool
	CanPay    bool // a payment provider is connected
	Banner    *Banner
}

// fineDocument is one registered document, masked, with its remove form.
type fineDocument struct {
	Kind, Masked, DeleteAction string
}

// fineLine is one fine or fee as its payer sees it.
type fineLine struct {
	Title    string // the purpose
	Kind     string // "Штраф" or "Госпошлина"
	Article  string
	Place    string
	Date     string // the decision's or the bill's day
	UIN      string
	DueKey   string // what Due is: to pay now, paid, or the annulled amount
	Due      string // what to pay now, discount counted; or what was paid
	Full     string // the amount without the discount, when it differs
	Discount string // the countdown, e.g. «Скидка 50 % — ещё 6 дней»
	Tags     []Tag
	Unpaid   bool
	PayKey   string // the idempotency key of this line's «Оплатить»
	CaseURL  string // a fee's case
}

// fines is «Платежи и штрафы»: documents, then what is to pay, then what
// is paid or annulled, in keyset pages.
func (s *Server) fines(w http.ResponseWriter, r *http.Request) error {
	var banner *Banner
	switch r.URL.Query().Get("done") {
	case "added":
		banner = &Banner{Title: stateFrom(r.Context()).loc.T("web.pay.doc_added"), Success: true}
	case "removed":
		banner = &Banner{Title: stateFrom(r.Context()).loc.T("web.pay.doc_removed"), Success: true}
	}
	return s.renderFines(w, r, http.StatusOK, nil, nil, banner)
}

// fineDocumentAdd registers the documents the citizen typed (either or
// both); bad numbers come back as field errors with the values kept.
func (s *Server) fineDocumentAdd(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	actor := okno.ActorFrom(ctx)
	var fe okno.FieldErrors
	given := 0
	for _, kind := range []accrual.DocKind{accrual.DocLicence, accrual.DocSTS} {
		v := strings.TrimSpace(r.PostFormValue(string(kind)))
		if v == "" {
			continue
		}
		given++
		if len(v) > 40 {
			fe.Add(string(kind), "accrual.doc_invalid")
			continue
		}
		err := s.deps.Accruals.AddDocument(ctx, actor, kind, v)
		if e := okno.AsError(err); err != nil && e.Code == okno.EINVALID && len(e.Fields) > 0 {
			fe = append(fe, e.Fields...)
			continue
		}
		if err != nil {
			return err
		}
	}
	if given == 0 {
		fe.Add(string(accrual.DocLicence), "web.pay.doc_required")
	}
	if err := fe.Err(); err != nil {
		return s.renderFines(w, r, formStatus(err), r.PostForm, err, nil)
	}
	return seeOther(w, r, "/cabinet/fines?done=added")
}

// fineDocumentRemove forgets one of the citizen's documents; another's is
// not found.
func (s *Server) fineDocumentRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.deps.Accruals.RemoveDocument(r.Context(), okno.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	return seeOther(w, r, "/cabinet/fines?done=removed")
}

func (s *Server) renderFines(w http.ResponseWriter, r *http.Request, status int, values url.Values, ferr error, banner *Banner) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	actor := okno.ActorFrom(ctx)
	after := r.URL.Query().Get("after")
	if len(after) > 200 {
		return okno.Errorf(okno.EINVALID, "error.bad_request")
	}
	docs, err := s.deps.Accruals.Documents(ctx, actor)
	if err != nil {
		return err
	}
	page, err := s.deps.Accruals.Fines(ctx, actor, after, finesPerPage)
	if err != nil {
		return err
	}
	data := finesPage{Later: after != "", CanPay: s.deps.Payments != nil, Banner: banner}
	for _, d := range docs {
		data.Documents = append(data.Documents, fineDocument{Kind: l.T("web.pay.doc_kind." + string(d.Kind)), Masked: d.Masked,
			DeleteAction: "/cabinet/fines/documents/" + strconv.FormatInt(d.ID, 10) + "/delete"})
	}
	data.Form = NewForm(l, values, ferr,
		Field{Name: string(accrual.DocLicence), Label: l.T("web.pay.doc_kind.licence"), Hint: l.T("web.pay.licence_hint"), Width: "medium", Autocomplete: "off"},
		Field{Name: string(accrual.DocSTS), Label: l.T("web.pay.doc_kind.sts"), Hint: l.T("web.pay.sts_hint"), Width: "medium", Autocomplete: "off"})
	for _, f := range page.Fines {
		line := fineLineOf(l, f)
		if line.Unpaid {
			data.Unpaid = append(data.Unpaid, line)
		} else {
			data.Settled = append(data.Settled, line)
		}
	}
	if page.Next != "" {
		data.Pages.NextURL = "/cabinet/fines?" + url.Values{"after": {page.Next}}.Encode()
	}
	if data.Later {
		data.Pages.PrevURL = "/cabinet/fines"
	}
	return s.render(w, status, "fines-list", s.view(w, r, "web.pay.fines_title", data))
}

// fineLine says what a citizen needs of one accrual: what, where, when,
// how much now and until when the discount runs.
func fineLineOf(l i18n.Localizer, f accrual.Fine) fineLine {
	line := fineLine{Title: f.Purpose, Article: f.Article, Place: f.Place, UIN: f.UIN,
		Kind: l.T("web.pay.kind." + string(f.Kind))}
	if !f.BillDate.IsZero() {
		line.Date = dayText(l, f.BillDate)
	}
	if f.Kind == accrual.KindFee && f.CaseID != 0 {
		line.CaseURL = "/cabinet/cases/" + strconv.FormatInt(f.CaseID, 10)
	}
	line.Tags = []Tag{accrualTag(l, f.Status, f.DueNow)}
	switch {
	case f.DueNow > 0:
		line.Unpaid = true
		line.Due = moneyText(l, f.DueNow)
		if full := f.Amount - f.Paid; full != f.DueNow && full > 0 {
			line.Full = moneyText(l, full)
		}
		line.Discount = discountText(l, f)
		line.PayKey = newFormKey()
		line.DueKey = l.T("web.pay.due_now")
	case f.Status == accrual.StatusAnnulled:
		line.Due, line.DueKey = moneyText(l, f.Amount), l.T("web.pay.amount")
	default:
		line.Due, line.DueKey = moneyText(l, f.Paid), l.T("web.pay.paid_amount")
	}
	return line
}

// accrualTag names where an accrual stands in words (colour only helps).
func accrualTag(l i18n.Localizer, st accrual.Status, due int64) Tag {
	switch {
	case st == accrual.StatusAnnulled:
		return Tag{Text: l.T("web.pay.status.annulled"), Colour: "grey"}
	case due == 0:
		return Tag{Text: l.T("web.pay.status.paid"), Colour: "green"}
	case st == accrual.StatusPartly:
		return Tag{Text: l.T("web.pay.status.partly"), Colour: "yellow"}
	}
	return Tag{Text: l.T("web.pay.status.unpaid"), Colour: "red"}
}

// discountText counts the discount down: days left, the last day, or
// that it has expired; "" when the accrual has none.
func discountText(l i18n.Localizer, f accrual.Fine) string {
	if f.Discount.Kind == accrual.DiscountNone {
		return ""
	}
	share := moneyText(l, f.Discount.Value)
	if f.Discount.Kind == accrual.DiscountPercent {
		share = fmt.Sprintf("%d\u00a0%%", f.Discount.Value)
	}
	switch {
	case f.DaysLeft > 1:
		return l.T("web.pay.discount_days", f.DaysLeft, share, dueDay(l, f.Discount.Until))
	case f.DaysLeft == 1:
		return l.T("web.pay.discount_last_day", share)
	}
	return l.T("web.pay.discount_expired", share)
}

// moneyText writes kopecks as people read roubles: «1 500 ₽», «250,50 ₽».
func moneyText(l i18n.Localizer, kopecks int64) string {
	rub := groupDigits(strconv.FormatInt(kopecks/100, 10))
	if k := kopecks % 100; k != 0 {
		sep := ","
		if l.Lang() == i18n.English {
			sep = "."
		}
		rub += fmt.Sprintf("%s%02d", sep, k)
	}
	return l.T("web.pay.roubles", rub)
}
