package casework_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestAssign: who may put a case where, and what moving it does.
func TestAssign(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		c := f.act(f.operatorActor(), f.openAppeal("Двор"), "publish", "", nil)
		assign := func(actor okno.Actor, a casework.Assignment) (casework.Case, error) {
			t.Helper()
			cur, err := f.s.Get(ctx, okno.System, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return f.s.Assign(ctx, actor, c.ID, cur.Version, a)
		}
		spec, spec2 := f.specActor(), f.spec2Actor()
		districtHead := staff(f.u.districtHead, f.district, okno.RoleSupervisor)
		for _, tc := range []struct {
			name  string
			actor okno.Actor
			a     casework.Assignment
			key   string // "" succeeds
		}{
			{"an official takes it", spec, casework.Assignment{PositionID: f.pos.spec.ID, AssigneeID: f.u.spec}, ""},
			{"a colleague takes it from her", spec2, casework.Assignment{PositionID: f.pos.spec.ID, AssigneeID: f.u.spec2}, "casework.assign_taken"},
			{"an official gives it to a colleague", spec, casework.Assignment{PositionID: f.pos.spec.ID, AssigneeID: f.u.spec2}, "casework.assign_only_self"},
			{"an official moves it to the org's inbox", spec, casework.Assignment{AssigneeID: f.u.spec}, "casework.assign_only_self"},
			{"an official gives it back", spec, casework.Assignment{PositionID: f.pos.spec.ID}, ""},
			{"a citizen", f.citizenActor(), casework.Assignment{PositionID: f.pos.spec.ID, AssigneeID: f.u.spec}, "casework.assign_forbidden"},
			{"the boss gives it to a colleague", f.bossActor(), casework.Assignment{PositionID: f.pos.spec.ID, AssigneeID: f.u.spec2, Comment: "Срочно"}, ""},
			{"to someone not on the staff", f.bossActor(), casework.Assignment{AssigneeID: f.u.districtSpec}, "error.invalid"},
			{"to another organisation's position", f.bossActor(), casework.Assignment{PositionID: f.pos.districtSpec.ID}, "error.invalid"},
			{"an official reroutes", spec2, casework.Assignment{OrgID: f.other.ID}, "casework.assign_forbidden"},
			{"another district's official", staff(f.u.otherOfficial, f.other, okno.RoleOfficial), casework.Assignment{}, "casework.not_found"},
			{"the district's head reroutes", districtHead, casework.Assignment{OrgID: f.other.ID, PositionID: f.pos.other.ID}, ""},
		} {
			_, err := assign(tc.actor, tc.a)
			if got := okno.AsError(err).Key; err != nil && got != tc.key || err == nil && tc.key != "" {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.key)
			}
		}
		got, err := f.s.Get(ctx, staff(f.u.otherOfficial, f.other, okno.RoleOfficial), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.OrgID != f.other.ID || got.PositionID != f.pos.other.ID || got.AssigneeID != 0 {
			t.Errorf("after the reroute: org %d position %d assignee %d", got.OrgID, got.PositionID, got.AssigneeID)
		}
		if _, err := f.s.Get(ctx, spec, c.ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("the agency still sees the rerouted case: %v", err)
		}
		es, err := f.s.Timeline(ctx, f.citizenActor(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := es[len(es)-1]; last.Kind != casework.EventRerouted {
			t.Errorf("the citizen's last event is %s, want rerouted", last.Kind)
		}
		var told []string
		for _, n := range f.notices() {
			if n.Template == "case.assigned" || n.Template == "case.rerouted" {
				told = append(told, n.Template+" "+idOf(f, n.UserID))
			}
		}
		if diff := cmp.Diff([]string{"case.assigned spec2", "case.rerouted other"}, told); diff != "" {
			t.Errorf("notices (-want +got):\n%s", diff)
		}
		r, err := f.s.Responsible(ctx, f.citizenActor(), got)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(casework.Responsible{Name: "Илья Чужой", Position: "Специалист", OrgName: f.other.Name}, r); diff != "" {
			t.Errorf("responsible (-want +got):\n%s", diff)
		}
	})
}

// TestAssignMany: all or nothing.
func TestAssignMany(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		var ids []int64
		for range 3 {
			ids = append(ids, f.act(f.operatorActor(), f.openAppeal("Двор"), "publish", "", nil).ID)
		}
		foreign, err := f.s.Open(ctx, f.citizenActor(), casework.NewCase{Process: "appeal", OrgID: f.other.ID, Subject: "Чужое"})
		if err != nil {
			t.Fatal(err)
		}
		to := casework.Assignment{PositionID: f.pos.spec.ID, AssigneeID: f.u.spec}
		before := f.snapshot(ids[0])
		if _, err := f.s.AssignMany(ctx, f.bossActor(), append(ids, foreign.ID), to); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("with another organisation's case: err = %v, want not_found", err)
		}
		if diff := cmp.Diff(before, f.snapshot(ids[0])); diff != "" {
			t.Errorf("a refused bulk assignment wrote something (-before +after):\n%s", diff)
		}
		n, err := f.s.AssignMany(ctx, f.bossActor(), append(ids, ids[0]), to)
		if err != nil || n != 3 {
			t.Fatalf("AssignMany = %d, %v; want 3", n, err)
		}
		if n, err := f.s.AssignMany(ctx, f.bossActor(), ids, to); err != nil || n != 0 {
			t.Errorf("again: %d, %v; want 0 moved", n, err)
		}
		r, err := f.s.Responsible(ctx, f.citizenActor(), casework.Case{ID: ids[1]})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(casework.Responsible{Name: "Анна Смирнова", Position: "Специалист", OrgName: f.housing.Name}, r); diff != "" {
			t.Errorf("responsible (-want +got):\n%s", diff)
		}
	})
}
