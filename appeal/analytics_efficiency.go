package appeal

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
)

// histBucket is the width of a bucket of the answer-time histogram; the
// last bucket holds everything from histBuckets-1 buckets on (60 days).
const (
	histBucket  = 12 * time.Hour
	histBuckets = 121
)

// orgAggColumns are appeal_stats_org_daily's counters, in values() order.
const orgAggColumns = `received, answered, on_time, overdue, reroutes, reopened, fixed, not_fixed, closed, answer_hist`

// orgAgg is what became of an organisation's appeals: one day's, or a
// window's when days are merged.
type orgAgg struct {
	Received, Answered, OnTime, Overdue, Reroutes, Reopened, Fixed, NotFixed, Closed int
	Hist                                                                             map[int]int
}

// add counts one appeal; overdue means unanswered with its due time at
// or before asOf.
func (a *orgAgg) add(r orgRow, asOf time.Time) {
	a.Received++
	if r.AnsweredAt.Valid {
		a.Answered++
		if r.OnTime.Valid && r.OnTime.Bool {
			a.OnTime++
		}
		b := int(r.AnsweredAt.Time.Sub(r.CreatedAt) / histBucket)
		if a.Hist == nil {
			a.Hist = map[int]int{}
		}
		a.Hist[min(max(b, 0), histBuckets-1)]++
	} else if !r.DueAt.After(asOf) {
		a.Overdue++
	}
	a.Reroutes += r.Reroutes
	if r.Reopened > 0 {
		a.Reopened++
	}
	switch Status(r.Status) {
	case StatusFixed, StatusFixedAuto:
		a.Fixed++
	case StatusNotFixed:
		a.NotFixed++
	}
	if r.ClosedAt.Valid {
		a.Closed++
	}
}

func (a *orgAgg) values() []any {
	return []any{a.Received, a.Answered, a.OnTime, a.Overdue, a.Reroutes, a.Reopened, a.Fixed, a.NotFixed, a.Closed, encodeHist(a.Hist)}
}

// scanOrgAgg scans orgAggColumns after the leading destinations first.
func scanOrgAgg(sc interface{ Scan(...any) error }, first ...any) (orgAgg, error) {
	var a orgAgg
	var hist string
	if err := sc.Scan(append(first, &a.Received, &a.Answered, &a.OnTime, &a.Overdue, &a.Reroutes, &a.Reopened,
		&a.Fixed, &a.NotFixed, &a.Closed, &hist)...); err != nil {
		return a, err
	}
	if hist != "" {
		a.Hist = map[int]int{}
		decodeHist(hist, a.Hist)
	}
	return a, nil
}

// merge adds b's counts to a.
func (a *orgAgg) merge(b orgAgg) {
	a.Received += b.Received
	a.Answered += b.Answered
	a.OnTime += b.OnTime
	a.Overdue += b.Overdue
	a.Reroutes += b.Reroutes
	a.Reopened += b.Reopened
	a.Fixed += b.Fixed
	a.NotFixed += b.NotFixed
	a.Closed += b.Closed
	for k, v := range b.Hist {
		if a.Hist == nil {
			a.Hist = map[int]int{}
		}
		a.Hist[k] += v
	}
}

// encodeHist writes a histogram as "bucket:count" pairs in bucket order.
func encodeHist(h map[int]int) string {
	keys := make([]int, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(k))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(h[k]))
	}
	return b.String()
}

// decodeHist reads encodeHist's form into h; malformed pairs are skipped
// (the column is ours, but a half-written one must not break a page).
func decodeHist(s string, h map[int]int) {
	for p := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(p, ":")
		if !ok {
			continue
		}
		b, err1 := strconv.Atoi(k)
		n, err2 := strconv.Atoi(v)
		if err1 == nil && err2 == nil && b >= 0 && b < histBuckets && n > 0 {
			h[b] += n
		}
	}
}

// histMedian is the median of a histogram, interpolated within its
// bucket; 0 when it is empty.
func histMedian(h map[int]int) time.Duration {
	total := 0
	for _, n := range h {
		total += n
	}
	if total == 0 {
		return 0
	}
	half := float64(total) / 2
	cum := 0.0
	for b := range histBuckets {
		n := float64(h[b])
		if n > 0 && cum+n >= half {
			return time.Duration((float64(b) + (half-cum)/n) * float64(histBucket))
		}
		cum += n
	}
	return time.Duration(histBuckets) * histBucket
}

// Efficiency is an organisation's record over a window of days, by the
// day appeals were filed.
type Efficiency struct {
	OrgID        int64
	OrgName      string
	Received     int
	Answered     int
	OnTime       int
	Overdue      int     // unanswered past their due time (as of the last refresh)
	OnTimeShare  float64 // OnTime / (Answered + Overdue)
	MedianAnswer time.Duration
	Reroutes     int     // times appeals were sent on to another body
	Reopened     int     // appeals reopened at least once
	ReopenRate   float64 // Reopened / Closed
	Fixed        int
	NotFixed     int
	Closed       int
}

// Period is a window of whole days of the region, From to To inclusive,
// as calendar dates (see DayNumber). Zero ends are open.
type Period struct {
	From, To time.Time
}

// days is the period's first and last day numbers.
func (p Period) days() (from, to int64) {
	from, to = -1<<40, 1<<40
	if !p.From.IsZero() {
		from = DayNumber(p.From)
	}
	if !p.To.IsZero() {
		to = DayNumber(p.To)
	}
	return from, to
}

// validate checks the period's order and length (at most maxPeriodDays).
func (p Period) validate(fe *okno.FieldErrors) {
	if !p.From.IsZero() && !p.To.IsZero() {
		from, to := p.days()
		if to < from {
			fe.Add("to", "appeal.analytics.period_order")
		} else if to-from >= maxPeriodDays {
			fe.Add("from", "appeal.analytics.period_long", maxPeriodDays)
		}
	}
}

// maxPeriodDays bounds a period: ten years of days.
const maxPeriodDays = 3660

// Efficiency returns the organisations' records over p, busiest first:
// every organisation for the region's staff, the actor's subtree for the
// others.
func (s *Service) Efficiency(ctx context.Context, actor okno.Actor, p Period) ([]Efficiency, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	var fe okno.FieldErrors
	p.validate(&fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	from, to := p.days()
	parts := []densityPart{{"appeal_stats_org_daily", "day", "", from, to}}
	if !p.From.IsZero() && !p.To.IsZero() {
		parts = splitMonths(from, to)
	}
	by := map[int64]*Efficiency{}
	aggs := map[int64]*orgAgg{}
	for _, part := range parts {
		table := "appeal_stats_org_daily"
		if part.col == "month" {
			table = "appeal_stats_org_monthly"
		}
		cond, args := sc.orgFilter("s.org_id")
		rows, err := s.d.DB.QueryContext(ctx, `SELECT s.org_id, o.name, `+orgAggColumns+` FROM `+table+` s
			JOIN organisations o ON o.id = s.org_id`+where("s."+part.col+" >= ?", "s."+part.col+" <= ?", cond), append([]any{part.lo, part.hi}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("appeal: efficiency: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			a, err := scanOrgAgg(rows, &id, &name)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if by[id] == nil {
				by[id] = &Efficiency{OrgID: id, OrgName: name}
				aggs[id] = &orgAgg{}
			}
			aggs[id].merge(a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]Efficiency, 0, len(by))
	for id, e := range by {
		a := aggs[id]
		e.Received, e.Answered, e.OnTime, e.Overdue = a.Received, a.Answered, a.OnTime, a.Overdue
		e.Reroutes, e.Reopened, e.Fixed, e.NotFixed, e.Closed = a.Reroutes, a.Reopened, a.Fixed, a.NotFixed, a.Closed
		e.OnTimeShare = ratio(a.OnTime, a.Answered+a.Overdue)
		e.ReopenRate = ratio(a.Reopened, a.Closed)
		e.MedianAnswer = histMedian(a.Hist)
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Efficiency) int {
		if a.Received != b.Received {
			return b.Received - a.Received
		}
		return strings.Compare(a.OrgName, b.OrgName)
	})
	return out, nil
}

// ratio is n/d, 0 when d is 0.
func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}
