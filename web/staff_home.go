package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/org"
)

// staffHomePage is the data of /staff, the back-office home.
type staffHomePage struct {
	Current  string // the organisation acted for; "" until chosen
	Switcher Form   // radios of the organisations the person works for
	Many     bool   // more than one: show the switcher
	None     bool   // holds no position anywhere
	Tiles    []tile
}

// tile is one entry of the back-office home: a tool the person's roles open.
type tile struct {
	Title, Text, URL string
	Soon             bool // not built yet: shown, not linked
}

// staffTiles picks the tools for roles. Which roles open which tool is
// decided by the route table's access rules; this only avoids showing
// doors that would answer 403.
func staffTiles(l i18n.Localizer, roles []okno.Role) []tile {
	has := func(r okno.Role) bool { return slices.Contains(roles, r) }
	var out []tile
	if has(okno.RoleOperator) {
		out = append(out, tile{Title: l.T("web.staff.tile_citizens"), Text: l.T("web.staff.tile_citizens_text"), URL: "/staff/citizens"})
	}
	if has(okno.RoleOfficial) || has(okno.RoleSupervisor) || has(okno.RoleController) {
		out = append(out, tile{Title: l.T("web.staff.tile_inbox"), Text: l.T("web.staff.tile_inbox_text"), URL: "/staff/cases"})
	}
	if has(okno.RoleSupervisor) || has(okno.RoleController) || has(okno.RoleAdmin) {
		out = append(out, tile{Title: l.T("web.overdue.title"), Text: l.T("web.overdue.tile_text"), URL: "/staff/overdue"})
	}
	if has(okno.RoleSupervisor) || has(okno.RoleController) || has(okno.RoleAdmin) || has(okno.RoleOwner) {
		out = append(out, tile{Title: l.T("web.quality.title"), Text: l.T("web.staff.tile_quality_text"), URL: "/staff/quality"})
	}
	if has(okno.RoleOperator) || has(okno.RoleOfficial) || has(okno.RoleSupervisor) || has(okno.RoleAdmin) {
		out = append(out, tile{Title: l.T("web.appointment.offices_title"), Text: l.T("web.appointment.offices_tile_text"), URL: "/staff/offices"})
	}
	if has(okno.RoleOfficial) || has(okno.RoleSupervisor) || has(okno.RoleAdmin) {
		out = append(out, tile{Title: l.T("web.backoffice.accruals_title"), Text: l.T("web.backoffice.tile_accruals_text"), URL: "/staff/accruals"})
	}
	if has(okno.RoleAdmin) {
		out = append(out,
			tile{Title: l.T("web.backoffice.payments_title"), Text: l.T("web.backoffice.tile_payments_text"), URL: "/staff/payments"},
			tile{Title: l.T("web.backoffice.reconciliation_title"), Text: l.T("web.backoffice.tile_reconciliation_text"), URL: "/staff/reconciliation"},
			tile{Title: l.T("web.staff.tile_orgs"), Text: l.T("web.staff.tile_orgs_text"), URL: "/admin/organisations"},
			tile{Title: l.T("web.staff.tile_staff"), Text: l.T("web.staff.tile_staff_text"), URL: "/admin/staff"},
			tile{Title: l.T("web.staff.tile_territories"), Text: l.T("web.staff.tile_territories_text"), URL: "/admin/territories"},
		)
	}
	return out
}

func (s *Server) staffHomeView(w http.ResponseWriter, r *http.Request, err error) (View, error) {
	ctx, l, a := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	ms, merr := s.deps.Orgs.OrganisationsOf(ctx, a.UserID)
	if merr != nil {
		return View{}, merr
	}
	sw := Field{Name: "org_id", Type: "radios", Label: l.T("web.staff.switch_label"), Value: strconv.FormatInt(a.OrgID, 10)}
	data := staffHomePage{Many: len(ms) > 1, None: len(ms) == 0, Tiles: staffTiles(l, a.Roles)}
	for _, m := range ms {
		sw.Options = append(sw.Options, Option{Value: strconv.FormatInt(m.Organisation.ID, 10), Label: orgLabel(m.Organisation) + " — " + rolesText(l, m.Roles)})
		if m.Organisation.ID == a.OrgID {
			data.Current = orgLabel(m.Organisation)
		}
	}
	data.Switcher = NewForm(l, nil, err, sw)
	data.Switcher.Fields[0].Value = sw.Value
	return s.view(w, r, "web.staff.title", data), nil
}

// staffHome is the back office's home: which organisation the person acts
// for, a switcher when they work for several, and their tools.
func (s *Server) staffHome(w http.ResponseWriter, r *http.Request) error {
	v, err := s.staffHomeView(w, r, nil)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "staff-home", v)
}

// staffSelectOrganisation switches the organisation the session acts for.
// Holding a position there is checked here, against org, before identity
// records the choice — and again on every request, when roles are read.
func (s *Server) staffSelectOrganisation(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, a := r.Context(), okno.ActorFrom(r.Context())
	id, _ := strconv.ParseInt(r.PostFormValue("org_id"), 10, 64)
	ms, err := s.deps.Orgs.OrganisationsOf(ctx, a.UserID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(ms, func(m org.Membership) bool { return m.Organisation.ID == id }) {
		var fe okno.FieldErrors
		fe.Add("org_id", "error.choose_one")
		v, verr := s.staffHomeView(w, r, fe.Err())
		if verr != nil {
			return verr
		}
		return s.render(w, http.StatusUnprocessableEntity, "staff-home", v)
	}
	if err := s.deps.Accounts.SelectOrganisation(ctx, session(r).ID, id); err != nil {
		return err
	}
	return seeOther(w, r, "/staff")
}

// orgLabel is the name people use for an organisation.
func orgLabel(o org.Organisation) string {
	if o.ShortName != "" {
		return o.ShortName
	}
	return o.Name
}

// rolesText lists roles in the person's language.
func rolesText(l i18n.Localizer, roles []okno.Role) string {
	out := ""
	for i, r := range roles {
		if i > 0 {
			out += ", "
		}
		out += l.T("web.role." + string(r))
	}
	return out
}
