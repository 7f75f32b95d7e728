package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/i18n"
)

// The public map of appeals (/map): a Leaflet map fed by
// /api/v1/map/appeals, and the same appeals as a paginated list under a
// filters form, so the page works without JavaScript. Files: map.go (this
// page and the filters), map_api.go (the GeoJSON endpoints),
// map_appeal.go (an appeal's public page), map_responsiveness.go.

// mapListPerPage is how many appeals the list under the map shows at once.
const mapListPerPage = 20

// mapClusters is what the map needs of package appeal besides the Appeals
// door: *appeal.Service implements it.
type mapClusters interface {
	Clusters(ctx context.Context, q appeal.Query, zoom int) (appeal.MapView, error)
}

// mapFilter is the filters of the map, its list and its API, as the query
// string carries them: category and district ids, statuses, and a window
// of Moscow days.
type mapFilter struct {
	Categories []int64
	Statuses   []appeal.Status
	Districts  []int64
	From, To   string // YYYY-MM-DD, "" open-ended
}

// maxMapFilterValues bounds the values of one filter in a query string.
const maxMapFilterValues = 50

// parseMapFilter reads the filters from a query string; bad values are
// field errors naming the parameter.
func parseMapFilter(v url.Values) (mapFilter, appeal.Query, error) {
	var f mapFilter
	var q appeal.Query
	var fe okno.FieldErrors
	ids := func(name string) []int64 {
		var out []int64
		vals := v[name]
		if len(vals) > maxMapFilterValues {
			fe.Add(name, "web.map.too_many", maxMapFilterValues)
			return nil
		}
		for _, s := range vals {
			if s == "" {
				continue
			}
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				fe.Add(name, "web.map.id_invalid")
				return nil
			}
			out = append(out, id)
		}
		return out
	}
	f.Categories, f.Districts = ids("category"), ids("district")
	if st := v["status"]; len(st) > maxMapFilterValues {
		fe.Add("status", "web.map.too_many", maxMapFilterValues)
	} else {
		for _, s := range st {
			if s == "" {
				continue
			}
			if !isPublicStatus(appeal.Status(s)) {
				fe.Add("status", "web.map.status_invalid")
				break
			}
			f.Statuses = append(f.Statuses, appeal.Status(s))
		}
	}
	day := func(name string) (string, time.Time) {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return "", time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, s, moscow)
		if err != nil || d.Year() < 2000 || d.Year() > 2100 {
			fe.Add(name, "web.map.date_invalid")
			return s, time.Time{}
		}
		return s, d
	}
	var from, to time.Time
	f.From, from = day("from")
	f.To, to = day("to")
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		fe.Add("to", "web.map.dates_backwards")
	}
	if err := fe.Err(); err != nil {
		return f, q, err
	}
	q.CategoryIDs, q.Statuses, q.TerritoryIDs, q.From = f.Categories, f.Statuses, f.Districts, from
	if !to.IsZero() {
		q.To = to.AddDate(0, 0, 1) // the whole last day
	}
	return f, q, nil
}

func isPublicStatus(st appeal.Status) bool {
	for _, s := range appeal.PublicStatuses {
		if s == st {
			return true
		}
	}
	return false
}

// values is the filter as a query string, for links and the API.
func (f mapFilter) values() url.Values {
	v := url.Values{}
	for _, id := range f.Categories {
		v.Add("category", strconv.FormatInt(id, 10))
	}
	for _, st := range f.Statuses {
		v.Add("status", string(st))
	}
	for _, id := range f.Districts {
		v.Add("district", strconv.FormatInt(id, 10))
	}
	if f.From != "" {
		v.Set("from", f.From)
	}
	if f.To != "" {
		v.Set("to", f.To)
	}
	return v
}

// statusLook is how a status is shown: its words, the colour of its tag
// and marker, and a symbol, so the map never relies on colour alone.
type statusLook struct {
	Status appeal.Status
	Title  string
	Colour string // tag colour: blue, yellow, green, grey, red
	Symbol string
}

var statusSymbols = map[appeal.Status]struct{ colour, symbol string }{
	appeal.StatusOpen:      {"blue", "!"},
	appeal.StatusAnswered:  {"yellow", "?"},
	appeal.StatusFixed:     {"green", "✓"},
	appeal.StatusFixedAuto: {"grey", "✓"},
	appeal.StatusNotFixed:  {"red", "✕"},
}

// Tag is the status as a tag.
func (s statusLook) Tag() Tag { return Tag{Text: s.Title, Colour: s.Colour} }

func lookOf(l i18n.Localizer, st appeal.Status) statusLook {
	s, ok := statusSymbols[st]
	if !ok {
		s.colour, s.symbol = "grey", "•"
	}
	return statusLook{Status: st, Title: l.T("web.map.status." + string(st)), Colour: s.colour, Symbol: s.symbol}
}

// mapPage is the data of /map.
type mapPage struct {
	Form       Form
	Categories []Option
	Districts  []Option
	Statuses   []statusLook
	Filter     mapFilter
	Items      []mapItem
	Pages      Pagination
	Later      bool
	// FilterQuery is the filters as a query string, for the way back to
	// the newest.
	FilterQuery string
	// The map's settings, for map.js through data-* attributes.
	APIURL, DistrictsURL, Tiles, Attribution string
}

// mapItem is one appeal of the list.
type mapItem struct {
	ID       int64
	Ref      string
	Reason   string
	Category string
	Look     statusLook
	Address  string
	District string
	Created  string
	Text     string
}

// excerpt cuts text to n characters at a word boundary.
func excerpt(text string, n int) string {
	r := []rune(strings.TrimSpace(text))
	if len(r) <= n {
		return string(r)
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// publicMap shows the map, its filters and the list of appeals.
func (s *Server) publicMap(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	f, q, ferr := parseMapFilter(r.URL.Query())
	data := mapPage{Filter: f, DistrictsURL: "/api/v1/map/districts", Tiles: s.cfg.MapTileURL, Attribution: s.cfg.MapAttribution}
	for _, st := range appeal.PublicStatuses {
		data.Statuses = append(data.Statuses, lookOf(l, st))
	}
	if tax, err := s.deps.Appeals.Taxonomy(ctx); err == nil && tax != nil {
		for _, c := range tax.Categories {
			data.Categories = append(data.Categories, Option{Value: strconv.FormatInt(c.ID, 10), Label: mapTitle(l, c.Title, c.TitleEn)})
		}
	} else if err != nil {
		s.log.Warn("web: map: taxonomy", "error", err.Error())
	}
	districts, err := s.deps.Territories.List(ctx, geo.ListQuery{Level: geo.LevelDistrict, Limit: 1000})
	if err != nil {
		return err
	}
	for _, d := range districts {
		data.Districts = append(data.Districts, Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
	}
	all := Option{Value: "", Label: l.T("web.map.filter.all")}
	var statuses []Option
	for _, st := range data.Statuses {
		statuses = append(statuses, Option{Value: string(st.Status), Label: st.Title})
	}
	selectOf := func(name string, opts []Option) Field {
		return Field{Name: name, Type: "select", Label: l.T("web.map.filter." + name),
			Groups: []OptionGroup{{Options: append([]Option{all}, opts...)}}}
	}
	data.Form = NewForm(l, r.URL.Query(), ferr,
		selectOf("category", data.Categories), selectOf("status", statuses), selectOf("district", data.Districts),
		Field{Name: "from", Type: "date", Label: l.T("web.map.filter.from"), Width: "medium"},
		Field{Name: "to", Type: "date", Label: l.T("web.map.filter.to"), Width: "medium"})
	if ferr != nil {
		// Bad filters: the form says what is wrong; nothing is listed.
		return s.render(w, http.StatusOK, "map", s.view(w, r, "web.map.title", data))
	}
	data.FilterQuery = f.values().Encode()
	data.APIURL = "/api/v1/map/appeals?" + data.FilterQuery
	q.Limit, q.After = mapListPerPage, r.URL.Query().Get("after")
	data.Later = q.After != ""
	p, err := s.deps.Appeals.List(ctx, q)
	if okno.IsCode(err, okno.EINVALID) && q.After != "" {
		return seeOther(w, r, "/map?"+f.values().Encode()) // a stale or edited link: start again
	}
	if err != nil {
		return err
	}
	for _, a := range p.Items {
		data.Items = append(data.Items, mapItem{ID: a.CaseID, Ref: a.Ref, Reason: a.ReasonTitle, Category: a.CategoryTitle,
			Look: lookOf(l, a.Status), Address: a.Address, District: a.TerritoryName, Created: dayText(l, a.CreatedAt),
			Text: excerpt(a.Text, 160)})
	}
	if p.Next != "" {
		v := f.values()
		v.Set("after", p.Next)
		data.Pages.NextURL = "/map?" + v.Encode()
	}
	return s.render(w, http.StatusOK, "map", s.view(w, r, "web.map.title", data))
}

// mapTitle picks the English title on English pages when there is one.
func mapTitle(l i18n.Localizer, ru, en string) string {
	if l.Lang() == i18n.English && en != "" {
		return en
	}
	return ru
}
