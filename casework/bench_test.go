package casework_test

import (
	"context"
	"encoding/json"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okno/okno/casework"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// The figures these benchmarks produce are recorded in docs/BENCHMARKS.md.

// benchEngines runs fn on SQLite opened as the application opens it
// (synchronous=FULL), and on PostgreSQL when OKNO_TEST_POSTGRES is set.
func benchEngines(b *testing.B, fn func(b *testing.B, db *sqldb.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.OpenSQLite(b)) })
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, storetest.OpenPostgres(b)) })
	}
}

// BenchmarkAct measures case actions through the engine: each is one
// transaction with the case row, its timeline event, sealed comment,
// notices and webhooks (notify: one outbox message per notice and per
// event, fanned out after the commit — no worker runs here), and the
// audit entry. Officials
// and citizens work their own appeals in parallel, each taken by the
// official, round the cycle interim answer → request for information →
// the citizen's reply.
func BenchmarkAct(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *sqldb.DB) {
		f := newFixture(b, db, at(2026, 3, 2, 10, 0))
		pool := f.benchPool(b, 64)
		for _, wiring := range []string{"notify", "outbox"} {
			b.Run(wiring, func(b *testing.B) {
				if wiring == "outbox" {
					f.plainOutbox()
				}
				benchAct(b, f, pool)
			})
		}
	})
}

// benchPool opens appeals in review, each taken by the specialist.
func (f *fixture) benchPool(b *testing.B, n int) []casework.Case {
	ctx := context.Background()
	pool := make([]casework.Case, n)
	for i := range pool {
		c := f.act(f.operatorActor(), f.openAppeal("Засор ливнёвки"), "publish", "", nil)
		c, err := f.s.Assign(ctx, f.specActor(), c.ID, c.Version, casework.Assignment{PositionID: f.pos.spec.ID, AssigneeID: f.u.spec})
		if err != nil {
			b.Fatal(err)
		}
		pool[i] = c
	}
	return pool
}

// benchAct works the pool round the cycle in parallel; pool is updated
// with the cases as they end, for the next run.
func benchAct(b *testing.B, f *fixture, pool []casework.Case) {
	cycle := []struct {
		action, comment string
		citizen         bool
	}{
		{"interim_answer", "Работы запланированы", false},
		{"request_info", "Уточните адрес", false},
		{"reply", "Дом 5, корпус 2", true},
	}
	var next atomic.Int64
	b.SetParallelism(4) // 8 people at once on 2 cores: reads overlap the writer
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		i := next.Add(1) - 1
		c := pool[i]
		defer func() { pool[i] = c }()
		for pb.Next() {
			step := cycle[0]
			for _, st := range cycle {
				if actionFrom(st.action) == c.State {
					step = st
				}
			}
			actor := f.specActor()
			if step.citizen {
				actor = f.citizenActor()
			}
			got, err := f.s.Act(ctx, actor, casework.ActionInput{CaseID: c.ID, Version: c.Version,
				Action: step.action, Comment: step.comment})
			if err != nil {
				b.Errorf("%s: %v", step.action, err)
				return
			}
			c = got
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "actions/s")
}

// actionFrom is the state each action of the benchmark's cycle is taken in.
func actionFrom(action string) string {
	return map[string]string{"interim_answer": "review", "request_info": "interim", "reply": "info_requested"}[action]
}

// BenchmarkRunDue measures one scan of the scheduler over 1,000,000 open
// cases of which 1,000 are due: each due case escalates (event, audit
// entry, a notice to the boss, a webhook). Between scans the same 1,000
// are made due again, off the clock. The cases are seeded once per engine.
func BenchmarkRunDue(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *sqldb.DB) {
		f := newFixture(b, db, at(2026, 3, 20, 10, 0))
		dueAt := f.clock.Now().Add(-time.Hour)
		f.seedCases(b, 1_000_000, 1000, dueAt)
		for _, wiring := range []string{"notify", "outbox"} {
			b.Run(wiring, func(b *testing.B) {
				if wiring == "outbox" {
					f.plainOutbox()
				}
				runDue(b, f, dueAt)
			})
		}
	})
}

func runDue(b *testing.B, f *fixture, dueAt time.Time) {
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		n, err := f.s.RunDue(ctx)
		if err != nil || n != 1000 {
			b.Fatalf("RunDue = %d, %v; want 1000", n, err)
		}
		b.StopTimer()
		if _, err := f.db.ExecContext(ctx, `UPDATE cases SET next_due_at = ?, escalation_level = 0,
			escalated_org_id = NULL, escalated_position_id = NULL WHERE escalation_level > 0`, sqldb.Now(dueAt)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// plainOutbox rewires the engine with a stand-in that writes one outbox
// message per notice and per event and checks nothing: the "outbox"
// figures are the engine's own cost, the "notify" ones add notify's
// checks of each notice and event (it too writes one message each; the
// fan-out to channels and subscriptions runs after the commit).
func (f *fixture) plainOutbox() {
	f.deps.Notices, f.deps.Webhooks = outboxNotify{f.q}, outboxNotify{f.q}
	f.s = f.restart()
}

// outboxNotify writes each notice and event as one outbox message.
type outboxNotify struct{ q *outbox.Queue }

func (o outboxNotify) Notify(ctx context.Context, tx *sqldb.Tx, n notify.Notice) error {
	b, err := json.Marshal(n)
	if err != nil {
		return err
	}
	return o.q.Enqueue(ctx, tx, outbox.Message{Topic: "bench.notice", Key: n.Key, Payload: b})
}

func (o outboxNotify) Emit(ctx context.Context, tx *sqldb.Tx, e notify.Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return o.q.Enqueue(ctx, tx, outbox.Message{Topic: "bench.event", Key: e.Key, Payload: b})
}
