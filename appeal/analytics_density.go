package appeal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/okno/okno"
)

// DensityQuery selects the appeals a density view counts: filed in
// Period, of one category and in one territory when those are set.
type DensityQuery struct {
	Period
	CategoryID  int64
	TerritoryID int64
}

// DensityCell is the appeals of one territory and category. AuthorDays
// sums each day's distinct authors: one person filing ten appeals in a
// day is one.
type DensityCell struct {
	TerritoryID int64
	CategoryID  int64
	Appeals     int
	AuthorDays  int
}

// NamedCount is a territory's or a category's total.
type NamedCount struct {
	ID         int64
	Name       string
	Appeals    int
	AuthorDays int
}

// DayCount is one day's appeals.
type DayCount struct {
	Day        time.Time // the calendar date (midnight UTC; see DayDate)
	Appeals    int
	AuthorDays int
}

// Density is appeals by territory and category and by day: the heat map
// and the charts of the dashboard.
type Density struct {
	Cells       []DensityCell
	Territories []NamedCount // busiest first; ID 0 is "no territory"
	Categories  []NamedCount // busiest first
	Days        []DayCount   // consecutive days, oldest first, for periods up to MaxDailySeries days
	Months      []DayCount   // consecutive months (Day is the 1st), for longer periods
	Total       int
	MaxCell     int // the largest cell's appeals, for colour scales
}

// Density reads the pre-aggregates (never the appeals table): the
// actor's scope, filtered by q.
func (s *Service) Density(ctx context.Context, actor okno.Actor, q DensityQuery) (Density, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return Density{}, err
	}
	var fe okno.FieldErrors
	q.validate(&fe)
	if q.CategoryID < 0 {
		fe.Add("category", "appeal.analytics.unknown_category")
	}
	if q.TerritoryID < 0 || (q.TerritoryID > 0 && !sc.allowsTerritory(q.TerritoryID)) {
		fe.Add("territory", "appeal.analytics.unknown_territory")
	}
	if err := fe.Err(); err != nil {
		return Density{}, err
	}
	from, to := q.days()
	bounded := !q.From.IsZero() && !q.To.IsZero()
	parts := []densityPart{{"appeal_stats_daily", "day", "authors", from, to}}
	if bounded {
		parts = splitMonths(from, to)
	}
	var d Density
	cells := map[[2]int64]*DensityCell{}
	for _, p := range parts {
		cond, args := densityFilter(sc, q, p.col, p.lo, p.hi)
		rows, err := s.d.DB.QueryContext(ctx, `SELECT territory_id, category_id, SUM(appeals), SUM(`+p.authors+`) FROM `+p.table+
			cond+` GROUP BY territory_id, category_id`, args...)
		if err != nil {
			return d, fmt.Errorf("appeal: density: %w", err)
		}
		for rows.Next() {
			var c DensityCell
			if err := rows.Scan(&c.TerritoryID, &c.CategoryID, &c.Appeals, &c.AuthorDays); err != nil {
				rows.Close()
				return d, err
			}
			k := [2]int64{c.TerritoryID, c.CategoryID}
			if have := cells[k]; have != nil {
				have.Appeals += c.Appeals
				have.AuthorDays += c.AuthorDays
			} else {
				cells[k] = &c
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return d, err
		}
	}
	terr, cat := map[int64]*NamedCount{}, map[int64]*NamedCount{}
	for _, c := range cells {
		d.Cells = append(d.Cells, *c)
		d.Total += c.Appeals
		d.MaxCell = max(d.MaxCell, c.Appeals)
		for _, m := range []struct {
			by map[int64]*NamedCount
			id int64
		}{{terr, c.TerritoryID}, {cat, c.CategoryID}} {
			n := m.by[m.id]
			if n == nil {
				n = &NamedCount{ID: m.id}
				m.by[m.id] = n
			}
			n.Appeals += c.Appeals
			n.AuthorDays += c.AuthorDays
		}
	}
	slices.SortFunc(d.Cells, func(a, b DensityCell) int {
		if a.TerritoryID != b.TerritoryID {
			return cmpInt(a.TerritoryID, b.TerritoryID)
		}
		return cmpInt(a.CategoryID, b.CategoryID)
	})
	var err2 error
	if d.Territories, err2 = s.named(ctx, terr, `SELECT id, name FROM territories WHERE `); err2 != nil {
		return d, err2
	}
	if d.Categories, err2 = s.named(ctx, cat, `SELECT id, title FROM appeal_categories WHERE `); err2 != nil {
		return d, err2
	}
	if bounded && to-from+1 > MaxDailySeries {
		d.Months, err2 = s.monthSeries(ctx, sc, q, parts, from, to)
	} else {
		d.Days, err2 = s.daySeries(ctx, sc, q, from, to, bounded)
	}
	return d, err2
}

// MaxDailySeries is the longest period Density gives day by day; longer
// ones come month by month.
const MaxDailySeries = 92

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// densityPart is a range of one table that a period is read from: whole
// months from the monthly rows, the days at its ends from the daily rows.
type densityPart struct {
	table, col, authors string
	lo, hi              int64 // inclusive, in the table's unit
}

// splitMonths splits days [from, to] into the whole months inside it and
// the days before and after them.
func splitMonths(from, to int64) []densityPart {
	daily := func(lo, hi int64) densityPart { return densityPart{"appeal_stats_daily", "day", "authors", lo, hi} }
	mFrom, mTo := monthOf(from), monthOf(to)
	if monthFirstDay(mFrom) != from {
		mFrom++
	}
	if monthFirstDay(mTo+1)-1 != to {
		mTo--
	}
	if mFrom > mTo {
		return []densityPart{daily(from, to)}
	}
	parts := []densityPart{{"appeal_stats_monthly", "month", "author_days", mFrom, mTo}}
	if first := monthFirstDay(mFrom); first > from {
		parts = append(parts, daily(from, first-1))
	}
	if last := monthFirstDay(mTo+1) - 1; last < to {
		parts = append(parts, daily(last+1, to))
	}
	return parts
}

// daySeries is appeals by day over [from, to]: the period's days, or the
// data's when the period is open.
func (s *Service) daySeries(ctx context.Context, sc Scope, q DensityQuery, from, to int64, bounded bool) ([]DayCount, error) {
	cond, args := densityFilter(sc, q, "day", from, to)
	rows, err := s.d.DB.QueryContext(ctx, `SELECT day, SUM(appeals), SUM(authors) FROM appeal_stats_daily`+cond+` GROUP BY day ORDER BY day`, args...)
	if err != nil {
		return nil, fmt.Errorf("appeal: density by day: %w", err)
	}
	defer rows.Close()
	type dayRow struct {
		day        int64
		n, authors int
	}
	var byDay []dayRow
	for rows.Next() {
		var r dayRow
		if err := rows.Scan(&r.day, &r.n, &r.authors); err != nil {
			return nil, err
		}
		byDay = append(byDay, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(byDay) > 0 {
		if q.From.IsZero() {
			from = byDay[0].day
		}
		if q.To.IsZero() {
			to = byDay[len(byDay)-1].day
		}
	}
	var out []DayCount
	if len(byDay) > 0 || bounded {
		i := 0
		for day := from; day <= to; day++ {
			dc := DayCount{Day: DayDate(day)}
			if i < len(byDay) && byDay[i].day == day {
				dc.Appeals, dc.AuthorDays = byDay[i].n, byDay[i].authors
				i++
			}
			out = append(out, dc)
		}
	}
	return out, nil
}

// monthSeries is appeals by month over [from, to]: whole months from the
// monthly rows, the partial ones at the ends from their days.
func (s *Service) monthSeries(ctx context.Context, sc Scope, q DensityQuery, parts []densityPart, from, to int64) ([]DayCount, error) {
	mFrom, mTo := monthOf(from), monthOf(to)
	out := make([]DayCount, mTo-mFrom+1)
	for i := range out {
		out[i].Day = DayDate(monthFirstDay(mFrom + int64(i)))
	}
	for _, p := range parts {
		cond, args := densityFilter(sc, q, p.col, p.lo, p.hi)
		rows, err := s.d.DB.QueryContext(ctx, `SELECT `+p.col+`, SUM(appeals), SUM(`+p.authors+`) FROM `+p.table+cond+` GROUP BY `+p.col, args...)
		if err != nil {
			return nil, fmt.Errorf("appeal: density by month: %w", err)
		}
		for rows.Next() {
			var at int64
			var n, authors int
			if err := rows.Scan(&at, &n, &authors); err != nil {
				rows.Close()
				return nil, err
			}
			m := at
			if p.col == "day" {
				m = monthOf(at)
			}
			if i := m - mFrom; i >= 0 && i < int64(len(out)) {
				out[i].Appeals += n
				out[i].AuthorDays += authors
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// densityWhere is the WHERE clause of appeal_stats_daily for q in sc.
func densityWhere(sc Scope, q DensityQuery) (string, []any) {
	from, to := q.days()
	return densityFilter(sc, q, "day", from, to)
}

// densityFilter is the WHERE clause of a density table whose time column
// col lies in [lo, hi], for q's category and territory in sc.
func densityFilter(sc Scope, q DensityQuery, col string, lo, hi int64) (string, []any) {
	conds := []string{col + " >= ?", col + " <= ?"}
	args := []any{lo, hi}
	if q.CategoryID > 0 {
		conds = append(conds, "category_id = ?")
		args = append(args, q.CategoryID)
	}
	if q.TerritoryID > 0 {
		conds = append(conds, "territory_id = ?")
		args = append(args, q.TerritoryID)
	}
	if c, a := sc.territoryFilter("territory_id"); c != "" {
		conds = append(conds, c)
		args = append(args, a...)
	}
	return where(conds...), args
}

// named names the counts by id through query (which ends in WHERE) and
// sorts them busiest first. Territory 0 is appeals without one.
func (s *Service) named(ctx context.Context, counts map[int64]*NamedCount, query string) ([]NamedCount, error) {
	ids := make([]int64, 0, len(counts))
	for id := range counts {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		cond, args := inList("id", ids)
		rows, err := s.d.DB.QueryContext(ctx, query+cond, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			counts[id].Name = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]NamedCount, 0, len(counts))
	for _, n := range counts {
		out = append(out, *n)
	}
	slices.SortFunc(out, func(a, b NamedCount) int {
		if a.Appeals != b.Appeals {
			return b.Appeals - a.Appeals
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}
