package web

import (
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/okno/okno/appeal"
	"github.com/okno/okno/i18n"
)

// responsivenessDays is the window of /responsiveness: the last 90 days.
const responsivenessDays = 90

// responsivenessColumns are the table's sortable columns, in order.
var responsivenessColumns = []string{"org", "received", "on_time", "median", "confirmation", "fixed", "not_fixed", "reroutes", "reopened"}

// responsivenessPage is the data of /responsiveness.
type responsivenessPage struct {
	Period  string
	Head    []respHead
	Rows    []respRow
	Sort    string
	Desc    bool
	Explain []SummaryRow
}

// respHead is a column header: its words and the link that sorts by it.
type respHead struct {
	Title   string
	URL     string
	AriaSrt string // "ascending", "descending" or "" (not sorted by it)
	Numeric bool
}

// respRow is one body's line.
type respRow struct {
	Org   string
	Cells []string
}

// responsiveness shows how bodies answered appeals over the last 90 days.
func (s *Server) responsiveness(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	now := s.now()
	y, m, d := now.In(moscow).Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, moscow).AddDate(0, 0, -responsivenessDays)
	stats, err := s.deps.Appeals.Responsiveness(ctx, from, now)
	if err != nil {
		return err
	}
	col, desc := r.URL.Query().Get("sort"), r.URL.Query().Get("dir") != "asc"
	if !contains(responsivenessColumns, col) {
		col, desc = "received", true
	}
	sortStats(stats, col, desc)
	data := responsivenessPage{Period: l.T("web.resp.period", dayText(l, from), dayText(l, now)), Sort: col, Desc: desc}
	for _, c := range responsivenessColumns {
		h := respHead{Title: l.T("web.resp.col." + c), Numeric: c != "org"}
		dir := "desc"
		if c == "org" {
			dir = "asc"
		}
		if c == col {
			h.AriaSrt = "ascending"
			if desc {
				h.AriaSrt = "descending"
			}
			if desc {
				dir = "asc"
			} else {
				dir = "desc"
			}
		}
		h.URL = "/responsiveness?" + url.Values{"sort": {c}, "dir": {dir}}.Encode()
		data.Head = append(data.Head, h)
	}
	for _, st := range stats {
		data.Rows = append(data.Rows, respRow{Org: st.OrgName, Cells: []string{
			strconv.Itoa(st.Received),
			percentOf(l, st.OnTimeShare, st.Answered > 0 || st.OnTime > 0 || st.OnTimeShare > 0),
			durationText(l, st.MedianAnswer),
			percentOf(l, st.Confirmation, st.Confirmed+st.Refuted+st.NotFixed > 0),
			l.T("web.resp.fixed_cell", st.Fixed, st.Confirmed, st.Fixed-st.Confirmed),
			strconv.Itoa(st.NotFixed), strconv.Itoa(st.Reroutes), strconv.Itoa(st.Reopened),
		}})
	}
	for _, c := range responsivenessColumns[1:] {
		data.Explain = append(data.Explain, SummaryRow{Key: l.T("web.resp.col." + c), Value: l.T("web.resp.explain." + c)})
	}
	return s.render(w, http.StatusOK, "responsiveness", s.view(w, r, "web.resp.title", data))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sortStats orders the table by a column; bodies without a figure (no
// answers yet) go last whichever the direction.
func sortStats(st []appeal.OrgStats, col string, desc bool) {
	key := func(o appeal.OrgStats) (float64, bool) {
		switch col {
		case "received":
			return float64(o.Received), true
		case "on_time":
			return o.OnTimeShare, o.Answered > 0 || o.OnTimeShare > 0
		case "median":
			return float64(o.MedianAnswer), o.MedianAnswer > 0
		case "confirmation":
			return o.Confirmation, o.Confirmed+o.Refuted+o.NotFixed > 0
		case "fixed":
			return float64(o.Fixed), true
		case "not_fixed":
			return float64(o.NotFixed), true
		case "reroutes":
			return float64(o.Reroutes), true
		case "reopened":
			return float64(o.Reopened), true
		}
		return 0, true
	}
	sort.SliceStable(st, func(i, j int) bool {
		if col == "org" {
			if desc {
				return st[i].OrgName > st[j].OrgName
			}
			return st[i].OrgName < st[j].OrgName
		}
		a, okA := key(st[i])
		b, okB := key(st[j])
		switch {
		case okA != okB:
			return okA
		case a == b:
			return st[i].OrgName < st[j].OrgName
		case desc:
			return a > b
		}
		return a < b
	})
}

// percentOf shows a share as a whole percent, or a dash when there is
// nothing to count it from.
func percentOf(l i18n.Localizer, share float64, known bool) string {
	if !known {
		return "—"
	}
	return l.T("web.resp.percent", int(math.Round(share*100)))
}

// durationText shows a time to answer in days and hours.
func durationText(l i18n.Localizer, d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	h := int(d.Hours())
	if h < 24 {
		return l.T("web.resp.hours", h)
	}
	return l.T("web.resp.days_hours", h/24, h%24)
}
