package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/payment"
)

// Reconciliation: the provider's statement of a day against our payments
// and refunds (payment.Reconcile). Reports are found by their day, as
// payment keeps them; a report's page is /staff/reconciliation/{id}?day=.

// boReconciliationsPage is the data of /staff/reconciliation.
type boReconciliationsPage struct {
	NoProvider bool
	Form       Form // the day to reconcile or look at
	Day        string
	Rows       []boReconciliationRow
}

// boReconciliationRow is one stored report of the day.
type boReconciliationRow struct {
	URL, Created                                    string
	Matched, MissingOurs, MissingTheirs, Mismatched int
	Clean                                           bool
}

func boReconciliationURL(r payment.Reconciliation) string {
	return "/staff/reconciliation/" + strconv.FormatInt(r.ID, 10) + "?" + url.Values{"day": {r.Day}}.Encode()
}

// boYesterday is the day a reconciliation usually looks at: yesterday in
// Moscow, whose statement is complete.
func (s *Server) boYesterday() string {
	return s.now().In(payment.Moscow).AddDate(0, 0, -1).Format("2006-01-02")
}

// boReconciliations lists the reports of ?day= (yesterday by default).
func (s *Server) boReconciliations(w http.ResponseWriter, r *http.Request) error {
	if s.paymentAdmin() == nil {
		return s.boNoProvider(w, r, "backoffice-reconciliations", "web.backoffice.reconciliation_title", boReconciliationsPage{NoProvider: true})
	}
	day := r.URL.Query().Get("day")
	if day == "" {
		day = s.boYesterday()
	}
	return s.renderReconciliations(w, r, day, nil)
}

// renderReconciliations renders the day's reports and the form, with the
// problems of formErr.
func (s *Server) renderReconciliations(w http.ResponseWriter, r *http.Request, day string, formErr error) error {
	ctx, l, actor := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	data := boReconciliationsPage{Day: day}
	status := http.StatusOK
	if formErr == nil {
		reports, err := s.paymentAdmin().Reconciliations(ctx, actor, day)
		switch {
		case okno.IsCode(err, okno.EINVALID):
			formErr = err
		case err != nil:
			return err
		}
		for _, rep := range reports {
			data.Rows = append(data.Rows, boReconciliationRow{URL: boReconciliationURL(rep), Created: formatTime(l, rep.CreatedAt),
				Matched: rep.Matched, MissingOurs: len(rep.MissingOurs), MissingTheirs: len(rep.MissingTheirs),
				Mismatched: len(rep.Mismatched), Clean: rep.Clean()})
		}
	}
	if formErr != nil {
		status = formStatus(formErr)
	}
	data.Form = NewForm(l, url.Values{"day": {day}}, formErr, Field{Name: "day", Type: "date",
		Label: l.T("web.backoffice.day_label"), Hint: l.T("web.backoffice.day_hint")})
	return s.render(w, status, "backoffice-reconciliations", s.view(w, r, "web.backoffice.reconciliation_title", data))
}

// boReconcile runs a reconciliation of the posted day and shows its report.
func (s *Server) boReconcile(w http.ResponseWriter, r *http.Request) error {
	pa := s.paymentAdmin()
	if pa == nil {
		return s.boNoProvider(w, r, "backoffice-reconciliations", "web.backoffice.reconciliation_title", boReconciliationsPage{NoProvider: true})
	}
	day := r.PostFormValue("day")
	rep, err := pa.Reconcile(r.Context(), okno.ActorFrom(r.Context()), day)
	switch {
	case err == nil:
		return seeOther(w, r, boReconciliationURL(rep))
	case okno.IsCode(err, okno.EINVALID):
		return s.renderReconciliations(w, r, day, err)
	}
	return err
}

// boReconciliationPage is the data of one report.
type boReconciliationPage struct {
	NoProvider                             bool
	Day, Created, Back                     string
	Matched                                int
	Clean                                  bool
	MissingOurs, MissingTheirs, Mismatched []boDifferenceRow
}

// boDifferenceRow is one line where we and the provider disagree.
type boDifferenceRow struct {
	Kind, ProviderID, PaymentURL, PaymentID, Ours, Theirs string
	OurStatus                                             *Tag
}

// boReconciliation shows one report: matched, missing on our side,
// missing on theirs, amounts that differ.
func (s *Server) boReconciliation(w http.ResponseWriter, r *http.Request) error {
	pa := s.paymentAdmin()
	if pa == nil {
		return s.boNoProvider(w, r, "backoffice-reconciliation", "web.backoffice.report_title", boReconciliationPage{NoProvider: true})
	}
	ctx, l, actor := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	id, err := pathID(r, "id")
	notFound := okno.Errorf(okno.ENOTFOUND, "web.backoffice.report_not_found")
	if err != nil {
		return notFound
	}
	day := r.URL.Query().Get("day")
	if _, _, ok := payment.DayBounds(day); !ok {
		return notFound
	}
	reports, err := pa.Reconciliations(ctx, actor, day)
	if err != nil {
		return err
	}
	for _, rep := range reports {
		if rep.ID != id {
			continue
		}
		data := boReconciliationPage{Day: formatDate(l, rep.Day), Created: formatTime(l, rep.CreatedAt), Matched: rep.Matched,
			Clean: rep.Clean(), Back: "/staff/reconciliation?" + url.Values{"day": {rep.Day}}.Encode()}
		rows := func(ds []payment.Difference) []boDifferenceRow {
			var out []boDifferenceRow
			for _, d := range ds {
				row := boDifferenceRow{Kind: l.T("web.backoffice.difference." + d.Kind), ProviderID: d.ProviderID}
				if d.PaymentID != 0 {
					row.PaymentID, row.PaymentURL = strconv.FormatInt(d.PaymentID, 10), boPaymentURL(d.PaymentID)
				}
				if d.OurAmount != 0 {
					row.Ours = boMoney(l, d.OurAmount)
				}
				if d.TheirAmount != 0 {
					row.Theirs = boMoney(l, d.TheirAmount)
				}
				if d.OurStatus != "" {
					t := boPaymentTag(l, d.OurStatus)
					row.OurStatus = &t
				}
				out = append(out, row)
			}
			return out
		}
		data.MissingOurs, data.MissingTheirs, data.Mismatched = rows(rep.MissingOurs), rows(rep.MissingTheirs), rows(rep.Mismatched)
		return s.render(w, http.StatusOK, "backoffice-reconciliation", s.view(w, r, "web.backoffice.report_title", data))
	}
	return notFound
}
