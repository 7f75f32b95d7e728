package casework_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// escalationOf is what a test checks of a case's escalation.
type escalationOf struct {
	Level    int
	Org, Pos int64
	StepDue  time.Time
}

func (f *fixture) escalation(id int64) escalationOf {
	f.t.Helper()
	c, err := f.s.Get(context.Background(), okno.System, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return escalationOf{c.Escalation.Level, c.Escalation.OrgID, c.Escalation.PositionID, c.Step.Due}
}

// runDueTwice runs two scans at the same moment, on two services (two
// nodes), and returns how many cases they handled together.
func (f *fixture) runDueTwice() int {
	f.t.Helper()
	other := f.restart()
	var wg sync.WaitGroup
	ns := make([]int, 2)
	for i, s := range []*casework.Service{f.s, other} {
		wg.Go(func() {
			n, err := s.RunDue(context.Background())
			if err != nil {
				f.t.Errorf("RunDue: %v", err)
			}
			ns[i] = n
		})
	}
	wg.Wait()
	return ns[0] + ns[1]
}

// TestEscalation: a case nobody answers climbs its ladder — the
// specialist's boss, then (the agency's head being that same boss) the
// district's head above — each time once, with a notice, a webhook, an
// event and an audit entry; then it stays overdue.
func TestEscalation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0)) // Monday
		c := f.act(f.operatorActor(), f.openAppeal("Не вывезли мусор"), "publish", "", nil)
		quiet := f.act(f.operatorActor(), f.openAppeal("Другая"), "publish", "", nil)
		// Eight working days from Monday 2 March: 3–6, 10–13 (9 March is
		// the day off moved from Sunday 8 March) — the clock runs out at
		// midnight before Saturday 14 March.
		if got := f.escalation(c.ID); got != (escalationOf{StepDue: midnight(2026, 3, 14)}) {
			t.Fatalf("after publishing: %+v", got)
		}
		f.clock.Set(at(2026, 3, 13, 23, 0))
		if n := f.runDueTwice(); n != 0 {
			t.Fatalf("%d handled before the step clock ran out", n)
		}
		// The second case is closed in time and never escalates.
		f.act(f.specActor(), quiet, "close_not_fixed", "Не наш участок", map[string]string{"reason": "out_of_competence"})

		f.clock.Set(at(2026, 3, 14, 0, 0))
		if n := f.runDueTwice(); n != 1 {
			t.Fatalf("two scans at once handled %d, want 1", n)
		}
		// Restarted from the 14th (a Saturday): 16–20, 23–25.
		if diff := cmp.Diff(escalationOf{1, f.housing.ID, f.pos.boss.ID, midnight(2026, 3, 26)}, f.escalation(c.ID)); diff != "" {
			t.Errorf("first rung (-want +got):\n%s", diff)
		}
		if n, _ := f.restart().RunDue(ctx); n != 0 {
			t.Errorf("a restarted node escalated again: %d", n)
		}

		f.clock.Set(at(2026, 3, 26, 9, 0))
		if n := f.runDueTwice(); n != 1 {
			t.Fatalf("second rung: handled %d, want 1", n)
		}
		if diff := cmp.Diff(escalationOf{3, f.district.ID, f.pos.districtHead.ID, midnight(2026, 4, 8)}, f.escalation(c.ID)); diff != "" {
			t.Errorf("second rung (-want +got):\n%s", diff)
		}

		// No rung is left: the case stays overdue, and the scheduler stops
		// looking at it.
		f.clock.Set(at(2026, 4, 8, 9, 0))
		if n := f.runDueTwice(); n != 1 {
			t.Fatalf("end of the ladder: handled %d, want 1", n)
		}
		if diff := cmp.Diff(escalationOf{3, f.district.ID, f.pos.districtHead.ID, midnight(2026, 4, 8)}, f.escalation(c.ID)); diff != "" {
			t.Errorf("end of the ladder (-want +got):\n%s", diff)
		}
		f.clock.Set(at(2026, 5, 8, 9, 0))
		if n, _ := f.s.RunDue(ctx); n != 0 {
			t.Errorf("handled %d after the ladder ended", n)
		}

		var got []string
		for _, n := range f.notices() {
			if n.Template == "case.escalated" {
				got = append(got, idOf(f, n.UserID)+" "+n.Audience+" "+n.Link)
			}
		}
		link := "/staff/cases/" + itoa(c.ID)
		if diff := cmp.Diff([]string{"boss staff " + link, "districtHead staff " + link}, got); diff != "" {
			t.Errorf("escalation notices (-want +got):\n%s", diff)
		}
		hooks := 0
		for _, e := range f.webhooks() {
			if e.Type == "case.escalated" {
				hooks++
			}
		}
		audits := 0
		for _, e := range f.log.Entries() {
			if e.Action == "case.escalate" {
				audits++
			}
		}
		es, err := f.s.Timeline(ctx, f.specActor(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		events := 0
		for _, e := range es {
			if e.Kind == casework.EventEscalated {
				events++
				if e.Actor != "system" || e.CitizenVisible {
					t.Errorf("escalation event %+v", e)
				}
			}
		}
		if hooks != 2 || audits != 2 || events != 2 {
			t.Errorf("%d webhooks, %d audit entries, %d events; want 2 of each", hooks, audits, events)
		}

		// The boss (escalated to the agency itself) and the district's head
		// (escalated to) see it; acting resets the escalation.
		if _, err := f.s.Get(ctx, staff(f.u.districtSpec, f.district, okno.RoleOfficial), c.ID); err != nil {
			t.Errorf("an official of the organisation escalated to: %v", err)
		}
		c, err = f.s.Get(ctx, f.specActor(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.act(f.specActor(), c, "interim_answer", "Работаем", nil)
		if got := f.escalation(c.ID); got.Level != 0 || got.Org != 0 {
			t.Errorf("after an action: %+v, want no escalation", got)
		}
	})
}

// TestDeadlineJob: the outbox's recurring job runs the scan.
func TestDeadlineJob(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		c := f.openAppeal("Ветка на проводах")
		if err := f.q.Every(ctx, casework.DeadlinesTopic, time.Minute); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at(2026, 3, 4, 0, 1)) // moderation had one working day
		if _, err := f.q.ProcessDue(ctx); err != nil {
			t.Fatal(err)
		}
		// The appeal's moderation state reports to nobody in particular:
		// the case sits in the specialists' position, whose boss is next.
		if got := f.escalation(c.ID); got.Level != 1 || got.Pos != f.pos.boss.ID {
			t.Errorf("after the job: %+v", got)
		}
		var state string
		if err := db.QueryRowContext(ctx, `SELECT state FROM outbox WHERE topic = ? ORDER BY id LIMIT 1`, casework.DeadlinesTopic).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state != "done" {
			t.Errorf("deadline job %s, want done", state)
		}
	})
}

// TestDueFailure: a due case the scheduler cannot handle is logged and
// left to its lease; the other due cases are handled all the same.
func TestDueFailure(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		var logs bytes.Buffer
		f.deps.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		f.s = f.restart()
		stubborn, err := f.s.Open(ctx, f.citizenActor(), casework.NewCase{Process: "stubborn", OrgID: f.housing.ID, Subject: "Тест"})
		if err != nil {
			t.Fatal(err)
		}
		appeal := f.openAppeal("Лавочка")
		f.clock.Set(at(2026, 3, 4, 0, 0))
		if n, err := f.s.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue = %d, %v; want 1", n, err)
		}
		if got := f.escalation(appeal.ID); got.Level != 1 {
			t.Errorf("the appeal was not escalated: %+v", got)
		}
		if c, _ := f.s.Get(ctx, okno.System, stubborn.ID); c.State != "open" || c.Version != 1 {
			t.Errorf("the stubborn case moved: %s v%d", c.State, c.Version)
		}
		if !strings.Contains(logs.String(), "due case not handled") || !strings.Contains(logs.String(), "case="+itoa(stubborn.ID)) {
			t.Errorf("log = %q, want the failure logged", logs.String())
		}
		// Its lease holds it for five minutes, then it is tried again.
		if n, _ := f.s.RunDue(ctx); n != 0 {
			t.Errorf("RunDue within the lease handled %d", n)
		}
		logs.Reset()
		f.clock.Add(6 * time.Minute)
		if n, _ := f.s.RunDue(ctx); n != 0 || !strings.Contains(logs.String(), "due case not handled") {
			t.Errorf("after the lease: handled %d, log %q; want it tried and failing again", n, logs.String())
		}
	})
}
