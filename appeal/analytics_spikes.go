package appeal

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/okno/okno"
)

// Spike detection: is today's number of people complaining about one
// category in one district unusual against the recent past?
//
// The count is of distinct authors, never of appeals: one person filing
// ten appeals about the same pothole is one voice, and ten people filing
// one each is a spike. The test is a Poisson upper tail against the
// baseline, the mean daily distinct authors of the same district and
// category over the BaselineDays days before (a model of EARS's C-family
// tests: a recent baseline, no seasonal model, a fixed false-alarm rate):
//
//	λ = max(mean of the baseline days, MinRate)
//	flag when x ≥ MinAuthors and P(X ≥ x | Poisson(λ)) < Alpha
//
// with the defaults BaselineDays 28 (four weeks, so every weekday is in
// it four times), MinRate 0.1 (a district and category that had nobody
// for four weeks needs 3 people in a day: P(X ≥ 3 | 0.1) ≈ 1.5e-4), Alpha
// 0.001 (Saint Petersburg's 18 districts × 15 categories are 270 tests a
// day: at most one false alarm in about four days if every pair were
// busy, fewer as most are quiet) and MinAuthors 3. Score is the excess in standard deviations, (x − λ)/√λ,
// EARS's C-statistic with the Poisson variance, for sorting.

// SpikeQuery says which day to test and how.
type SpikeQuery struct {
	Day          time.Time // the calendar date tested; zero: today in the region
	BaselineDays int       // default 28, at most 366
	Alpha        float64   // default 0.001
	MinAuthors   int       // default 3
	MinRate      float64   // default 0.1 a day
	TerritoryID  int64     // 0: every territory in scope
	CategoryID   int64     // 0: every category
	All          bool      // also return the pairs that are not spikes (busiest first)
}

func (q SpikeQuery) withDefaults(today time.Time) SpikeQuery {
	if q.Day.IsZero() {
		q.Day = today
	}
	if q.BaselineDays <= 0 {
		q.BaselineDays = 28
	}
	if q.Alpha <= 0 {
		q.Alpha = 0.001
	}
	if q.MinAuthors <= 0 {
		q.MinAuthors = 3
	}
	if q.MinRate <= 0 {
		q.MinRate = 0.1
	}
	return q
}

// Spike is one territory and category on the day tested.
type Spike struct {
	Day           time.Time
	TerritoryID   int64
	TerritoryName string
	CategoryID    int64
	CategoryTitle string
	Authors       int     // distinct authors that day
	Appeals       int     // appeals that day
	Baseline      float64 // mean daily distinct authors over the baseline days
	PValue        float64 // P(X ≥ Authors) under the baseline
	Score         float64 // (Authors − λ)/√λ
	Spike         bool    // the test flags it
}

// Spikes tests every territory × category with appeals on q.Day in the
// actor's scope, spikes first by score.
func (s *Service) Spikes(ctx context.Context, actor okno.Actor, q SpikeQuery) ([]Spike, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	q = q.withDefaults(DayDate(dayOf(s.now())))
	var fe okno.FieldErrors
	if q.BaselineDays > 366 {
		fe.Add("baseline", "appeal.analytics.baseline_long", 366)
	}
	if q.Alpha >= 1 || math.IsNaN(q.Alpha) {
		fe.Add("alpha", "appeal.analytics.alpha")
	}
	if q.TerritoryID > 0 && !sc.allowsTerritory(q.TerritoryID) {
		fe.Add("territory", "appeal.analytics.unknown_territory")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	day := DayNumber(q.Day)
	cond, args := densityWhere(sc, DensityQuery{Period: Period{From: DayDate(day - int64(q.BaselineDays)), To: DayDate(day)},
		CategoryID: q.CategoryID, TerritoryID: q.TerritoryID})
	rows, err := s.d.DB.QueryContext(ctx, `SELECT day, territory_id, category_id, appeals, authors FROM appeal_stats_daily`+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("appeal: spikes: %w", err)
	}
	type pair struct{ terr, cat int64 }
	today := map[pair]*Spike{}
	base := map[pair]int{}
	for rows.Next() {
		var d, terr, cat int64
		var n, authors int
		if err := rows.Scan(&d, &terr, &cat, &n, &authors); err != nil {
			rows.Close()
			return nil, err
		}
		p := pair{terr, cat}
		if d == day {
			today[p] = &Spike{Day: DayDate(day), TerritoryID: terr, CategoryID: cat, Authors: authors, Appeals: n}
		} else {
			base[p] += authors
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	terrs, cats := map[int64]*NamedCount{}, map[int64]*NamedCount{}
	var out []Spike
	for p, sp := range today {
		sp.Baseline = float64(base[p]) / float64(q.BaselineDays)
		sp.Spike, sp.PValue, sp.Score = spikeTest(sp.Authors, sp.Baseline, q)
		if !sp.Spike && !q.All {
			continue
		}
		out = append(out, *sp)
		terrs[p.terr] = &NamedCount{ID: p.terr}
		cats[p.cat] = &NamedCount{ID: p.cat}
	}
	tn, err := s.named(ctx, terrs, `SELECT id, name FROM territories WHERE `)
	if err != nil {
		return nil, err
	}
	cn, err := s.named(ctx, cats, `SELECT id, title FROM appeal_categories WHERE `)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, n := range tn {
		names[n.ID] = n.Name
	}
	titles := map[int64]string{}
	for _, n := range cn {
		titles[n.ID] = n.Name
	}
	for i := range out {
		out[i].TerritoryName, out[i].CategoryTitle = names[out[i].TerritoryID], titles[out[i].CategoryID]
	}
	slices.SortFunc(out, func(a, b Spike) int {
		switch {
		case a.Spike != b.Spike:
			if a.Spike {
				return -1
			}
			return 1
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case a.TerritoryID != b.TerritoryID:
			return int(a.TerritoryID - b.TerritoryID)
		}
		return int(a.CategoryID - b.CategoryID)
	})
	return out, nil
}

// spikeTest is the documented test: x distinct authors against a
// baseline mean of mean a day.
func spikeTest(x int, mean float64, q SpikeQuery) (spike bool, p, score float64) {
	lambda := math.Max(mean, q.MinRate)
	p = poissonUpperTail(x, lambda)
	score = (float64(x) - lambda) / math.Sqrt(lambda)
	return x >= q.MinAuthors && p < q.Alpha, p, score
}

// poissonUpperTail is P(X ≥ x) for X ~ Poisson(lambda), summed from x up
// in log space so that tiny tails do not underflow to a wrong zero early.
func poissonUpperTail(x int, lambda float64) float64 {
	if x <= 0 {
		return 1
	}
	if lambda <= 0 {
		return 0
	}
	if float64(x) <= lambda {
		// The tail is large: 1 − P(X < x), summed over the few terms below x.
		sum := 0.0
		for k := range x {
			sum += math.Exp(logPoisson(k, lambda))
		}
		return math.Max(0, 1-sum)
	}
	sum := 0.0
	for k := x; k < x+1000; k++ {
		t := math.Exp(logPoisson(k, lambda))
		sum += t
		if t < sum*1e-16 {
			break
		}
	}
	return math.Min(1, sum)
}

func logPoisson(k int, lambda float64) float64 {
	lg, _ := math.Lgamma(float64(k) + 1)
	return float64(k)*math.Log(lambda) - lambda - lg
}
