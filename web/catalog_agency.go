package web

import (
	"net/http"
	"strconv"

	"github.com/okno/okno"
)

// This file holds the agency cards and the list of agencies, and the life
// situation pages: the ways into the catalogue besides searching.

// agencyPage is the data of an agency card.
type agencyPage struct {
	Org      orgView
	Offices  []officeView
	Services []serviceItem
}

// agencyListPage is the data of /agencies.
type agencyListPage struct {
	Agencies []agencyLink
}

type agencyLink struct {
	ID       int64
	Name     string
	Services int
}

// situationPage is the data of a life situation's page.
type situationPage struct {
	Title, Summary string
	Services       []serviceItem
}

// catalogAgencies serves GET /agencies: the bodies that provide services.
func (s *Server) catalogAgencies(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Services.Agencies(r.Context())
	if err != nil {
		return err
	}
	var p agencyListPage
	for _, a := range list {
		p.Agencies = append(p.Agencies, agencyLink{ID: a.OrgID, Name: a.Name, Services: a.Services})
	}
	return s.render(w, http.StatusOK, "catalog-agencies", s.view(w, r, "web.catalog.agencies_title", p))
}

// catalogAgency serves GET /agencies/{id}: an organisation, its offices
// and its services. A body that provides none has no card (404): the
// list of agencies is of providers, not the whole organisation tree.
func (s *Server) catalogAgency(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return okno.Errorf(okno.ENOTFOUND, "web.catalog.agency_not_found")
	}
	a, err := s.deps.Services.Agency(ctx, id)
	if err != nil {
		return err
	}
	if len(a.Services) == 0 {
		return okno.Errorf(okno.ENOTFOUND, "web.catalog.agency_not_found")
	}
	o := a.Org
	p := agencyPage{
		Org: orgView{ID: o.ID, Name: o.Name, ShortName: o.ShortName, Address: o.Address, Phone: o.Contacts.Phone,
			Email: o.Contacts.Email, Website: o.Contacts.Website, HoursNote: o.Hours.Note, Hours: hoursRows(l, o.Hours)},
		Offices:  toOfficeViews(l, a.Offices),
		Services: toServiceItems(l, a.Services),
	}
	return s.render(w, http.StatusOK, "catalog-agency", s.viewTitled(w, r, o.Name, p))
}

// catalogSituation serves GET /situations/{code}: a life situation and
// its services in the order a person needs them.
func (s *Server) catalogSituation(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	code := r.PathValue("code")
	if !codeLike(code) {
		return okno.Errorf(okno.ENOTFOUND, "catalog.situation_not_found")
	}
	st, svs, err := s.deps.Services.Situation(ctx, code)
	if err != nil {
		return err
	}
	lang := string(l.Lang())
	p := situationPage{Title: st.Title.In(lang), Summary: st.Summary.In(lang), Services: toServiceItems(l, svs)}
	return s.render(w, http.StatusOK, "catalog-situation", s.viewTitled(w, r, p.Title, p))
}
