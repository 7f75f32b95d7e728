package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/i18n"
)

// adminRoutesPage is the data of /admin/appeals/routes: the rules in
// force grouped by category, a territory filter, and the form that sets a
// rule.
type adminRoutesPage struct {
	Banner      *Banner
	Territories []Option // the filter: "" is every territory
	Territory   string
	Groups      []routeGroup
	Count       int
	Form        Form
}

// routeGroup is one category's rules.
type routeGroup struct {
	Category string
	Rows     []routeRow
}

// routeRow is one rule in force.
type routeRow struct {
	ID                               int64
	Reason, Territory, Org, Position string
	Since                            string
	EndURL                           string
}

func routeFields(l i18n.Localizer, n *adminNames) ([]Field, error) {
	cats := []Option{{Value: "", Label: l.T("web.appeal_admin.choose")}}
	reasons := []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.appeal_admin.every_reason")}}}}
	for _, c := range n.tax.Categories {
		cats = append(cats, Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Title})
		g := OptionGroup{Label: c.Title}
		for _, r := range c.Reasons {
			g.Options = append(g.Options, Option{Value: strconv.FormatInt(r.ID, 10), Label: adminTrimOption(r.Title)})
		}
		reasons = append(reasons, g)
	}
	terrs := []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.appeal_admin.anywhere")}}}}
	byLevel := map[string]*OptionGroup{}
	for _, t := range n.terList {
		g := byLevel[string(t.Level)]
		if g == nil {
			terrs = append(terrs, OptionGroup{Label: l.T("web.appeal_admin.level." + string(t.Level))})
			g = &terrs[len(terrs)-1]
			byLevel[string(t.Level)] = g
		}
		g.Options = append(g.Options, Option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name})
	}
	orgs := []Option{{Value: "", Label: l.T("web.appeal_admin.choose")}}
	positions := []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.appeal_admin.inbox")}}}}
	sorted := append(n.orgList[:0:0], n.orgList...)
	sort.SliceStable(sorted, func(i, j int) bool { return orgLabel(sorted[i]) < orgLabel(sorted[j]) })
	for _, o := range sorted {
		orgs = append(orgs, Option{Value: strconv.FormatInt(o.ID, 10), Label: orgLabel(o)})
		ps, err := n.s.deps.Orgs.Positions(n.ctx, o.ID)
		if err != nil {
			return nil, err
		}
		g := OptionGroup{Label: orgLabel(o)}
		for _, p := range ps {
			g.Options = append(g.Options, Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
		}
		if len(g.Options) > 0 {
			positions = append(positions, g)
		}
	}
	return []Field{
		{Name: "category_id", Type: "select", Label: l.T("web.appeal_admin.category"), Required: true, Groups: []OptionGroup{{Options: cats}}},
		{Name: "reason_id", Type: "select", Label: l.T("web.appeal_admin.reason"), Hint: l.T("web.appeal_admin.reason_hint"), Groups: reasons},
		{Name: "territory_id", Type: "select", Label: l.T("web.appeal_admin.territory"), Hint: l.T("web.appeal_admin.territory_hint"), Groups: terrs},
		{Name: "org_id", Type: "select", Label: l.T("web.appeal_admin.org"), Required: true, Groups: []OptionGroup{{Options: orgs}}},
		{Name: "position_id", Type: "select", Label: l.T("web.appeal_admin.position"), Hint: l.T("web.appeal_admin.position_hint"), Groups: positions},
	}, nil
}

// adminAppealRoutes shows the table in force (?territory=ID narrows it to
// the rules of that territory and those of every territory).
func (s *Server) adminAppealRoutes(w http.ResponseWriter, r *http.Request) error {
	a, err := s.appealsAdmin(r)
	if err != nil {
		return err
	}
	var banner *Banner
	switch r.URL.Query().Get("done") {
	case "set":
		banner = &Banner{Title: stateFrom(r.Context()).loc.T("web.appeal_admin.route_set"), Success: true}
	case "end":
		banner = &Banner{Title: stateFrom(r.Context()).loc.T("web.appeal_admin.route_ended"), Success: true}
	}
	return s.renderAdminRoutes(w, r, a, http.StatusOK, nil, nil, banner)
}

func (s *Server) renderAdminRoutes(w http.ResponseWriter, r *http.Request, a AppealsAdmin, status int, values url.Values, formErr error, banner *Banner) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	tax, err := a.Taxonomy(ctx)
	if err != nil {
		return err
	}
	n, err := s.adminNames(ctx, l, tax)
	if err != nil {
		return err
	}
	routes, err := a.Routes(ctx, time.Time{})
	if err != nil {
		return err
	}
	filter, _ := strconv.ParseInt(r.URL.Query().Get("territory"), 10, 64)
	data := adminRoutesPage{Banner: banner, Territory: r.URL.Query().Get("territory"),
		Territories: []Option{{Value: "", Label: l.T("web.appeal_admin.all_territories")}}}
	for _, t := range n.terList {
		data.Territories = append(data.Territories, Option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name})
	}
	groups := map[int64]*routeGroup{}
	var order []int64
	for _, rt := range routes {
		if filter != 0 && rt.TerritoryID != 0 && rt.TerritoryID != filter {
			continue
		}
		g := groups[rt.CategoryID]
		if g == nil {
			g = &routeGroup{Category: n.category(rt.CategoryID)}
			groups[rt.CategoryID] = g
			order = append(order, rt.CategoryID)
		}
		g.Rows = append(g.Rows, routeRow{ID: rt.ID, Reason: n.reason(rt.ReasonID), Territory: n.territory(rt.TerritoryID),
			Org: n.org(rt.OrgID), Position: n.position(rt.OrgID, rt.PositionID), Since: formatTime(l, rt.ValidFrom),
			EndURL: "/admin/appeals/routes/" + strconv.FormatInt(rt.ID, 10) + "/end"})
		data.Count++
	}
	// Categories in the taxonomy's order.
	for _, c := range tax.Categories {
		if g := groups[c.ID]; g != nil {
			data.Groups = append(data.Groups, *g)
			delete(groups, c.ID)
		}
	}
	for _, id := range order {
		if g := groups[id]; g != nil {
			data.Groups = append(data.Groups, *g)
		}
	}
	fields, err := routeFields(l, n)
	if err != nil {
		return err
	}
	data.Form = NewForm(l, values, formErr, fields...)
	return s.render(w, status, "admin-appeal-routes", s.view(w, r, "web.appeal_admin.routes_title", data))
}

// adminAppealRouteSet puts a rule in force, closing the one it replaces.
func (s *Server) adminAppealRouteSet(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := s.appealsAdmin(r)
	if err != nil {
		return err
	}
	in := appeal.RouteInput{CategoryID: adminFormID(r, "category_id"), ReasonID: adminFormID(r, "reason_id"),
		TerritoryID: adminFormID(r, "territory_id"), OrgID: adminFormID(r, "org_id"), PositionID: adminFormID(r, "position_id")}
	var fe okno.FieldErrors
	if in.CategoryID <= 0 {
		fe.Add("category_id", "appeal.category_unknown")
	}
	err = fe.Err()
	if err == nil {
		_, err = a.SetRoute(r.Context(), okno.ActorFrom(r.Context()), in)
	}
	if userError(err) {
		return s.renderAdminRoutes(w, r, a, formStatus(err), r.PostForm, err, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/admin/appeals/routes?done=set")
}

// adminAppealRouteEnd closes a rule.
func (s *Server) adminAppealRouteEnd(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := s.appealsAdmin(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return okno.Errorf(okno.ENOTFOUND, "appeal.route_not_found")
	}
	if err := a.EndRoute(r.Context(), okno.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	return seeOther(w, r, "/admin/appeals/routes?done=end")
}

// adminAppealRouteHistory lists every rule ever set, newest first, closed
// ones with the time they were closed (?category=ID narrows it).
func (s *Server) adminAppealRouteHistory(w http.ResponseWriter, r *http.Request) error {
	a, err := s.appealsAdmin(r)
	if err != nil {
		return err
	}
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	tax, err := a.Taxonomy(ctx)
	if err != nil {
		return err
	}
	n, err := s.adminNames(ctx, l, tax)
	if err != nil {
		return err
	}
	cat, _ := strconv.ParseInt(r.URL.Query().Get("category"), 10, 64)
	hist, err := a.RouteHistory(ctx, cat, 2000)
	if err != nil {
		return err
	}
	t := Table{Caption: l.T("web.appeal_admin.history_caption"), Numeric: []bool{true},
		Head: []string{l.T("web.appeal_admin.rule"), l.T("web.appeal_admin.category"), l.T("web.appeal_admin.reason"),
			l.T("web.appeal_admin.territory"), l.T("web.appeal_admin.org"), l.T("web.appeal_admin.from"), l.T("web.appeal_admin.to"),
			l.T("web.appeal_admin.by")}}
	for _, rt := range hist {
		to := l.T("web.appeal_admin.in_force")
		if !rt.ValidTo.IsZero() {
			to = formatTime(l, rt.ValidTo)
		}
		t.Rows = append(t.Rows, []string{strconv.FormatInt(rt.ID, 10), n.category(rt.CategoryID), n.reason(rt.ReasonID),
			n.territory(rt.TerritoryID), n.org(rt.OrgID), formatTime(l, rt.ValidFrom), to, rt.CreatedBy})
	}
	return s.render(w, http.StatusOK, "admin-appeal-history", s.view(w, r, "web.appeal_admin.history_title", t))
}
