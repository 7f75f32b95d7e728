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

// TestWhoSees: the applicant, the organisation, those above it holding a
// supervising role, and (for the status only) whoever registered the case;
// nobody else learns that it exists.
func TestWhoSees(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		// The operator registers the case for the citizen, by phone.
		byPhone, err := f.s.Open(ctx, f.operatorActor(), casework.NewCase{Process: "appeal", ApplicantID: f.u.citizen,
			OrgID: f.housing.ID, PositionID: f.pos.spec.ID, Subject: "Мусор", Data: map[string]any{"phone": "+79110000000"}})
		if err != nil {
			t.Fatal(err)
		}
		if byPhone.Channel != casework.ChannelOperator {
			t.Errorf("channel = %s, want operator", byPhone.Channel)
		}
		c := f.act(f.operatorActor(), byPhone, "publish", "", nil)
		for _, tc := range []struct {
			name  string
			actor okno.Actor
			want  okno.ErrorCode // "" sees it
			data  bool           // sees the form data
		}{
			{"applicant", f.citizenActor(), "", true},
			{"another citizen", citizen(f.u.otherCitizen), okno.ENOTFOUND, false},
			{"anonymous", okno.Actor{}, okno.ENOTFOUND, false},
			{"official of the organisation", f.specActor(), "", true},
			{"supervisor of the organisation", f.bossActor(), "", true},
			{"supervisor above", staff(f.u.districtHead, f.district, okno.RoleSupervisor), "", true},
			{"controller above", staff(f.u.controller, f.region, okno.RoleController), "", true},
			{"official above", staff(f.u.districtSpec, f.district, okno.RoleOfficial), okno.ENOTFOUND, false},
			{"official of another organisation", staff(f.u.otherOfficial, f.other, okno.RoleOfficial), okno.ENOTFOUND, false},
			{"operator who registered it", f.operatorActor(), "", false},
			{"API key of the organisation", okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 1, OrgID: f.housing.ID, Roles: []okno.Role{okno.RoleOfficial}}, "", true},
			{"the system", okno.System, "", true},
		} {
			got, err := f.s.Get(ctx, tc.actor, c.ID)
			if okno.ErrorCodeOf(err) != tc.want {
				t.Errorf("%s: Get err = %v, want %q", tc.name, err, tc.want)
				continue
			}
			if err != nil {
				if e := okno.AsError(err); e.Key != "casework.not_found" {
					t.Errorf("%s: key %s, want casework.not_found", tc.name, e.Key)
				}
				if _, err := f.s.ByRef(ctx, tc.actor, c.Ref); !okno.IsCode(err, okno.ENOTFOUND) {
					t.Errorf("%s: ByRef err = %v, want not_found", tc.name, err)
				}
				if _, err := f.s.Documents(ctx, tc.actor, c.ID); !okno.IsCode(err, okno.ENOTFOUND) {
					t.Errorf("%s: Documents err = %v, want not_found", tc.name, err)
				}
				if _, err := f.s.Act(ctx, tc.actor, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "answer", Comment: "x"}); !okno.IsCode(err, okno.ENOTFOUND) {
					t.Errorf("%s: Act err = %v, want not_found", tc.name, err)
				}
				continue
			}
			if (got.Data != nil) != tc.data {
				t.Errorf("%s: data = %v, want shown %v", tc.name, got.Data, tc.data)
			}
		}
		if _, err := f.s.Get(ctx, f.specActor(), c.ID+1000); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("missing case: err = %v, want not_found", err)
		}
	})
}

// TestForbidden: those who see a case but may not take an action get a
// clear EFORBIDDEN; actions that do not fit the state, the input or the
// guards are EINVALID; none changes anything.
func TestForbidden(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		c := f.act(f.operatorActor(), f.openAppeal("Граффити"), "publish", "", nil)
		closed := f.act(f.specActor(), f.act(f.operatorActor(), f.openAppeal("Лужа"), "publish", "", nil),
			"close_not_fixed", "Частная территория", map[string]string{"reason": "private_property"})
		before := f.snapshot(c.ID)
		for _, tc := range []struct {
			name  string
			actor okno.Actor
			in    casework.ActionInput
			code  okno.ErrorCode
			key   string
		}{
			{"the applicant answers", f.citizenActor(), casework.ActionInput{Action: "answer", Comment: "x"}, okno.EFORBIDDEN, "casework.action_forbidden"},
			{"an official confirms", f.specActor(), casework.ActionInput{Action: "confirm"}, okno.EINVALID, "casework.action_not_available"},
			{"a supervisor above answers", staff(f.u.districtHead, f.district, okno.RoleSupervisor), casework.ActionInput{Action: "answer", Comment: "x"}, okno.EFORBIDDEN, "casework.action_forbidden"},
			{"the moderator once moderation is over", f.operatorActor(), casework.ActionInput{Action: "answer", Comment: "x"}, okno.ENOTFOUND, "casework.not_found"},
			{"an unknown action", f.specActor(), casework.ActionInput{Action: "explode"}, okno.EINVALID, "error.invalid"},
			{"no comment", f.specActor(), casework.ActionInput{Action: "answer"}, okno.EINVALID, "error.invalid"},
			{"reopen an open case", f.citizenActor(), casework.ActionInput{Action: "reopen", Comment: "x"}, okno.EINVALID, "casework.action_not_available"},
			{"a comment too long", f.specActor(), casework.ActionInput{Action: "answer", Comment: string(make([]rune, 10001))}, okno.EINVALID, "error.invalid"},
		} {
			tc.in.CaseID, tc.in.Version = c.ID, c.Version
			_, err := f.s.Act(ctx, tc.actor, tc.in)
			if e := okno.AsError(err); e.Code != tc.code || e.Key != tc.key {
				t.Errorf("%s: err = %v, want %s %s", tc.name, err, tc.code, tc.key)
			}
		}
		_, err := f.s.Act(ctx, f.specActor(), casework.ActionInput{CaseID: closed.ID, Version: closed.Version, Action: "answer", Comment: "x"})
		if e := okno.AsError(err); e.Key != "casework.case_closed" {
			t.Errorf("answer a closed case: err = %v, want casework.case_closed", err)
		}
		_, err = f.s.Attach(ctx, f.citizenActor(), closed.ID, closed.Version, casework.Upload{Name: "x.png", Content: pngFile(t)})
		if e := okno.AsError(err); e.Key != "casework.case_closed" {
			t.Errorf("attach to a closed case: err = %v, want casework.case_closed", err)
		}
		_, err = f.s.Note(ctx, f.citizenActor(), c.ID, c.Version, "заметка")
		if e := okno.AsError(err); e.Code != okno.EFORBIDDEN {
			t.Errorf("a citizen's note: err = %v, want forbidden", err)
		}
		_, err = f.s.Act(ctx, f.specActor(), casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "answer"})
		if diff := cmp.Diff([]okno.FieldError{{Field: "comment", Key: "process.input.comment_required"}}, okno.AsError(err).Fields); diff != "" {
			t.Errorf("missing comment (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(before, f.snapshot(c.ID)); diff != "" {
			t.Errorf("refused actions wrote something (-before +after):\n%s", diff)
		}
	})
}

// TestAllowed lists what each party may do now.
func TestAllowed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		c := f.openAppeal("Скамейка")
		names := func(actor okno.Actor, c casework.Case) []string {
			t.Helper()
			as, err := f.s.Allowed(ctx, actor, c)
			if err != nil {
				t.Fatalf("allowed: %v", err)
			}
			var ns []string
			for _, a := range as {
				ns = append(ns, a.Name+"→"+a.Target.Name)
			}
			return ns
		}
		for _, tc := range []struct {
			name  string
			actor okno.Actor
			c     func() casework.Case
			want  []string
		}{
			{"operator in moderation", f.operatorActor(), func() casework.Case { return c }, []string{"publish→review", "reject→rejected"}},
			{"official in moderation", f.specActor(), func() casework.Case { return c }, nil},
			{"official in review", f.specActor(), func() casework.Case { c = f.act(f.operatorActor(), c, "publish", "", nil); return c },
				[]string{"request_info→info_requested", "interim_answer→interim", "answer→answered", "close_not_fixed→closed_not_fixed"}},
			{"citizen in review", f.citizenActor(), func() casework.Case { return c }, nil},
			{"citizen when answered", f.citizenActor(), func() casework.Case { c = f.act(f.specActor(), c, "answer", "Готово", nil); return c },
				[]string{"confirm→closed_fixed", "refute→review"}},
			{"system when answered", okno.System, func() casework.Case { return c }, []string{"auto_close→closed_auto"}},
			{"controller above when closed", staff(f.u.controller, f.region, okno.RoleController),
				func() casework.Case { c = f.act(f.citizenActor(), c, "confirm", "", nil); return c }, []string{"reopen→review"}},
			{"official when closed", f.specActor(), func() casework.Case { return c }, nil},
		} {
			if diff := cmp.Diff(tc.want, names(tc.actor, tc.c())); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, diff)
			}
		}
		if _, err := f.s.Allowed(ctx, citizen(f.u.otherCitizen), c); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("another citizen: err = %v, want not_found", err)
		}
	})
}
