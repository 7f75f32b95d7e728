package rating_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/rating"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestScoresLow(t *testing.T) {
	tests := []struct {
		s    rating.Scores
		want bool
	}{
		{scores(5, 5, 5, 5, 5), false},
		{scores(4, 4, 4, 4, 4), false},
		{scores(5, 5, 5, 5, 3), true}, // one criterion at 3
		{scores(4, 4, 4, 4, 5), false},
		{scores(1, 5, 5, 5, 5), true},
	}
	for _, tt := range tests {
		if got := tt.s.Low(); got != tt.want {
			t.Errorf("%v.Low() = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestRateEligibility(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, 0)
		ctx := context.Background()
		open := f.apply(f.citizen, f.agency, "parking")
		closed := f.refused(f.citizen, f.agency, "parking")
		withdrawn := f.apply(f.citizen, f.agency, "parking")
		withdrawn, err := f.cases.Act(ctx, citizen(f.citizen), casework.ActionInput{CaseID: withdrawn.ID, Version: withdrawn.Version, Action: "withdraw"})
		if err != nil {
			t.Fatal(err)
		}
		good := scores(5, 5, 5, 5, 5)
		tests := []struct {
			name   string
			actor  okno.Actor
			caseID int64
			code   okno.ErrorCode
		}{
			{"an open case", citizen(f.citizen), open.ID, okno.EFORBIDDEN},
			{"a withdrawn case", citizen(f.citizen), withdrawn.ID, okno.EFORBIDDEN},
			{"another citizen's case", citizen(f.citizen2), closed.ID, okno.ENOTFOUND},
			{"staff", staff(f.official, f.agency, okno.RoleOfficial), closed.ID, okno.EFORBIDDEN},
			{"anonymous", okno.Actor{}, closed.ID, okno.EUNAUTHORIZED},
		}
		for _, tt := range tests {
			_, err := f.s.Rate(ctx, tt.actor, rating.Input{CaseID: tt.caseID, Scores: good})
			if !okno.IsCode(err, tt.code) {
				t.Errorf("%s: err = %v, want %s", tt.name, err, tt.code)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM ratings`); n != 0 {
			t.Errorf("%d ratings stored, want none", n)
		}
	})
}

func TestRateBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, 0)
		ctx := context.Background()
		c := f.refused(f.citizen, f.agency, "parking")
		tests := []struct {
			name string
			in   rating.Input
			want []okno.FieldError
		}{
			{"zero", rating.Input{Scores: scores(0, 5, 5, 5, 5)}, []okno.FieldError{{Field: "time", Key: "rating.score_required"}}},
			{"six", rating.Input{Scores: scores(5, 6, 5, 5, 5)}, []okno.FieldError{{Field: "courtesy", Key: "rating.score_range"}}},
			{"negative", rating.Input{Scores: scores(5, 5, -1, 5, 5)}, []okno.FieldError{{Field: "comfort", Key: "rating.score_range"}}},
			{"missing criterion", rating.Input{Scores: scores(5, 5, 5, 5)}, []okno.FieldError{{Field: "convenience", Key: "rating.score_required"}}},
			{"unknown criterion", rating.Input{Scores: rating.Scores{"time": 5, "courtesy": 5, "comfort": 5, "information": 5, "convenience": 5, "beauty": 1}},
				[]okno.FieldError{{Field: "scores", Key: "rating.criterion_unknown"}}},
			{"low without problems", rating.Input{Scores: scores(5, 5, 3, 5, 5)}, []okno.FieldError{{Field: "problems", Key: "rating.problems_required"}}},
			{"unknown problem", rating.Input{Scores: scores(2, 5, 5, 5, 5), Problems: []string{"queue", "aliens"}},
				[]okno.FieldError{{Field: "problems", Key: "rating.problem_unknown"}}},
			{"more problems than there are", rating.Input{Scores: scores(2, 5, 5, 5, 5), Problems: []string{"queue", "queue", "queue", "queue",
				"queue", "queue", "queue", "queue", "queue", "queue"}}, []okno.FieldError{{Field: "problems", Key: "rating.problem_unknown"}}},
			{"long comment", rating.Input{Scores: scores(5, 5, 5, 5, 5), Comment: strings.Repeat("ж", rating.MaxComment+1)},
				[]okno.FieldError{{Field: "comment", Key: "rating.comment_long", Args: []any{rating.MaxComment}}}},
		}
		for _, tt := range tests {
			tt.in.CaseID = c.ID
			_, err := f.s.Rate(ctx, citizen(f.citizen), tt.in)
			var oe *okno.Error
			if !errors.As(err, &oe) || oe.Code != okno.EINVALID {
				t.Errorf("%s: err = %v, want invalid", tt.name, err)
				continue
			}
			if diff := cmp.Diff(tt.want, oe.Fields); diff != "" {
				t.Errorf("%s: field errors (-want +got):\n%s", tt.name, diff)
			}
		}
		if _, ok, err := f.s.Of(ctx, citizen(f.citizen), c.ID); ok || err != nil {
			t.Errorf("Of after bad input: rated %v, %v; want not rated", ok, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM rating_org_stats`); n != 0 {
			t.Errorf("%d aggregate rows after bad input, want none", n)
		}
	})
}

func TestRateAggregatesAndFlags(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, 0)
		ctx := context.Background()
		rate := func(userID int64, caseID int64, s rating.Scores, problems ...string) error {
			t.Helper()
			_, err := f.s.Rate(ctx, citizen(userID), rating.Input{CaseID: caseID, Scores: s, Problems: problems,
				Comment: "Спасибо, Анна Смирнова, тел. +7 921 000-00-00"})
			return err
		}
		a := f.refused(f.citizen, f.agency, "parking")
		b := f.refused(f.citizen2, f.agency, "parking")
		c := f.refused(f.citizen, f.other, "metro-card")
		mustOK := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		mustOK(rate(f.citizen, a.ID, scores(5, 5, 5, 5, 5)))
		mustOK(rate(f.citizen2, b.ID, scores(3, 4, 5, 5, 4), "deadline"))
		mustOK(rate(f.citizen, c.ID, scores(5, 5, 4, 5, 5)))

		region := staff(0, f.region, okno.RoleSupervisor)
		avg := func(v ...float64) map[rating.Criterion]float64 {
			m := map[rating.Criterion]float64{}
			for i, c := range rating.Criteria {
				m[c] = v[i]
			}
			return m
		}
		want := []rating.Stat{
			// parking: (5+3)/2, (5+4)/2, 5, 5, (5+4)/2 → overall 4.6: not flagged
			{Service: "parking", Count: 2, Averages: avg(4, 4.5, 5, 5, 4.5), Overall: 4.6},
			{Service: "metro-card", Count: 1, Averages: avg(5, 5, 4, 5, 5), Overall: 4.8},
		}
		got, err := f.s.Services(ctx, region, rating.Query{})
		if err != nil {
			t.Fatal(err)
		}
		approx := cmpopts.EquateApprox(0, 1e-9)
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("services (-want +got):\n%s", diff)
		}

		// Changing a rating within the window replaces it in the aggregates.
		f.clock.Add(13 * 24 * time.Hour)
		mustOK(rate(f.citizen2, b.ID, scores(2, 4, 5, 5, 4), "deadline", "queue"))
		want[0] = rating.Stat{Service: "parking", Count: 2, Averages: avg(3.5, 4.5, 5, 5, 4.5), Overall: 4.5}
		got, err = f.s.Services(ctx, region, rating.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("services after a change (-want +got):\n%s", diff)
		}
		r, ok, err := f.s.Of(ctx, citizen(f.citizen2), b.ID)
		if err != nil || !ok || r.Scores[rating.Time] != 2 || !r.CreatedAt.Equal(fixtureStart) || r.Comment == "" {
			t.Errorf("Of = %+v, %v, %v; want the changed rating, created at first", r, ok, err)
		}

		// Once more: now under the threshold, flagged and first.
		mustOK(rate(f.citizen2, b.ID, scores(1, 4, 5, 5, 4), "deadline"))
		got, err = f.s.Services(ctx, region, rating.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Service != "parking" || !got[0].Flagged || got[1].Flagged {
			t.Errorf("services = %+v, want parking flagged first (overall 4.4) and metro-card not", got)
		}
		orgs, err := f.s.Orgs(ctx, region)
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 2 || orgs[0].OrgID != f.agency.ID || orgs[0].Count != 2 || !orgs[0].Flagged || orgs[1].OrgID != f.other.ID {
			t.Errorf("orgs = %+v, want the agency (2 ratings, flagged) then the committee", orgs)
		}

		// After the window the rating stands.
		f.clock.Add(2 * 24 * time.Hour)
		if err := rate(f.citizen2, b.ID, scores(5, 5, 5, 5, 5)); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("a change after %v: %v, want conflict", rating.ChangeWindow, err)
		}
		again, _ := f.s.Services(ctx, region, rating.Query{})
		if diff := cmp.Diff(got, again, approx); diff != "" {
			t.Errorf("aggregates moved after a refused change (-before +after):\n%s", diff)
		}
		var sealed []byte
		if err := db.QueryRowContext(ctx, `SELECT comment_enc FROM ratings WHERE case_id = ?`, a.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(sealed), "Смирнова") || len(sealed) == 0 {
			t.Errorf("the comment is stored as %q, want it sealed", sealed)
		}
	})
}

func TestDashboardScope(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, 2)
		ctx := context.Background()
		for _, code := range []string{"parking", "trees"} {
			c := f.refused(f.citizen, f.agency, code)
			if _, err := f.s.Rate(ctx, citizen(f.citizen), rating.Input{CaseID: c.ID, Scores: scores(1, 1, 1, 1, 1), Problems: []string{"rude"}}); err != nil {
				t.Fatal(err)
			}
		}
		f.own[f.owner] = []string{"trees"}
		got, err := f.s.Services(ctx, staff(f.owner, f.agency, okno.RoleOwner), rating.Query{})
		if err != nil || len(got) != 1 || got[0].Service != "trees" {
			t.Errorf("the owner's view = %+v, %v; want their service only", got, err)
		}
		if got[0].Flagged {
			t.Errorf("flagged with 1 rating under a minimum of 2: %+v", got[0])
		}
		if orgs, err := f.s.Orgs(ctx, staff(f.owner, f.agency, okno.RoleOwner)); err != nil || len(orgs) != 0 {
			t.Errorf("the owner's organisations = %+v, %v; want none", orgs, err)
		}
		all, err := f.s.Services(ctx, staff(0, f.region, okno.RoleController), rating.Query{})
		if err != nil || len(all) != 2 {
			t.Errorf("the region's view = %+v, %v; want both", all, err)
		}
		for _, a := range []okno.Actor{staff(f.official, f.agency, okno.RoleOfficial), citizen(f.citizen)} {
			if _, err := f.s.Services(ctx, a, rating.Query{}); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("%s sees the dashboard: %v, want forbidden", a.Ref(), err)
			}
		}
	})
}
