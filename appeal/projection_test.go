package appeal_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// projection is what the projection keeps of an appeal, for comparing.
type projection struct {
	Status, State, Outcome              string
	Org                                 int64
	Published, Answered, OnTime, Closed bool
	PublicText                          string
	Reroutes, Reopened, Recategorised   int
	Supporters                          int
}

func (f *fixture) projection(caseID int64) projection {
	f.t.Helper()
	var p projection
	var published, answered, closed sql.NullTime
	var onTime sql.NullBool
	var public sql.NullString
	f.row(caseID, `status, state, outcome, org_id, published_at, answered_at, answered_on_time, closed_at, public_text,
		reroutes, reopened, recategorised, supporters`,
		&p.Status, &p.State, &p.Outcome, &p.Org, &published, &answered, &onTime, &closed, &public,
		&p.Reroutes, &p.Reopened, &p.Recategorised, &p.Supporters)
	p.Published, p.Answered, p.OnTime, p.Closed = published.Valid, answered.Valid, onTime.Valid && onTime.Bool, closed.Valid
	p.PublicText = public.String
	return p
}

func TestProjectionLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		text := "Во дворе куча мусора, звоните мне на 8 916 123-45-67"
		masked := "Во дворе куча мусора, звоните мне на +7 *** ***-**-67"
		a := f.submit(f.citizenA(), report(text))
		id := a.CaseID
		step := func(name string, want projection) {
			t.Helper()
			want.Org = f.housing.ID
			if want.Status != "moderation" && want.Status != "rejected" {
				want.Published, want.PublicText = true, masked
			}
			if diff := cmp.Diff(want, f.projection(id)); diff != "" {
				t.Errorf("after %s (-want +got):\n%s", name, diff)
			}
		}
		step("submit", projection{Status: "moderation", State: "moderation"})
		f.clock.Add(time.Hour)
		f.act(f.moderatorA(), id, "publish", "", nil)
		step("publish", projection{Status: "open", State: "review"})
		f.act(f.specA(), id, "interim_answer", "Работы запланированы", nil)
		step("interim answer", projection{Status: "open", State: "interim"})
		f.clock.Add(24 * time.Hour)
		f.act(f.specA(), id, "answer", "Мусор вывезен", nil)
		step("answer", projection{Status: "answered", State: "answered", Answered: true, OnTime: true})
		f.act(f.citizenA(), id, "confirm", "", nil)
		step("confirm", projection{Status: "fixed", State: "closed_fixed", Outcome: "fixed", Answered: true, OnTime: true, Closed: true})
		f.act(f.citizenA(), id, "reopen", "Мусор снова лежит", nil)
		step("reopen", projection{Status: "open", State: "review", Answered: true, OnTime: true, Reopened: 1})
		f.act(f.specA(), id, "answer", "Вывезли ещё раз", nil)
		step("answer again", projection{Status: "answered", State: "answered", Answered: true, OnTime: true, Reopened: 1})
		f.act(f.citizenA(), id, "refute", "Не вывезли", nil)
		step("refute", projection{Status: "open", State: "review", Answered: true, OnTime: true, Reopened: 2})
		f.act(f.specA(), id, "answer", "Теперь точно вывезли", nil)
		f.act(okno.System, id, "auto_close", "", nil)
		step("auto close", projection{Status: "fixed_auto", State: "closed_auto", Outcome: "fixed_auto", Answered: true, OnTime: true,
			Closed: true, Reopened: 2})

		// Rejected in moderation: never published.
		r := f.submit(f.citizenA(), report(litterText))
		f.act(f.moderatorA(), r.CaseID, "reject", "Повтор", map[string]string{"reason": "duplicate"})
		if got := f.projection(r.CaseID); got.Status != "rejected" || got.Published || got.Answered || !got.Closed || got.Outcome != "rejected" {
			t.Errorf("rejected: %+v", got)
		}

		// Closed without a fix, late: answered, not on time; rerouted first.
		n := f.submit(f.citizenA(), report(litterText+" и ветки"))
		f.act(f.moderatorA(), n.CaseID, "publish", "", nil)
		c, err := f.cases.Get(context.Background(), okno.System, n.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.cases.Assign(context.Background(), f.bossA(), n.CaseID, c.Version,
			casework.Assignment{OrgID: f.central.ID, Comment: "Не наша территория"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(40 * 24 * time.Hour)
		f.act(staff(f.boss, f.central, okno.RoleSupervisor), n.CaseID, "close_not_fixed", "Работы в плане на следующий год",
			map[string]string{"reason": "planned_works"})
		got := f.projection(n.CaseID)
		want := projection{Status: "not_fixed", State: "closed_not_fixed", Outcome: "not_fixed", Org: f.central.ID, Published: true,
			Answered: true, Closed: true, PublicText: litterText + " и ветки", Reroutes: 1}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("closed without a fix (-want +got):\n%s", diff)
		}
	})
}
