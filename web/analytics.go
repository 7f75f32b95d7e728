package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// The analytics pages: analytics.go (the door, filters, the dashboard),
// analytics_chart.go (server-rendered SVG charts), analytics_pages.go
// (groups, spikes, efficiency, initiatives), analytics_export.go (CSV and
// XLSX).

// Analytics is package appeal's analytics: *appeal.Service implements it.
// The server finds it on Deps.Appeals, which is that service, so that
// the pages need no wiring of their own; a Deps.Appeals without it (a
// test's fake) answers the pages with an internal error.
type Analytics interface {
	Density(ctx context.Context, actor okno.Actor, q appeal.DensityQuery) (appeal.Density, error)
	Spikes(ctx context.Context, actor okno.Actor, q appeal.SpikeQuery) ([]appeal.Spike, error)
	Efficiency(ctx context.Context, actor okno.Actor, p appeal.Period) ([]appeal.Efficiency, error)
	Groups(ctx context.Context, actor okno.Actor, q appeal.GroupQuery) ([]appeal.Group, error)
	GroupByID(ctx context.Context, actor okno.Actor, id int64) (appeal.Group, error)
	Initiatives(ctx context.Context, actor okno.Actor, q appeal.InitiativeQuery) ([]appeal.Initiative, error)
	CreateInitiative(ctx context.Context, actor okno.Actor, in appeal.InitiativeInput) (appeal.Initiative, error)
	SetInitiativeStatus(ctx context.Context, actor okno.Actor, id int64, status appeal.InitiativeStatus) (appeal.Initiative, error)
	ExportAppeals(ctx context.Context, actor okno.Actor, q appeal.DensityQuery, limit int, fn func(appeal.ExportRow) error) (int, bool, error)
}

// analytics returns the analytics service.
func (s *Server) analytics() (Analytics, error) {
	if a, ok := s.deps.Appeals.(Analytics); ok {
		return a, nil
	}
	return nil, errors.New("web: Deps.Appeals has no analytics")
}

// analyticsTab is one link of the analytics pages' navigation.
type analyticsTab struct {
	Label, URL string
	Current    bool
}

// analyticsTabs lists the analytics pages; current is the page's path.
// The filter's query goes along, so a period chosen once stays chosen.
func analyticsTabs(l i18n.Localizer, current string, q url.Values) []analyticsTab {
	keep := url.Values{}
	for _, k := range []string{"from", "to", "category", "district"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	suffix := ""
	if len(keep) > 0 {
		suffix = "?" + keep.Encode()
	}
	var tabs []analyticsTab
	for _, p := range []struct{ path, key string }{
		{"/analytics", "web.analytics.tab.dashboard"},
		{"/analytics/groups", "web.analytics.tab.groups"},
		{"/analytics/spikes", "web.analytics.tab.spikes"},
		{"/analytics/efficiency", "web.analytics.tab.efficiency"},
		{"/analytics/initiatives", "web.analytics.tab.initiatives"},
	} {
		tabs = append(tabs, analyticsTab{Label: l.T(p.key), URL: p.path + suffix, Current: p.path == current})
	}
	return tabs
}

// anDateLayout is how dates travel in filters: as <input type="date"> sends them.
const anDateLayout = "2006-01-02"

// analyticsFilter reads the filter (from, to, category, district) of a
// query into a density query; malformed values are field errors. An
// empty period is the last 90 days.
func analyticsFilter(q url.Values, today time.Time) (appeal.DensityQuery, error) {
	var dq appeal.DensityQuery
	var fe okno.FieldErrors
	date := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(anDateLayout, v)
		if err != nil {
			fe.Add(name, "web.analytics.bad_date")
		}
		return t
	}
	id := func(name string) int64 {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			fe.Add(name, "web.analytics.bad_choice")
		}
		return n
	}
	dq.From, dq.To = date("from"), date("to")
	dq.CategoryID, dq.TerritoryID = id("category"), id("district")
	if dq.From.IsZero() && dq.To.IsZero() {
		dq.To = today
		dq.From = today.AddDate(0, 0, -89)
	}
	return dq, fe.Err()
}

// analyticsToday is today's date in the region (Moscow time, the day
// analytics count in).
func (s *Server) analyticsToday() time.Time {
	y, m, d := s.now().In(moscow).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// filterForm is the filter's form: the period, the category and the
// district, with the choices the actor may make.
func (s *Server) filterForm(ctx context.Context, l i18n.Localizer, q url.Values, err error, dq appeal.DensityQuery) (Form, error) {
	cats := []Option{{Value: "", Label: l.T("web.analytics.any_category")}}
	if tax, terr := s.deps.Appeals.Taxonomy(ctx); terr == nil && tax != nil {
		for _, c := range tax.Categories {
			cats = append(cats, Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Title})
		}
	}
	districts := []Option{{Value: "", Label: l.T("web.analytics.any_district")}}
	ts, terr := s.deps.Territories.List(ctx, geo.ListQuery{Level: geo.LevelDistrict, Limit: 1000})
	if terr != nil {
		return Form{}, terr
	}
	for _, t := range ts {
		districts = append(districts, Option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name})
	}
	values := url.Values{}
	for k, v := range q {
		values[k] = v
	}
	if err == nil {
		// Show the period in force, the default one too.
		values.Set("from", anDate(dq.From))
		values.Set("to", anDate(dq.To))
	}
	return NewForm(l, values, err,
		Field{Name: "from", Type: "date", Label: l.T("web.analytics.from")},
		Field{Name: "to", Type: "date", Label: l.T("web.analytics.to")},
		Field{Name: "category", Type: "select", Label: l.T("web.analytics.category"), Groups: []OptionGroup{{Options: cats}}},
		Field{Name: "district", Type: "select", Label: l.T("web.analytics.district"), Groups: []OptionGroup{{Options: districts}}},
	), nil
}

// districtField names the filter's field as the form does: package
// appeal calls a district a territory.
func districtField(err error) error {
	e := okno.AsError(err)
	if e == nil || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = append([]okno.FieldError(nil), e.Fields...)
	for i := range c.Fields {
		if c.Fields[i].Field == "territory" {
			c.Fields[i].Field = "district"
		}
	}
	return &c
}

func anDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(anDateLayout)
}

// analyticsDashboardPage is the data of /analytics.
type analyticsDashboardPage struct {
	Tabs     []analyticsTab
	Filter   Form
	Density  appeal.Density
	Heat     heatTable
	Daily    barChart
	ByCat    hbarChart
	MapData  string // JSON for analytics.js: district id → appeals and heat level
	Query    string // the filter as a query string, for the exports' links
	HasData  bool
	Empty    bool
	Exports  []analyticsTab
	PeriodOK bool
}

// analyticsDashboard shows density by district and category over the
// period: a heat table, a choropleth over the district outlines
// (analytics.js; the table is the same data without JavaScript), appeals
// by day and by category.
func (s *Server) analyticsDashboard(w http.ResponseWriter, r *http.Request) error {
	an, err := s.analytics()
	if err != nil {
		return err
	}
	l, actor := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	q := r.URL.Query()
	dq, ferr := analyticsFilter(q, s.analyticsToday())
	status := http.StatusOK
	var d appeal.Density
	if ferr == nil {
		d, ferr = an.Density(r.Context(), actor, dq)
		if ferr != nil && !userError(ferr) {
			return ferr
		}
	}
	if ferr != nil {
		status = formStatus(ferr)
		if okno.ErrorCodeOf(ferr) == okno.EFORBIDDEN {
			return ferr
		}
	}
	form, err := s.filterForm(r.Context(), l, q, districtField(ferr), dq)
	if err != nil {
		return err
	}
	data := analyticsDashboardPage{Tabs: analyticsTabs(l, "/analytics", q), Filter: form, Density: d,
		HasData: d.Total > 0, Empty: ferr == nil && d.Total == 0, PeriodOK: ferr == nil}
	if d.Total > 0 {
		data.Heat = newHeatTable(d)
		data.Daily = newBarChart(l, d)
		data.ByCat = newHBarChart(d.Categories)
		m := map[string][2]int{}
		for _, t := range d.Territories {
			m[strconv.FormatInt(t.ID, 10)] = [2]int{t.Appeals, anHeatLevel(t.Appeals, d.Territories[0].Appeals)}
		}
		b, _ := json.Marshal(m)
		data.MapData = string(b)
	}
	enc := analyticsExportQuery(dq)
	for _, k := range []string{"appeals", "density", "efficiency"} {
		data.Exports = append(data.Exports,
			analyticsTab{Label: l.T("web.analytics.export." + k + ".csv"), URL: "/analytics/export.csv?" + enc + "&kind=" + k},
			analyticsTab{Label: l.T("web.analytics.export." + k + ".xlsx"), URL: "/analytics/export.xlsx?" + enc + "&kind=" + k})
	}
	return s.render(w, status, "analytics", s.view(w, r, "web.analytics.title", data))
}

// analyticsExportQuery is dq as the exports' query string.
func analyticsExportQuery(dq appeal.DensityQuery) string {
	v := url.Values{}
	v.Set("from", anDate(dq.From))
	v.Set("to", anDate(dq.To))
	if dq.CategoryID > 0 {
		v.Set("category", strconv.FormatInt(dq.CategoryID, 10))
	}
	if dq.TerritoryID > 0 {
		v.Set("district", strconv.FormatInt(dq.TerritoryID, 10))
	}
	return v.Encode()
}

// heatTable is the density as a table: districts by rows, categories by
// columns, each cell shaded by its share of the largest.
type heatTable struct {
	Columns []appeal.NamedCount
	Rows    []heatRow
}

type heatRow struct {
	Name  string
	Total int
	Cells []heatCell
}

type heatCell struct {
	N     int
	Level int // 0 (none) … 5 (the largest)
}

func newHeatTable(d appeal.Density) heatTable {
	h := heatTable{Columns: d.Categories}
	cells := map[[2]int64]int{}
	for _, c := range d.Cells {
		cells[[2]int64{c.TerritoryID, c.CategoryID}] = c.Appeals
	}
	for _, t := range d.Territories {
		row := heatRow{Name: t.Name, Total: t.Appeals}
		for _, c := range d.Categories {
			n := cells[[2]int64{t.ID, c.ID}]
			row.Cells = append(row.Cells, heatCell{N: n, Level: anHeatLevel(n, d.MaxCell)})
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}

// anHeatLevel is n's shade on a scale whose top is max: 0 for none, then
// five steps by the square root (counts of appeals are skewed: a linear
// scale would leave every district but one pale).
func anHeatLevel(n, max int) int {
	if n <= 0 || max <= 0 {
		return 0
	}
	for lvl := 1; lvl <= 5; lvl++ {
		if float64(n*25) <= float64(max*lvl*lvl) {
			return lvl
		}
	}
	return 5
}

// anID is the {id} of a path, or a not-found error.
func anID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, okno.Errorf(okno.ENOTFOUND, "web.analytics.not_found")
	}
	return id, nil
}

// anPercent formats a share for people: "87 %".
func anPercent(l i18n.Localizer, share float64) string {
	return l.T("web.analytics.percent", int(share*100+0.5))
}

// duration formats a median answer time in days and hours.
func anDuration(l i18n.Localizer, d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	days := int(d / (24 * time.Hour))
	hours := int((d % (24 * time.Hour)) / time.Hour)
	if days == 0 {
		return l.T("web.analytics.hours", hours)
	}
	return fmt.Sprintf("%s %s", l.T("web.analytics.days", days), l.T("web.analytics.hours", hours))
}
