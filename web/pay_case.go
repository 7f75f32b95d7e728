package web

import (
	"net/http"

	"github.com/okno/okno/accrual"
	"github.com/okno/okno/casework"
)

// caseInvoices fills the case page's «Счета к оплате»: the fees billed to
// the case, which its viewer may see because they see the case (the
// caller read it as them).
func (s *Server) caseInvoices(r *http.Request, c casework.Case, data *cabinetCasePage) error {
	if s.deps.Accruals == nil {
		return nil
	}
	fees, err := s.deps.Accruals.ByCase(r.Context(), c.ID)
	if err != nil {
		return err
	}
	l := stateFrom(r.Context()).loc
	for _, f := range fees {
		line := fineLineOf(l, f)
		line.CaseURL = "" // the page is the case
		data.Invoices = append(data.Invoices, line)
	}
	data.CanPay = s.deps.Payments != nil
	return nil
}

// unpaidOf reports whether anything billed to case id is still due.
func (s *Server) unpaidOf(r *http.Request, id int64) bool {
	if s.deps.Accruals == nil {
		return false
	}
	fees, err := s.deps.Accruals.ByCase(r.Context(), id)
	if err != nil {
		return false // a marker, not the page: the case page says it in full
	}
	for _, f := range fees {
		if f.Status != accrual.StatusAnnulled && f.DueNow > 0 {
			return true
		}
	}
	return false
}
