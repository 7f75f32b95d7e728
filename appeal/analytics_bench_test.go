package appeal

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// benchAppeals is how many synthetic appeals the analytics benchmarks
// load: the figure is for a million. OKNO_BENCH_APPEALS changes it.
func benchAppeals() int {
	if n, err := strconv.Atoi(os.Getenv("OKNO_BENCH_APPEALS")); err == nil && n > 0 {
		return n
	}
	return 1000000
}

// loadAppeals writes n synthetic appeals (and the cases they belong to)
// with multi-row INSERTs over a year before w.now: 18 districts, 15
// categories, 60 organisations, 200,000 authors; a third answered on time,
// a tenth late, some reopened and re-routed.
func loadAppeals(b *testing.B, w *anWorld, n int) {
	b.Helper()
	ctx := context.Background()
	at := sqldb.Now(w.now)
	var terrs, cats, orgs []int64
	err := w.db.InTx(ctx, func(tx *sqldb.Tx) error {
		for i := range 18 {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO territories (name, level, geometry, min_lon, min_lat, max_lon, max_lat, created_at, updated_at)
				VALUES (?, 'district', '[]', 30, 59, 31, 60, ?, ?) RETURNING id`, fmt.Sprintf("Район %d", i), at, at).Scan(&id); err != nil {
				return err
			}
			terrs = append(terrs, id)
		}
		for i := range 15 {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO appeal_categories (code, title) VALUES (?, ?) RETURNING id`, fmt.Sprintf("c%d", i), fmt.Sprintf("Категория %d", i)).Scan(&id); err != nil {
				return err
			}
			var r int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO appeal_reasons (category_id, code, title) VALUES (?, ?, ?) RETURNING id`, id, fmt.Sprintf("c%d-r", i), "Причина").Scan(&r); err != nil {
				return err
			}
			w.reasons[id] = r
			cats = append(cats, id)
		}
		for i := range 60 {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO organisations (kind, name, parent_id, created_at, updated_at) VALUES ('institution', ?, ?, ?, ?) RETURNING id`,
				fmt.Sprintf("Учреждение %d", i), w.region, at, at).Scan(&id); err != nil {
				return err
			}
			orgs = append(orgs, id)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 5000
	start := time.Now()
	for done := 0; done < n; done += batch {
		m := min(batch, n-done)
		caseRows := make([][]any, 0, m)
		appealRows := make([][]any, 0, m)
		for k := range m {
			id := int64(done + k + 1000)
			created := sqldb.Now(w.now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))))
			due := created.Add(30 * 24 * time.Hour)
			cat := cats[rng.IntN(len(cats))]
			terr := terrs[rng.IntN(len(terrs))]
			o := orgs[rng.IntN(len(orgs))]
			var answered, onTime, closed any
			status := string(StatusOpen)
			switch x := rng.IntN(10); {
			case x < 6:
				a := created.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour))))
				answered, onTime, status = a, true, string(StatusAnswered)
				if x < 4 {
					closed, status = a.Add(48*time.Hour), string(StatusFixed)
				}
			case x < 7:
				a := due.Add(time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))
				answered, onTime, status = a, false, string(StatusNotFixed)
				closed = a
			}
			ref := "B-" + strconv.FormatInt(id, 10)
			caseRows = append(caseRows, []any{id, ref, w.process, o, due, created, created})
			appealRows = append(appealRows, []any{id, ref, cat, w.reasons[cat], terr, o, 59.9 + rng.Float64()*0.2, 30.2 + rng.Float64()*0.3,
				"a" + strconv.Itoa(rng.IntN(200000)), status, rng.IntN(10) / 8, rng.IntN(20) / 19, created, due, answered, onTime, closed, created})
		}
		err := w.db.InTx(ctx, func(tx *sqldb.Tx) error {
			if err := insertRowsFn(ctx, tx, `INSERT INTO cases (id, ref, kind, process_id, state, version, org_id, subject, channel, legal_period,
				legal_due_at, created_by, created_at, updated_at) VALUES `, `(?, ?, 'appeal', ?, 'review', 1, ?, 'Обращение', 'web', '30d', ?, 'system', ?, ?)`, caseRows); err != nil {
				return err
			}
			return insertRowsFn(ctx, tx, `INSERT INTO appeals (case_id, ref, category_id, reason_id, territory_id, org_id, lat, lon, cell,
				author_key, channel, status, state, reroutes, reopened, created_at, due_at, answered_at, answered_on_time, closed_at, updated_at) VALUES `,
				`(?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'web', ?, 'review', ?, ?, ?, ?, ?, ?, ?, ?)`, appealRows)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("loaded %d appeals in %s", n, time.Since(start).Round(time.Second))
}

// insertRowsFn is insertRows with a row template holding constants.
func insertRowsFn(ctx context.Context, tx *sqldb.Tx, head, one string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, maxParams/width)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		q := make([]byte, 0, len(head)+len(chunk)*(len(one)+2))
		q = append(q, head...)
		args := make([]any, 0, len(chunk)*width)
		for i, r := range chunk {
			if i > 0 {
				q = append(q, ", "...)
			}
			q = append(q, one...)
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, string(q), args...); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkAnalytics1M loads a million appeals, then measures the full
// refresh, the incremental refresh after a thousand changes, and each
// dashboard query (which read only the pre-aggregates).
//
//	go test ./appeal -run '^$' -bench BenchmarkAnalytics1M -benchtime 3x -timeout 1h
//
// with OKNO_TEST_POSTGRES set for the PostgreSQL half.
func BenchmarkAnalytics1M(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchAnalytics(b, storetest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchAnalytics(b, storetest.OpenPostgres(b)) })
}

func benchAnalytics(b *testing.B, db *sqldb.DB) {
	ctx := context.Background()
	w := newAnWorld(b, db)
	loadAppeals(b, w, benchAppeals())
	year := Period{From: DayDate(dayOf(w.now) - 364), To: DayDate(dayOf(w.now))}
	quarter := Period{From: DayDate(dayOf(w.now) - 90), To: DayDate(dayOf(w.now))}
	b.Run("refresh-full", func(b *testing.B) {
		for b.Loop() {
			w.exec(b, `DELETE FROM appeal_analytics_state`)
			if _, err := w.svc.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("refresh-1000-changed", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			w.now = w.now.Add(10 * time.Minute)
			w.exec(b, `UPDATE appeals SET status = 'answered', updated_at = ? WHERE case_id >= ? AND case_id < ?`,
				sqldb.Now(w.now), 1000+i*1000, 2000+i*1000)
			b.StartTimer()
			if _, err := w.svc.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	admin := w.regionAdmin()
	for name, fn := range map[string]func() error{
		"density-year": func() error { _, err := w.svc.Density(ctx, admin, DensityQuery{Period: year}); return err },
		"density-quarter-cat": func() error {
			_, err := w.svc.Density(ctx, admin, DensityQuery{Period: quarter, CategoryID: w.catRoads + 2})
			return err
		},
		"spikes":          func() error { _, err := w.svc.Spikes(ctx, admin, SpikeQuery{All: true}); return err },
		"efficiency-year": func() error { _, err := w.svc.Efficiency(ctx, admin, year); return err },
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := fn(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
		})
	}
}

// BenchmarkDashboard measures the dashboard's queries on the aggregates a
// million appeals make over a year (every district × category × day row
// and every organisation × day row filled), without loading the appeals:
// the queries read nothing else.
//
//	go test ./appeal -run '^$' -bench BenchmarkDashboard
func BenchmarkDashboard(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchDashboard(b, storetest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchDashboard(b, storetest.OpenPostgres(b)) })
}

func benchDashboard(b *testing.B, db *sqldb.DB) {
	ctx := context.Background()
	w := newAnWorld(b, db)
	today := dayOf(w.now)
	var dayRows, orgRows [][]any
	rng := rand.New(rand.NewPCG(3, 4))
	for d := today - 364; d <= today; d++ {
		for terr := int64(1); terr <= 18; terr++ {
			for cat := int64(1); cat <= 15; cat++ {
				n := 1 + rng.IntN(19) // ~10 a row: 1M appeals a year
				dayRows = append(dayRows, []any{d, terr, cat, n, max(1, n-rng.IntN(3))})
			}
		}
		for o := int64(1); o <= 60; o++ {
			a := orgAgg{Received: 45, Answered: 30, OnTime: 25, Overdue: 3, Reroutes: 2, Reopened: 1, Fixed: 20, NotFixed: 5, Closed: 25,
				Hist: map[int]int{}}
			for range 30 { // answers spread over 0–60 days, as in the million-appeal fixture
				a.Hist[rng.IntN(histBuckets)]++
			}
			orgRows = append(orgRows, append([]any{d, o}, a.values()...))
		}
	}
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := insertRows(ctx, tx, `INSERT INTO appeal_stats_daily (day, territory_id, category_id, appeals, authors) VALUES `, dayRows); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, `INSERT INTO appeal_stats_org_daily (day, org_id, `+orgAggColumns+`) VALUES `, orgRows); err != nil {
			return err
		}
		// The monthly rows, as the refresh keeps them.
		for _, k := range keysOf(dayRows) {
			if err := recomputeMonth(ctx, tx, k); err != nil {
				return err
			}
		}
		for m := monthOf(today - 364); m <= monthOf(today); m++ {
			for o := int64(1); o <= 60; o++ {
				if err := recomputeOrgMonth(ctx, tx, orgKey{m, o}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	year := Period{From: DayDate(today - 364), To: DayDate(today)}
	quarter := Period{From: DayDate(today - 90), To: DayDate(today)}
	admin := w.regionAdmin()
	for _, q := range []struct {
		name string
		fn   func() error
	}{
		{"density-year", func() error { _, err := w.svc.Density(ctx, admin, DensityQuery{Period: year}); return err }},
		{"density-quarter", func() error { _, err := w.svc.Density(ctx, admin, DensityQuery{Period: quarter}); return err }},
		{"density-year-district", func() error {
			_, err := w.svc.Density(ctx, admin, DensityQuery{Period: year, TerritoryID: 3})
			return err
		}},
		{"spikes", func() error { _, err := w.svc.Spikes(ctx, admin, SpikeQuery{All: true}); return err }},
		{"efficiency-year", func() error { _, err := w.svc.Efficiency(ctx, admin, year); return err }},
		{"efficiency-quarter", func() error { _, err := w.svc.Efficiency(ctx, admin, quarter); return err }},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if err := q.fn(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
		})
	}
}

// keysOf lists the months × districts × categories of day rows.
func keysOf(dayRows [][]any) []dayKey {
	seen := map[dayKey]bool{}
	var out []dayKey
	for _, r := range dayRows {
		k := dayKey{monthOf(r[0].(int64)), r[1].(int64), r[2].(int64)}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
