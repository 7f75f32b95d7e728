package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/payment"
)

// paymentsPerPage is how many payments «Мои платежи» shows at once.
const paymentsPerPage = 20

// payGoPage is «Переход к оплате»: what is paid, how much, and the link to
// the provider's page. A link, not a redirect: the CSP's form-action
// 'self' blocks a form answered by a redirect to another origin.
type payGoPage struct {
	Amount, Purpose, UIN string
	URL                  string // the provider's page
	Back                 string
}

// payReturnPage is where the provider sends the citizen back.
type payReturnPage struct {
	Paid, Pending, Failed bool
	Panel                 Panel
	Amount, UIN           string
	RefreshURL            string
	RetryKey              string // a new key: trying again is a new payment
	CaseURL               string
}

// payListPage is «Мои платежи».
type payListPage struct {
	Table Table
	Items []payLine
	Pages Pagination
	Later bool
}

// payLine is one payment of the citizen's.
type payLine struct {
	When, UIN, Amount string
	Tag               Tag
	URL               string // the return page, which asks the provider while it is open
}

// payStart begins paying the accrual named by the form's УИН. The form's
// idempotency key was made when the page was drawn, so a double submit
// reuses it and the provider makes one payment.
func (s *Server) payStart(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if s.deps.Payments == nil {
		return seeOther(w, r, "/cabinet/fines")
	}
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	uin := strings.TrimSpace(r.PostFormValue("uin"))
	key := r.PostFormValue("idempotency_key")
	if !validKey(key) {
		key = newFormKey()
	}
	ret := s.payOrigin(r) + "/payments/" + payment.ReturnPlaceholder + "/return"
	p, err := s.deps.Payments.Start(ctx, okno.ActorFrom(ctx), uin, ret, key)
	if err != nil {
		return err
	}
	u, perr := url.Parse(p.ConfirmationURL)
	if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	data := payGoPage{Amount: moneyText(l, p.Amount), UIN: p.UIN, URL: u.String(), Back: "/cabinet/fines"}
	data.Purpose = s.purposeOf(r, p)
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, http.StatusOK, "pay-go", s.view(w, r, "web.pay.go_title", data))
}

// purposeOf is what the payment is for: the accrual's purpose, found among
// the citizen's own accruals (first page) or the case's; "" if neither.
func (s *Server) purposeOf(r *http.Request, p payment.Payment) string {
	ctx := r.Context()
	if p.CaseID != 0 {
		if fs, err := s.deps.Accruals.ByCase(ctx, p.CaseID); err == nil {
			for _, f := range fs {
				if f.UIN == p.UIN {
					return f.Purpose
				}
			}
		}
	}
	page, err := s.deps.Accruals.Fines(ctx, okno.ActorFrom(ctx), "", finesPerPage)
	if err != nil {
		return ""
	}
	for _, f := range page.Fines {
		if f.UIN == p.UIN {
			return f.Purpose
		}
	}
	return ""
}

// payOrigin is the portal's public address, for the provider's return
// link: the configured one, else the address the browser reached.
func (s *Server) payOrigin(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimSuffix(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.BehindTLS {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// payReturn is the return page: the payment as it stands (the service
// asks the provider if no notification has settled it yet).
func (s *Server) payReturn(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.deps.Payments == nil {
		return okno.Errorf(okno.ENOTFOUND, "payment.not_found")
	}
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	p, err := s.deps.Payments.Return(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	data := payReturnPage{Amount: moneyText(l, p.Amount), UIN: p.UIN}
	if p.CaseID != 0 {
		data.CaseURL = "/cabinet/cases/" + strconv.FormatInt(p.CaseID, 10)
	}
	title := "web.pay.return_pending"
	switch {
	case p.Status.Paid():
		data.Paid, title = true, "web.pay.return_paid"
		data.Panel = Panel{Title: l.T("web.pay.return_paid"), Body: l.T("web.pay.return_paid_body", data.Amount), Reference: p.UIN}
	case p.Status == payment.StatusFailed || p.Status == payment.StatusCancelled:
		data.Failed, title = true, "web.pay.return_failed"
		data.RetryKey = newFormKey()
	default:
		data.Pending = true
		data.RefreshURL = "/payments/" + strconv.FormatInt(p.ID, 10) + "/return"
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, http.StatusOK, "pay-return", s.view(w, r, title, data))
}

// payList is «Мои платежи»: the citizen's payments, newest first.
func (s *Server) payList(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	after := r.URL.Query().Get("after")
	if len(after) > 200 {
		return okno.Errorf(okno.EINVALID, "error.bad_request")
	}
	data := payListPage{Later: after != ""}
	if s.deps.Payments != nil {
		page, err := s.deps.Payments.Mine(ctx, okno.ActorFrom(ctx), after, paymentsPerPage)
		if err != nil {
			return err
		}
		for _, p := range page.Payments {
			data.Items = append(data.Items, payLine{When: formatTime(l, p.CreatedAt), UIN: p.UIN, Amount: moneyText(l, p.Amount),
				Tag: paymentTag(l, p.Status), URL: "/payments/" + strconv.FormatInt(p.ID, 10) + "/return"})
		}
		if page.Next != "" {
			data.Pages.NextURL = "/cabinet/payments?" + url.Values{"after": {page.Next}}.Encode()
		}
	}
	if data.Later {
		data.Pages.PrevURL = "/cabinet/payments"
	}
	return s.render(w, http.StatusOK, "pay-list", s.view(w, r, "web.pay.list_title", data))
}

// paymentTag names a payment's status in words.
func paymentTag(l i18n.Localizer, st payment.Status) Tag {
	colour := "blue"
	switch {
	case st == payment.StatusSucceeded:
		colour = "green"
	case st == payment.StatusFailed || st == payment.StatusCancelled:
		colour = "red"
	case st.Paid():
		colour = "grey"
	}
	return Tag{Text: l.T("web.pay.pstatus." + string(st)), Colour: colour}
}

// payNotification takes the provider's signed notification: the raw body
// and headers go to the payment service, which verifies before it reads.
// A duplicate or late one is acknowledged (200) so the provider stops;
// a refused one is 401 (signature, replay), 400, 404 or 409.
func (s *Server) payNotification(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Payments == nil {
		return okno.Errorf(okno.ENOTFOUND, "payment.not_found")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return classify(err)
	}
	out, err := s.deps.Payments.HandleNotification(r.Context(), body, r.Header)
	if e := okno.AsError(err); err != nil && e.Code == okno.EINVALID && statusOf(e) == http.StatusUnprocessableEntity {
		// A provider is a program: a notification it got wrong is a bad
		// request (400), whichever field was wrong; the body names it.
		s.problem(w, r, http.StatusBadRequest, e)
		return nil
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, payNotificationAnswer{PaymentID: out.PaymentID, Status: string(out.Status),
		Duplicate: out.Duplicate, Late: out.Late})
}

// payNotificationAnswer is what the notification endpoint answers.
type payNotificationAnswer struct {
	PaymentID int64  `json:"payment_id"`
	Status    string `json:"status"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Late      bool   `json:"late,omitempty"`
}
