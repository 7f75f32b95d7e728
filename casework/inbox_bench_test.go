package casework

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// benchCases is how many cases the organisation of the inbox benchmarks
// holds: a big district administration's year.
const benchCases = 100_000

// BenchmarkInbox reads the first page, and a page deep in the list, of
// each view of an organisation with 100,000 cases, on SQLite and (with
// OKNO_TEST_POSTGRES) PostgreSQL:
//
//	go test ./casework -run '^$' -bench BenchmarkInbox -benchtime 200x
func BenchmarkInbox(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchInbox(b, storetest.OpenSQLite(b)) })
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { benchInbox(b, storetest.OpenPostgres(b)) })
	}
}

func benchInbox(b *testing.B, db *sqldb.DB) {
	w := seedInboxBench(b, db, benchCases)
	svc := New(Deps{DB: db, Processes: w.procs, Now: func() time.Time { return ibNow }})
	ctx := context.Background()
	official := okno.Actor{Kind: okno.ActorStaff, UserID: w.official, OrgID: w.a, Roles: []okno.Role{okno.RoleOfficial}}
	for _, q := range []InboxQuery{
		{View: ViewMine}, {View: ViewOrg}, {View: ViewUnassigned}, {View: ViewDueToday}, {View: ViewOverdue},
		{View: ViewEscalated}, {View: ViewClosed}, {View: ViewOrg, State: "info"}, {View: ViewOrg, Search: "яма"},
	} {
		name := string(q.View)
		if q.State != "" {
			name += "+state"
		}
		if q.Search != "" {
			name += "+search"
		}
		b.Run(name, func(b *testing.B) {
			deep := q
			for range 20 { // the 21st page: the cursor seeks, it does not skip
				p, err := svc.Inbox(ctx, official, deep)
				if err != nil {
					b.Fatal(err)
				}
				if p.Next == "" {
					break
				}
				deep.After = p.Next
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				qq := q
				if i%2 == 1 {
					qq = deep
				}
				if _, err := svc.Inbox(ctx, official, qq); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("overdue-overview", func(b *testing.B) {
		chief := okno.Actor{Kind: okno.ActorStaff, UserID: w.official, OrgID: w.a, Roles: []okno.Role{okno.RoleSupervisor}}
		for i := 0; i < b.N; i++ {
			if _, err := svc.Overdue(ctx, chief); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// seedInboxBench writes an organisation with ten officials on one
// position and n cases by multi-row inserts: a third assigned to the
// benchmark's official, a third to colleagues, a third to the position
// with nobody assigned; deadlines spread from 30 days ago to 60 days
// ahead; one in twenty closed, one in fifty in a waiting state, one in a
// hundred escalated to the organisation, one in ten with a step clock.
func seedInboxBench(tb testing.TB, db *sqldb.DB, n int) ibWorld {
	tb.Helper()
	ctx, now := context.Background(), sqldb.Now(ibNow)
	w := ibWorld{procs: ibProcesses{byID: map[int64]process.Version{}}}
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		one := func(dst *int64, q string, args ...any) error { return tx.QueryRowContext(ctx, q, args...).Scan(dst) }
		if err := one(&w.a, `INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('district_administration', 'Администрация района', ?, ?) RETURNING id`, now, now); err != nil {
			return err
		}
		if err := one(&w.specialist, `INSERT INTO positions (organisation_id, title, role, created_at) VALUES (?, 'Специалист', 'official', ?) RETURNING id`, w.a, now); err != nil {
			return err
		}
		staff := make([]int64, 10)
		for i := range staff {
			if err := one(&staff[i], `INSERT INTO users (kind, display_name, password_hash, created_at, updated_at) VALUES ('staff', ?, '', ?, ?) RETURNING id`,
				fmt.Sprintf("Сотрудник %d", i+1), now, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO staff (user_id, position_id, since) VALUES (?, ?, ?)`, staff[i], w.specialist, now); err != nil {
				return err
			}
		}
		w.official = staff[0]
		var pv int64
		if err := one(&pv, `INSERT INTO process_versions (name, version, kind, source, digest, published_at, published_by)
			VALUES ('appeal', 1, 'appeal', '{}', 'bench', ?, 'system') RETURNING id`, now); err != nil {
			return err
		}
		w.procs.byID[pv] = process.Version{ID: pv, Name: "appeal", Version: 1, Definition: ibDefinitions["appeal"]}
		return insertBenchCases(ctx, tx, w.a, w.specialist, pv, staff, n)
	})
	if err != nil {
		tb.Fatal(err)
	}
	if db.Dialect() == sqldb.Postgres {
		if _, err := db.ExecContext(ctx, `ANALYZE cases`); err != nil {
			tb.Fatal(err)
		}
	}
	return w
}

// insertBenchCases writes n cases, 500 rows a statement.
func insertBenchCases(ctx context.Context, tx *sqldb.Tx, org, position, pv int64, staff []int64, n int) error {
	const batch = 500
	const row = `(?, 'appeal', ?, ?, 1, ?, ?, ?, ?, ?, ?, 'web', '30d', ?, ?, ?, ?, '', 'system', ?, ?, ?)`
	subjects := []string{"Яма на дороге", "Мусор во дворе", "Сломанная скамейка", "Не работает фонарь", "Протечка крыши"}
	now := sqldb.Now(ibNow)
	for start := 0; start < n; start += batch {
		m := min(batch, n-start)
		args := make([]any, 0, m*18)
		for i := start; i < start+m; i++ {
			var assignee, escalated, paused, stepDue, closed any
			switch i % 3 {
			case 0:
				assignee = staff[0]
			case 1:
				assignee = staff[1+i%(len(staff)-1)]
			}
			state, level, step := "review", 0, ""
			due := sqldb.Now(ibNow.Add(time.Duration(i%(90*24))*time.Hour - 30*24*time.Hour))
			if i%50 == 7 {
				state, paused = "info", now
			}
			if i%100 == 11 {
				level, escalated = 1, org
			}
			if i%10 == 3 {
				step, stepDue = "2d", sqldb.Now(ibNow.Add(time.Duration(i%96)*time.Hour))
			}
			if i%20 == 19 {
				state, closed = "closed", now
			}
			args = append(args, fmt.Sprintf("B-%07d", i), pv, state, org, position, assignee, level, escalated,
				subjects[i%len(subjects)], due, paused, step, stepDue, now, now, closed)
		}
		q := `INSERT INTO cases (ref, kind, process_id, state, version, org_id, position_id, assignee_id,
			escalation_level, escalated_org_id, subject, channel, legal_period, legal_due_at, legal_paused_at,
			step_period, step_due_at, outcome, created_by, created_at, updated_at, closed_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(row+",", m), ",")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("bench cases from %d: %w", start, err)
		}
	}
	return nil
}
