package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/rating"
)

// qualityPage is the data of /staff/quality: every rated service and
// organisation with its averages per criterion, flagged ones first.
type qualityPage struct {
	Region    bool // the region's view; false: the services the owner owns
	Threshold string
	Services  Table
	Orgs      Table
	Flagged   int
}

// qualityDashboard shows the quality ratings: the region's to
// supervisors, controllers and administrators, a service owner's own
// services to owners (package rating decides which).
func (s *Server) qualityDashboard(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Ratings == nil {
		return okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	ctx, l, actor := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	all, err := s.deps.Ratings.MayView(ctx, actor)
	if err != nil {
		return err
	}
	services, err := s.deps.Ratings.Services(ctx, actor, rating.Query{})
	if err != nil {
		return err
	}
	orgs, err := s.deps.Ratings.Orgs(ctx, actor)
	if err != nil {
		return err
	}
	page := qualityPage{Region: all, Threshold: decimal(l, rating.Threshold)}
	page.Services = qualityTable(l, l.T("web.quality.services_caption"), l.T("web.quality.service"), services,
		func(st rating.Stat) string { return s.serviceTitle(ctx, l, st.Service) })
	page.Orgs = qualityTable(l, l.T("web.quality.orgs_caption"), l.T("web.quality.org"), orgs,
		func(st rating.Stat) string { return s.orgName(ctx, st.OrgID) })
	for _, st := range services {
		if st.Flagged {
			page.Flagged++
		}
	}
	return s.render(w, http.StatusOK, "rating-quality", s.view(w, r, "web.quality.title", page))
}

// qualityTable lays aggregates out: name, count, each criterion, overall,
// and a text marker for flagged rows (never colour alone).
func qualityTable(l i18n.Localizer, caption, first string, stats []rating.Stat, name func(rating.Stat) string) Table {
	t := Table{Caption: caption, Head: []string{first, l.T("web.quality.count")}, Numeric: []bool{false, true}}
	for _, c := range rating.Criteria {
		t.Head = append(t.Head, l.T("web.quality.criterion."+string(c)))
		t.Numeric = append(t.Numeric, true)
	}
	t.Head = append(t.Head, l.T("web.quality.overall"), l.T("web.quality.status"))
	t.Numeric = append(t.Numeric, true, false)
	for _, st := range stats {
		row := []string{name(st), strconv.FormatInt(st.Count, 10)}
		for _, c := range rating.Criteria {
			row = append(row, decimal(l, st.Averages[c]))
		}
		status := l.T("web.quality.ok")
		if st.Flagged {
			status = l.T("web.quality.flagged", decimal(l, rating.Threshold))
			row[0] = "⚑ " + row[0]
		}
		t.Rows = append(t.Rows, append(row, decimal(l, st.Overall), status))
	}
	return t
}

// serviceTitle names a service by its catalogue card, or by its code when
// the catalogue does not have it.
func (s *Server) serviceTitle(ctx context.Context, l i18n.Localizer, code string) string {
	if s.deps.Services == nil {
		return code
	}
	svc, err := s.deps.Services.Get(ctx, code)
	if err != nil {
		if !okno.IsCode(err, okno.ENOTFOUND) {
			s.log.Warn("web: quality: service title", "service", code, "error", err.Error())
		}
		return code
	}
	return svc.Title.In(string(l.Lang()))
}

// orgName names an organisation, or gives its number when it is gone.
func (s *Server) orgName(ctx context.Context, id int64) string {
	if s.deps.Orgs != nil {
		if o, err := s.deps.Orgs.Get(ctx, id); err == nil {
			return o.Name
		}
	}
	return "№ " + strconv.FormatInt(id, 10)
}
