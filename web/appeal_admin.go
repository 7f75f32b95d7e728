package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/org"
)

// AppealsAdmin is what the administrators' pages use of package appeal
// beyond Appeals; *appeal.Service implements it.
type AppealsAdmin interface {
	Taxonomy(ctx context.Context) (*appeal.Taxonomy, error)
	Routes(ctx context.Context, at time.Time) ([]appeal.Route, error)
	RouteHistory(ctx context.Context, categoryID int64, limit int) ([]appeal.Route, error)
	SetRoute(ctx context.Context, actor okno.Actor, in appeal.RouteInput) (appeal.Route, error)
	EndRoute(ctx context.Context, actor okno.Actor, id int64) error
	SetLegalPeriod(ctx context.Context, actor okno.Actor, categoryID, reasonID int64, period string) error
	SetReplies(ctx context.Context, actor okno.Actor, reasonID int64, replies []appeal.Reply) error
}

// appealsAdmin returns the feature's administration, or a not-found error
// where the feedback platform is not part of this server, and refuses
// everyone but region administrators.
func (s *Server) appealsAdmin(r *http.Request) (AppealsAdmin, error) {
	a, ok := s.deps.Appeals.(AppealsAdmin)
	if s.deps.Appeals == nil || !ok {
		return nil, okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	yes, err := s.deps.Orgs.CanAdministerRegion(r.Context(), okno.ActorFrom(r.Context()))
	if err != nil {
		return nil, err
	}
	if !yes {
		return nil, okno.Errorf(okno.EFORBIDDEN, "appeal.admin_only")
	}
	return a, nil
}

// adminFormID reads an optional numeric form field: "" is 0; anything else
// that is not a positive number is -1, which the service refuses naming
// the field.
func adminFormID(r *http.Request, name string) int64 {
	v := formValue(r, name)
	if v == "" {
		return 0
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return -1
	}
	return id
}

// adminNames resolves the ids a routing table names, reading each
// organisation, position list and territory once per page.
type adminNames struct {
	ctx     context.Context
	s       *Server
	l       i18n.Localizer
	tax     *appeal.Taxonomy
	orgs    map[int64]string
	posns   map[int64]string
	terrs   map[int64]string
	orgList []org.Organisation
	terList []geo.Territory
}

func (s *Server) adminNames(ctx context.Context, l i18n.Localizer, tax *appeal.Taxonomy) (*adminNames, error) {
	n := &adminNames{ctx: ctx, s: s, l: l, tax: tax, orgs: map[int64]string{}, posns: map[int64]string{}, terrs: map[int64]string{}}
	for after := int64(0); ; {
		page, err := s.deps.Orgs.List(ctx, org.ListQuery{AfterID: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, o := range page {
			n.orgs[o.ID] = orgLabel(o)
		}
		n.orgList = append(n.orgList, page...)
		after = page[len(page)-1].ID
	}
	for after := int64(0); ; {
		page, err := s.deps.Territories.List(ctx, geo.ListQuery{AfterID: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, t := range page {
			n.terrs[t.ID] = t.Name
		}
		n.terList = append(n.terList, page...)
		after = page[len(page)-1].ID
	}
	return n, nil
}

func (n *adminNames) org(id int64) string {
	if v, ok := n.orgs[id]; ok {
		return v
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (n *adminNames) territory(id int64) string {
	if id == 0 {
		return n.l.T("web.appeal_admin.anywhere")
	}
	if v, ok := n.terrs[id]; ok {
		return v
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (n *adminNames) position(orgID, id int64) string {
	if id == 0 {
		return n.l.T("web.appeal_admin.inbox")
	}
	if v, ok := n.posns[id]; ok {
		return v
	}
	v := "#" + strconv.FormatInt(id, 10)
	if ps, err := n.s.deps.Orgs.Positions(n.ctx, orgID); err == nil {
		for _, p := range ps {
			n.posns[p.ID] = p.Title
			if p.ID == id {
				v = p.Title
			}
		}
	}
	n.posns[id] = v
	return v
}

func (n *adminNames) category(id int64) string {
	if c, ok := n.tax.Category(id); ok {
		return c.Title
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (n *adminNames) reason(id int64) string {
	if id == 0 {
		return n.l.T("web.appeal_admin.every_reason")
	}
	if r, _, ok := n.tax.ReasonByID(id); ok {
		return r.Title
	}
	return "#" + strconv.FormatInt(id, 10)
}

// adminPeriodLabel shows a legal period as people say it: "8 рабочих дней".
func adminPeriodLabel(l i18n.Localizer, p string, inherited string) string {
	if p == "" {
		return inherited
	}
	if strings.HasSuffix(p, "w") {
		n, _ := strconv.Atoi(strings.TrimSuffix(p, "w"))
		return l.T("web.appeal_admin.working_days", n)
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(p, "d"))
	return l.T("web.appeal_admin.calendar_days", n)
}

// adminTrimOption shortens the longest reason titles for a select's option; the
// full title is on the page's tables.
func adminTrimOption(s string) string {
	const max = 110
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
