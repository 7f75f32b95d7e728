package web

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/payment"
)

// The fines push and the staff systems' API for accruals and payments.
// The features decide who sees what (accrual.List/Get: the key's or the
// person's organisation, administrators everything; payment.Get); these
// handlers decode, call and encode. Nothing here names a payer's document.

// finesSignatureHeader carries an issuer's signature over the push's body.
const finesSignatureHeader = "X-Okno-Signature"

// finesReportJSON is what a push did.
type finesReportJSON struct {
	Records  int `json:"records"`
	Applied  int `json:"applied"`
	Stale    int `json:"stale"`
	Replayed int `json:"replayed"`
}

// apiFinesPush takes an issuer's push: the raw body and its signature go
// to accrual.Push, which checks the signature before reading a record and
// applies all of them or none.
func (s *Server) apiFinesPush(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.accrualAdmin()
	if err != nil {
		return err
	}
	source := r.PathValue("source")
	if !adm.HasSource(source) {
		return okno.Errorf(okno.ENOTFOUND, "web.backoffice.source_not_found")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err // over the route's limit: 413 (classify)
	}
	// The signature is the issuer's authentication; the audit entry names
	// the source and the batch's digest, so the actor is the system.
	rep, err := adm.Push(r.Context(), okno.System, source, body, r.Header.Get(finesSignatureHeader))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, finesReportJSON{Records: rep.Records, Applied: rep.Applied, Stale: rep.Stale, Replayed: rep.Replayed})
}

// accrualJSON is an accrual in the API: the charge, never the payer's
// documents.
type accrualJSON struct {
	UIN        string         `json:"uin"`
	Source     string         `json:"source"`
	Kind       accrual.Kind   `json:"kind"`
	Status     accrual.Status `json:"status"`
	PayeeOrgID int64          `json:"payee_org_id,omitempty"`
	Purpose    string         `json:"purpose"`
	Article    string         `json:"article,omitempty"`
	Place      string         `json:"place,omitempty"`
	Amount     int64          `json:"amount"`
	Paid       int64          `json:"paid"`
	DueNow     int64          `json:"due_now"`
	Discount   *discountJSON  `json:"discount,omitempty"`
	BillDate   time.Time      `json:"bill_date"`
	DueDate    time.Time      `json:"due_date,omitzero"`
	CaseID     int64          `json:"case_id,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
	History    []changeJSON   `json:"history,omitempty"`
}

type discountJSON struct {
	Kind  accrual.DiscountKind `json:"kind"`
	Value int64                `json:"value"`
	Until time.Time            `json:"until"`
}

type changeJSON struct {
	Source string         `json:"source"`
	Kind   string         `json:"kind"`
	Seq    int64          `json:"seq"`
	Status accrual.Status `json:"status"`
	Amount int64          `json:"amount"`
	At     time.Time      `json:"at"`
}

func toAccrualJSON(a accrual.Accrual, now time.Time) accrualJSON {
	out := accrualJSON{UIN: a.UIN, Source: a.Source, Kind: a.Kind, Status: a.Status, PayeeOrgID: a.PayeeOrgID, Purpose: a.Purpose,
		Article: a.Article, Place: a.Place, Amount: a.Amount, Paid: a.Paid, DueNow: a.AmountDue(now), BillDate: a.BillDate.UTC(),
		DueDate: a.DueDate.UTC(), CaseID: a.CaseID, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC()}
	if a.Discount.Kind != accrual.DiscountNone {
		out.Discount = &discountJSON{Kind: a.Discount.Kind, Value: a.Discount.Value, Until: a.Discount.Until.UTC()}
	}
	return out
}

// boAPILimit reads ?limit= (1–max; absent: the feature's default).
func boAPILimit(r *http.Request, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, okno.Invalid(okno.FieldError{Field: "limit", Key: "web.api.limit_invalid", Args: []any{max}})
	}
	return n, nil
}

// apiAccruals lists the accruals the client may see, newest first.
func (s *Server) apiAccruals(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.accrualAdmin()
	if err != nil {
		return err
	}
	limit, err := boAPILimit(r, accrual.MaxPage)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := accrual.Filter{Status: accrual.Status(q.Get("status")), Source: q.Get("source")}
	if v := q.Get("org_id"); v != "" {
		if f.OrgID, err = strconv.ParseInt(v, 10, 64); err != nil || f.OrgID < 0 {
			return okno.Invalid(okno.FieldError{Field: "org_id", Key: "web.backoffice.org_id_invalid"})
		}
	}
	pg, err := adm.List(r.Context(), okno.ActorFrom(r.Context()), f, q.Get("after"), limit)
	if err != nil {
		return renameFields(err, func(f string) string {
			if f == "cursor" {
				return "after"
			}
			return f
		})
	}
	now := s.now()
	out := page[accrualJSON]{Items: []accrualJSON{}, Next: pg.Next}
	for _, a := range pg.Accruals {
		out.Items = append(out.Items, toAccrualJSON(a, now))
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiAccrual returns one accrual with its history.
func (s *Server) apiAccrual(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.accrualAdmin()
	if err != nil {
		return err
	}
	uin := r.PathValue("uin")
	if accrual.UINProblem(uin) != "" {
		return okno.Errorf(okno.ENOTFOUND, "accrual.not_found")
	}
	a, err := adm.Get(r.Context(), okno.ActorFrom(r.Context()), uin)
	if err != nil {
		return err
	}
	changes, err := adm.History(r.Context(), uin)
	if err != nil {
		return err
	}
	out := toAccrualJSON(a, s.now())
	for _, c := range changes {
		out.History = append(out.History, changeJSON{Source: c.Source, Kind: c.Kind, Seq: c.Seq, Status: c.Status, Amount: c.Amount, At: c.At.UTC()})
	}
	return writeJSON(w, http.StatusOK, out)
}

// paymentJSON is a payment in the API: IDs, amounts and statuses.
type paymentJSON struct {
	ID          int64          `json:"id"`
	UIN         string         `json:"uin"`
	CaseID      int64          `json:"case_id,omitempty"`
	PayeeOrgID  int64          `json:"payee_org_id,omitempty"`
	Amount      int64          `json:"amount"`
	Refunded    int64          `json:"refunded"`
	Status      payment.Status `json:"status"`
	ProviderID  string         `json:"provider_id,omitempty"`
	NeedsRefund bool           `json:"needs_refund,omitempty"`
	PaidAt      time.Time      `json:"paid_at,omitzero"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// apiPayment returns one payment the client may see (payment.Get).
func (s *Server) apiPayment(w http.ResponseWriter, r *http.Request) error {
	pa := s.paymentAdmin()
	if pa == nil {
		return okno.Errorf(okno.ENOTFOUND, "web.backoffice.no_provider")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "payment.not_found")
	}
	p, err := pa.Get(r.Context(), okno.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, paymentJSON{ID: p.ID, UIN: p.UIN, CaseID: p.CaseID, PayeeOrgID: p.PayeeOrgID, Amount: p.Amount,
		Refunded: p.Refunded, Status: p.Status, ProviderID: p.ProviderID, NeedsRefund: p.NeedsRefund, PaidAt: p.PaidAt.UTC(),
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()})
}
