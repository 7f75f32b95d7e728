package casework_test

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// clocks is what a test checks of a case's two clocks.
type clocks struct {
	State      string
	LegalDue   time.Time
	LegalPause time.Time
	LegalMet   time.Time
	StepDue    time.Time
	Closed     time.Time
	Outcome    string
}

func clocksOf(c casework.Case) clocks {
	return clocks{State: c.State, LegalDue: c.Legal.Due, LegalPause: c.Legal.PausedAt, LegalMet: c.LegalMetAt,
		StepDue: c.Step.Due, Closed: c.ClosedAt, Outcome: c.Outcome}
}

func utc(t time.Time) time.Time { return t.UTC() }

// TestAppealLifecycle walks an appeal through the New Year holidays: the
// legal clock pauses while the citizen is asked for more information and
// stands once the case is answered; the step clock starts afresh in each
// state; the citizen's 15 days to confirm run out and the system closes the
// case; the citizen reopens it.
func TestAppealLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2025, time.December, 25, 10, 0))
		step := func(when time.Time, c casework.Case, want clocks) {
			t.Helper()
			if diff := cmp.Diff(want, clocksOf(c)); diff != "" {
				t.Fatalf("after %s (-want +got):\n%s", when.Format(time.DateTime), diff)
			}
		}

		// Thursday 25 December: 30 calendar days end on Saturday 24
		// January, which moves to Monday the 26th; moderation has one
		// working day (Friday the 26th).
		c := f.openAppeal("Яма во дворе")
		if !regexp.MustCompile(`^2025-\d{8}$`).MatchString(c.Ref) {
			t.Errorf("ref = %q, want 2025- and eight digits", c.Ref)
		}
		if c.Version != 1 || c.Channel != casework.ChannelWeb || c.ApplicantID != f.u.citizen || c.Kind != "appeal" {
			t.Errorf("opened case = %+v", c)
		}
		step(f.clock.Now(), c, clocks{State: "moderation", LegalDue: midnight(2026, 1, 27), StepDue: midnight(2025, 12, 27)})

		// The operator of the call centre publishes it (scope "any"):
		// eight working days of review skip 31 December and 1–11 January.
		f.clock.Set(at(2025, time.December, 25, 12, 0))
		c = f.act(f.operatorActor(), c, "publish", "", nil)
		step(f.clock.Now(), c, clocks{State: "review", LegalDue: midnight(2026, 1, 27), StepDue: midnight(2026, 1, 17)})
		c, err := f.s.Note(ctx, f.specActor(), c.ID, c.Version, "Позвонить в управляющую компанию")
		if err != nil {
			t.Fatal(err)
		}

		// Asking the citizen pauses the legal clock; the waiting state has
		// no step clock.
		f.clock.Set(at(2025, time.December, 29, 10, 0))
		c = f.act(f.specActor(), c, "request_info", "Уточните номер дома", nil)
		step(f.clock.Now(), c, clocks{State: "info_requested", LegalDue: midnight(2026, 1, 27),
			LegalPause: utc(at(2025, time.December, 29, 10, 0))})

		// The reply on 12 January resumes it: the 28 days that were left
		// after 29 December count again from the 12th.
		f.clock.Set(at(2026, time.January, 12, 10, 0))
		c = f.act(f.citizenActor(), c, "reply", "Дом 1", nil)
		step(f.clock.Now(), c, clocks{State: "review", LegalDue: midnight(2026, 2, 10), StepDue: midnight(2026, 1, 23)})

		// The answer stops the legal clock and gives the citizen 15 days.
		f.clock.Set(at(2026, time.January, 20, 10, 0))
		c = f.act(f.specActor(), c, "answer", "Яму заделали", nil)
		answered := utc(at(2026, time.January, 20, 10, 0))
		step(f.clock.Now(), c, clocks{State: "answered", LegalDue: midnight(2026, 2, 10), LegalPause: answered,
			LegalMet: answered, StepDue: midnight(2026, 2, 5)})

		// Refuting resumes the legal clock where it stood: it never resets.
		f.clock.Set(at(2026, time.January, 22, 10, 0))
		c = f.act(f.citizenActor(), c, "refute", "Яма на месте", nil)
		step(f.clock.Now(), c, clocks{State: "review", LegalDue: midnight(2026, 2, 12), StepDue: midnight(2026, 2, 4)})

		f.clock.Set(at(2026, time.January, 26, 10, 0))
		c = f.act(f.spec2Actor(), c, "answer", "Заделали ещё раз", nil)
		answered = utc(at(2026, time.January, 26, 10, 0))
		step(f.clock.Now(), c, clocks{State: "answered", LegalDue: midnight(2026, 2, 12), LegalPause: answered,
			LegalMet: answered, StepDue: midnight(2026, 2, 11)})

		// Nobody confirms: at midnight after the 15th day the scheduler
		// closes it as the system.
		f.clock.Set(at(2026, time.February, 10, 23, 59))
		if n, err := f.s.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("RunDue before the step clock ran out = %d, %v; want 0", n, err)
		}
		f.clock.Set(at(2026, time.February, 11, 0, 0))
		if n, err := f.s.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue = %d, %v; want 1", n, err)
		}
		c, err = f.s.Get(ctx, f.citizenActor(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		step(f.clock.Now(), c, clocks{State: "closed_auto", LegalDue: midnight(2026, 2, 12), LegalPause: answered,
			LegalMet: answered, Closed: utc(at(2026, time.February, 11, 0, 0)), Outcome: "fixed_auto"})

		// Reopening resumes the legal clock: 16 days were left after 26
		// January; from 12 February they end on Saturday the 28th, which
		// moves to Monday 2 March.
		f.clock.Set(at(2026, time.February, 12, 10, 0))
		c = f.act(f.citizenActor(), c, "reopen", "Яма снова появилась", nil)
		step(f.clock.Now(), c, clocks{State: "review", LegalDue: midnight(2026, 3, 3), StepDue: midnight(2026, 2, 26)})

		checkTimeline(t, f, c)
		checkSealed(t, f, c)
		checkAudited(t, f)
		checkNotified(t, f, c)
	})
}

func checkTimeline(t *testing.T, f *fixture, c casework.Case) {
	t.Helper()
	ctx := context.Background()
	type line struct {
		Kind           casework.EventKind
		Action         string
		From, To       string
		Comment        string
		CitizenVisible bool
	}
	all := []line{
		{casework.EventOpened, "", "", "moderation", "", true},
		{casework.EventAction, "publish", "moderation", "review", "", true},
		{casework.EventNote, "", "", "", "Позвонить в управляющую компанию", false},
		{casework.EventAction, "request_info", "review", "info_requested", "Уточните номер дома", true},
		{casework.EventAction, "reply", "info_requested", "review", "Дом 1", true},
		{casework.EventAction, "answer", "review", "answered", "Яму заделали", true},
		{casework.EventAction, "refute", "answered", "review", "Яма на месте", true},
		{casework.EventAction, "answer", "review", "answered", "Заделали ещё раз", true},
		{casework.EventAction, "auto_close", "answered", "closed_auto", "", true},
		{casework.EventAction, "reopen", "closed_auto", "review", "Яма снова появилась", true},
	}
	lines := func(es []casework.Event) []line {
		var ls []line
		for i, e := range es {
			ls = append(ls, line{e.Kind, e.Action, e.FromState, e.ToState, e.Comment, e.CitizenVisible})
			if i > 0 && e.Seq <= es[i-1].Seq {
				t.Errorf("event %d seq %d after %d", i, e.Seq, es[i-1].Seq)
			}
		}
		return ls
	}
	es, err := f.s.Timeline(ctx, f.specActor(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, lines(es)); diff != "" {
		t.Errorf("staff timeline (-want +got):\n%s", diff)
	}
	if last := es[len(es)-1]; last.Seq != c.Version {
		t.Errorf("last event seq %d, case version %d", last.Seq, c.Version)
	}
	es, err = f.s.Timeline(ctx, f.citizenActor(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := append(all[:2:2], all[3:]...)
	if diff := cmp.Diff(want, lines(es)); diff != "" {
		t.Errorf("citizen timeline (-want +got):\n%s", diff)
	}
	if _, err := f.s.Timeline(ctx, citizen(f.u.otherCitizen), c.ID); !okno.IsCode(err, okno.ENOTFOUND) {
		t.Errorf("another citizen's timeline: err = %v, want not_found", err)
	}
}

// checkSealed looks at the rows: the form data and comments are sealed.
func checkSealed(t *testing.T, f *fixture, c casework.Case) {
	t.Helper()
	ctx := context.Background()
	var data []byte
	if err := f.db.QueryRowContext(ctx, `SELECT data_enc FROM cases WHERE id = ?`, c.ID).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 || bytes.Contains(data, []byte("Садовая")) {
		t.Errorf("data_enc = %q: want sealed form data", data)
	}
	rows, err := f.db.QueryContext(ctx, `SELECT comment_enc FROM case_events WHERE case_id = ? AND comment_enc IS NOT NULL`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("Яма")) || bytes.Contains(b, []byte("Дом")) {
			t.Errorf("comment in plaintext: %q", b)
		}
		n++
	}
	if n != 7 {
		t.Errorf("%d sealed comments, want 7", n)
	}
	got, err := f.s.Get(ctx, f.specActor(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Data["address"] != "ул. Садовая, 1" {
		t.Errorf("data = %v", got.Data)
	}
}

// checkAudited checks that every change of the case has its audit entry.
func checkAudited(t *testing.T, f *fixture) {
	t.Helper()
	var got []string
	for _, e := range f.log.Entries() {
		if e.ObjectType == "case" {
			got = append(got, e.Action+" by "+e.Actor)
			if len(e.After) == 0 {
				t.Errorf("%s without an after digest", e.Action)
			}
		}
	}
	spec, spec2 := f.specActor().Ref(), f.spec2Actor().Ref()
	cit, op := f.citizenActor().Ref(), f.operatorActor().Ref()
	want := []string{"case.open by " + cit, "case.publish by " + op, "case.note by " + spec, "case.request_info by " + spec,
		"case.reply by " + cit, "case.answer by " + spec, "case.refute by " + cit, "case.answer by " + spec2,
		"case.auto_close by system", "case.reopen by " + cit}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

// checkNotified checks whom the notices went to, and that they carry no
// personal data.
func checkNotified(t *testing.T, f *fixture, c casework.Case) {
	t.Helper()
	var got []string
	for _, n := range f.notices() {
		got = append(got, n.Template+" → "+n.Audience+" "+idOf(f, n.UserID))
		if n.Vars["ref"] != c.Ref || n.Vars["process"] != "Сообщение о проблеме" || n.Vars["deadline"] == "" {
			t.Errorf("notice %s vars = %v", n.Key, n.Vars)
		}
		for _, v := range n.Vars {
			if regexp.MustCompile(`Садовая|Иван|Яма|Дом 1`).MatchString(v) {
				t.Errorf("notice %s carries personal data: %q", n.Key, v)
			}
		}
	}
	want := []string{
		"appeal.opened → applicant citizen",
		"appeal.publish → applicant citizen",
		"appeal.publish → staff spec", "appeal.publish → staff spec2",
		"appeal.request_info → applicant citizen",
		"appeal.reply → staff spec", "appeal.reply → staff spec2",
		"appeal.answer → applicant citizen",
		"appeal.refute → staff spec", "appeal.refute → staff spec2",
		"appeal.answer → applicant citizen",
		"appeal.auto_close → applicant citizen",
		// The citizen reopened it: nobody is told of their own action.
		"appeal.reopen → staff spec", "appeal.reopen → staff spec2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	var hooks []string
	for _, e := range f.webhooks() {
		hooks = append(hooks, e.Type)
		if e.OrgID != f.housing.ID || e.Data["ref"] != c.Ref {
			t.Errorf("webhook %s = %+v", e.Type, e)
		}
	}
	wantHooks := []string{"case.opened", "appeal.published", "appeal.answered", "appeal.refuted", "appeal.answered",
		"appeal.closed", "appeal.reopened"}
	if diff := cmp.Diff(wantHooks, hooks); diff != "" {
		t.Errorf("webhooks (-want +got):\n%s", diff)
	}
}

// idOf names a user of the world for messages.
func idOf(f *fixture, id int64) string {
	for name, v := range map[string]int64{"citizen": f.u.citizen, "spec": f.u.spec, "spec2": f.u.spec2, "boss": f.u.boss,
		"districtHead": f.u.districtHead, "governor": f.u.governor, "operator": f.u.operator, "other": f.u.otherOfficial,
		"districtSpec": f.u.districtSpec, "controller": f.u.controller} {
		if v == id {
			return name
		}
	}
	return "?"
}
