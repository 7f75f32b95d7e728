package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/i18n"
)

// Discovery, the service list and service definitions: what an Open311
// client reads before it files anything. Services are the taxonomy's
// reasons; their attributes are the choices the portal's own form offers
// beyond the specification's parameters: anonymity and the district.

// The codes of the services' attributes: attribute[anonymous]=true asks
// for an appeal anonymous to the public; attribute[district]=<id> places
// an appeal given by address_string alone, or by a point outside every
// district, in one of the districts the definition lists (as the portal's
// form asks the author to pick one).
const (
	open311Anonymous = "anonymous"
	open311District  = "district"
)

// open311Appeals is the appeals service, or an internal error when the
// server was built without one.
func (s *Server) open311Appeals() (Appeals, error) {
	if s.deps.Appeals == nil {
		return nil, okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	return s.deps.Appeals, nil
}

// open311Discovery describes the endpoint (the Service Discovery
// specification): how to reach it, in which formats, whom to ask.
func (s *Server) open311Discovery(w http.ResponseWriter, r *http.Request, f open311Format) error {
	loc := stateFrom(r.Context()).loc
	scheme := "http"
	if r.TLS != nil || s.cfg.BehindTLS {
		scheme = "https"
	}
	endpoint := open311Record{
		{"specification", open311Spec},
		{"url", scheme + "://" + r.Host + "/open311/v2"},
		{"changeset", open311Changeset},
		{"type", "production"},
		{"formats", open311List{item: "format", items: []any{"text/xml", "application/json"}}},
	}
	return open311Doc{root: "discovery", body: open311Record{
		{"changeset", open311Changeset},
		{"contact", loc.T("web.open311.contact")},
		{"key_service", loc.T("web.open311.key_service")},
		{"endpoints", open311List{item: "endpoint", items: []any{endpoint}}},
	}}.write(w, f, http.StatusOK)
}

// open311Services lists the taxonomy's reasons, grouped by category.
func (s *Server) open311Services(w http.ResponseWriter, r *http.Request, f open311Format) error {
	ap, err := s.open311Appeals()
	if err != nil {
		return err
	}
	tax, err := ap.Taxonomy(r.Context())
	if err != nil {
		return err
	}
	lang := stateFrom(r.Context()).loc.Lang()
	items := []any{}
	for _, c := range tax.Categories {
		for _, re := range c.Reasons {
			items = append(items, open311Record{
				{"service_code", re.Code},
				{"service_name", open311Title(lang, re.Title, re.TitleEn)},
				{"description", orNil(re.Hint)},
				{"metadata", true}, // every service has attributes
				{"type", "realtime"},
				{"keywords", orNil(strings.Join(re.Keywords, ", "))},
				{"group", open311Title(lang, c.Title, c.TitleEn)},
			})
		}
	}
	return open311Doc{root: "services", body: open311List{item: "service", items: items}}.write(w, f, http.StatusOK)
}

// open311Title is the English title for English readers when there is one,
// the Russian otherwise.
func open311Title(lang i18n.Lang, ru, en string) string {
	if lang == i18n.English && en != "" {
		return en
	}
	return ru
}

// open311ServiceDefinition describes a service's attributes.
func (s *Server) open311ServiceDefinition(w http.ResponseWriter, r *http.Request, f open311Format, code string) error {
	if _, err := s.open311Reason(r, code); err != nil {
		return err
	}
	loc := stateFrom(r.Context()).loc
	attrs := []any{open311Record{
		{"variable", true},
		{"code", open311Anonymous},
		{"datatype", "singlevaluelist"},
		{"required", false},
		{"datatype_description", loc.T("web.open311.anonymous_values")},
		{"order", 1},
		{"description", loc.T("web.open311.anonymous")},
		{"values", open311List{item: "value", items: []any{
			open311Record{{"key", "true"}, {"name", loc.T("web.open311.yes")}},
			open311Record{{"key", "false"}, {"name", loc.T("web.open311.no")}},
		}}},
	}}
	districts, err := s.open311Districts(r)
	if err != nil {
		return err
	}
	if len(districts) > 0 {
		attrs = append(attrs, open311Record{
			{"variable", true},
			{"code", open311District},
			{"datatype", "singlevaluelist"},
			{"required", false},
			{"datatype_description", loc.T("web.open311.district_values")},
			{"order", 2},
			{"description", loc.T("web.open311.district")},
			{"values", open311List{item: "value", items: districts}},
		})
	}
	return open311Doc{root: "service_definition", body: open311Record{
		{"service_code", code},
		{"attributes", open311List{item: "attribute", items: attrs}},
	}}.write(w, f, http.StatusOK)
}

// open311Districts are the values of the district attribute: each
// district's id and name.
func (s *Server) open311Districts(r *http.Request) ([]any, error) {
	if s.deps.Territories == nil {
		return nil, nil
	}
	ts, err := s.deps.Territories.List(r.Context(), geo.ListQuery{Level: geo.LevelDistrict, Limit: 1000})
	if err != nil {
		return nil, err
	}
	values := make([]any, 0, len(ts))
	for _, t := range ts {
		values = append(values, open311Record{{"key", strconv.FormatInt(t.ID, 10)}, {"name", t.Name}})
	}
	return values, nil
}

// open311Reason finds the reason a service_code names: 400 when there is
// none, 404 when the taxonomy has no such reason (the specification's
// errors for both).
func (s *Server) open311Reason(r *http.Request, code string) (appeal.Reason, error) {
	if code == "" {
		return appeal.Reason{}, okno.Errorf(okno.EINVALID, "web.open311.service_code_missing")
	}
	ap, err := s.open311Appeals()
	if err != nil {
		return appeal.Reason{}, err
	}
	tax, err := ap.Taxonomy(r.Context())
	if err != nil {
		return appeal.Reason{}, err
	}
	re, _, ok := tax.Reason(code)
	if !ok {
		return appeal.Reason{}, okno.Errorf(okno.ENOTFOUND, "web.open311.service_code_unknown", open311Clip(code, 64))
	}
	return re, nil
}
