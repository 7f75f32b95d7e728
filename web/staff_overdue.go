package web

import (
	"net/http"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
)

// staffOverduePage is the data of /staff/overdue: the supervisor's view of
// open and overdue work in their organisation and every one below it.
type staffOverduePage struct {
	Rows   []overdueLine
	Totals overdueLine
}

// overdueLine is one organisation's counts. The acting organisation's
// counts link to its inboxes; the others' inboxes belong to their staff.
type overdueLine struct {
	Name                               string
	Open, Overdue, DueToday, Escalated overdueCount
	Own                                bool
}

// overdueCount is a number, linked to the inbox that lists it when the
// person can open that inbox.
type overdueCount struct {
	N   int
	URL string
}

// staffOverdue shows the supervisor's view.
func (s *Server) staffOverdue(w http.ResponseWriter, r *http.Request) error {
	a := okno.ActorFrom(r.Context())
	orgs, err := s.deps.Cases.Overdue(r.Context(), a)
	if err != nil {
		return err
	}
	var data staffOverduePage
	data.Totals.Name = stateFrom(r.Context()).loc.T("web.overdue.total")
	for _, o := range orgs {
		line := overdueLine{Name: o.OrgName, Own: o.OrgID == a.OrgID,
			Open: overdueCount{N: o.Open}, Overdue: overdueCount{N: o.Overdue}, DueToday: overdueCount{N: o.DueToday}, Escalated: overdueCount{N: o.Escalated}}
		if line.Own {
			line.Open.URL = inboxURL(casework.InboxQuery{View: casework.ViewOrg})
			line.Overdue.URL = inboxURL(casework.InboxQuery{View: casework.ViewOverdue})
			line.DueToday.URL = inboxURL(casework.InboxQuery{View: casework.ViewDueToday})
			line.Escalated.URL = inboxURL(casework.InboxQuery{View: casework.ViewEscalated})
		}
		data.Rows = append(data.Rows, line)
		data.Totals.Open.N += o.Open
		data.Totals.Overdue.N += o.Overdue
		data.Totals.DueToday.N += o.DueToday
		data.Totals.Escalated.N += o.Escalated
	}
	return s.render(w, http.StatusOK, "staff-overdue", s.view(w, r, "web.overdue.title", data))
}
