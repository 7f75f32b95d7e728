package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkInboxPage renders GET /staff/cases through the server's whole
// handler — session, roles, the inbox query, the filter's processes, the
// bulk form's staff, the template — for an organisation with 100,000
// cases, on SQLite and (with OKNO_TEST_POSTGRES) PostgreSQL. Besides
// ns/op it reports the median and the 95th percentile of the page:
//
//	go test ./web -run '^$' -bench BenchmarkInboxPage -benchtime 300x
func BenchmarkInboxPage(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchInboxPage(b, storetest.OpenSQLite(b)) })
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { benchInboxPage(b, storetest.OpenPostgres(b)) })
	}
}

func benchInboxPage(b *testing.B, db *sqldb.DB) {
	o := newOffice(b, db)
	seedOfficeCases(b, o, 100_000)
	for _, page := range []struct{ name, path string }{
		{"mine", "/staff/cases"},
		{"org", "/staff/cases?view=org"},
		{"overdue", "/staff/cases?view=overdue"},
		{"due_today", "/staff/cases?view=due_today"},
		{"search", "/staff/cases?view=org&q=" + "%D1%8F%D0%BC%D0%B0"}, // "яма"
	} {
		b.Run(page.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", page.path, nil)
				req.AddCookie(&http.Cookie{Name: "okno_session", Value: "spec"})
				rec := httptest.NewRecorder()
				start := time.Now()
				o.web.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "case-table__row") {
					b.Fatalf("%s: status %d", page.path, rec.Code)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "ms-p95")
		})
	}
}

// seedOfficeCases writes n appeals of organisation A by multi-row inserts,
// as the engine would leave them: spread over the specialists' position,
// its two specialists and nobody; deadlines from a month ago to two
// months ahead; one in twenty closed, one in ten with a step clock.
func seedOfficeCases(tb testing.TB, o *office, n int) {
	tb.Helper()
	ctx := context.Background()
	var pv int64
	if err := o.db.QueryRowContext(ctx, `SELECT id FROM process_versions WHERE name = 'appeal' ORDER BY version DESC LIMIT 1`).Scan(&pv); err != nil {
		tb.Fatal(err)
	}
	states := []string{"review", "review", "review", "interim", "moderation", "info_requested"}
	subjects := []string{"Яма на дороге", "Мусор во дворе", "Сломанная скамейка", "Не работает фонарь", "Протечка крыши"}
	now := o.clock.Now()
	const batch = 500
	const row = `(?, 'appeal', ?, ?, 1, ?, ?, ?, ?, 'web', '30d', ?, ?, ?, '', 'system', ?, ?, ?)`
	err := o.db.InTx(ctx, func(tx *sqldb.Tx) error {
		for start := 0; start < n; start += batch {
			m := min(batch, n-start)
			args := make([]any, 0, m*14)
			for i := start; i < start+m; i++ {
				var assignee, stepDue, closed any
				switch i % 3 {
				case 0:
					assignee = o.specUser
				case 1:
					assignee = o.spec2
				}
				state, step := states[i%len(states)], ""
				if i%10 == 3 {
					step, stepDue = "8w", sqldb.Now(now.Add(time.Duration(i%96)*time.Hour))
				}
				if i%20 == 19 {
					state, closed = "closed_fixed", sqldb.Now(now)
				}
				due := sqldb.Now(now.Add(time.Duration(i%(90*24))*time.Hour - 30*24*time.Hour))
				args = append(args, fmt.Sprintf("B-%07d", i), pv, state, o.a.ID, o.spec.ID, assignee,
					subjects[i%len(subjects)], due, step, stepDue, sqldb.Now(now), sqldb.Now(now), closed)
			}
			q := `INSERT INTO cases (ref, kind, process_id, state, version, org_id, position_id, assignee_id, subject, channel,
				legal_period, legal_due_at, step_period, step_due_at, outcome, created_by, created_at, updated_at, closed_at) VALUES ` +
				strings.TrimSuffix(strings.Repeat(row+",", m), ",")
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("cases from %d: %w", start, err)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if o.db.Dialect() == sqldb.Postgres {
		if _, err := o.db.ExecContext(ctx, `ANALYZE cases`); err != nil {
			tb.Fatal(err)
		}
	}
}
