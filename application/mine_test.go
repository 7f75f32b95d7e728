package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// line is what the test compares of an Item.
type line struct {
	Kind    application.ItemKind
	ID      int64
	Service string
	State   string
	Next    string
	Waiting bool
	HasDue  bool
}

func lines(items []application.Item) []line {
	out := []line{}
	for _, it := range items {
		id := it.DraftID
		if it.Kind == application.ItemApplication {
			id = it.CaseID
		}
		out = append(out, line{it.Kind, id, it.Service, it.State, it.Next, it.Waiting, !it.DueAt.IsZero()})
	}
	return out
}

// TestMine lists the citizen's open drafts, most recently saved first,
// then their applications, newest first, with what to do next, a page at
// a time; another citizen's are not there.
func TestMine(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		submit := func(citizen int64) casework.Case {
			t.Helper()
			d := f.ready(citizen)
			c, err := f.s.Submit(ctx, as(citizen), application.Submission{DraftID: d.ID, Version: d.Version, Consent: true})
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Add(time.Minute)
			return c
		}
		older := submit(f.anna)
		newer := submit(f.anna)
		submit(f.boris)
		var drafts []application.Draft
		for range 3 {
			d, err := f.s.Start(ctx, as(f.anna), allowance)
			if err != nil {
				t.Fatal(err)
			}
			drafts = append(drafts, d)
			f.clock.Add(time.Minute)
		}
		// Saving the first draft makes it the most recent.
		if _, _, err := f.s.Save(ctx, as(f.anna), drafts[0].ID, drafts[0].Version, "contacts", map[string]any{"/applicant/phone": "+79210000000"}); err != nil {
			t.Fatal(err)
		}
		// The older application waits for Anna's corrections.
		f.askCorrections(older)

		want := []line{
			{application.ItemDraft, drafts[0].ID, allowance, "", application.NextFinish, false, false},
			{application.ItemDraft, drafts[2].ID, allowance, "", application.NextFinish, false, false},
			{application.ItemDraft, drafts[1].ID, allowance, "", application.NextFinish, false, false},
			{application.ItemApplication, newer.ID, allowance, "registration", "", false, true},
			{application.ItemApplication, older.ID, allowance, "corrections", application.NextAnswer, true, true},
		}
		for _, size := range []int{1, 2, 3, 5, 10} {
			var got []application.Item
			after := ""
			for pages := 0; ; pages++ {
				if pages > len(want) {
					t.Fatalf("limit %d: more pages than lines", size)
				}
				p, err := f.s.Mine(ctx, as(f.anna), after, size)
				if err != nil {
					t.Fatalf("limit %d after %q: %v", size, after, err)
				}
				if len(p.Items) > size {
					t.Errorf("limit %d: a page of %d", size, len(p.Items))
				}
				got = append(got, p.Items...)
				if p.Next == "" {
					break
				}
				after = p.Next
			}
			if diff := cmp.Diff(want, lines(got)); diff != "" {
				t.Errorf("limit %d (-want +got):\n%s", size, diff)
			}
		}
		p, err := f.s.Mine(ctx, as(f.anna), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if it := p.Items[4]; it.StateTitle["ru"] != "Нужны исправления" || it.Title["ru"] != "Выплата при рождении ребёнка" || it.Ref != older.Ref {
			t.Errorf("application line = %+v", it)
		}
		for _, bad := range []string{"x", "d.nonsense", "a.-1", "a.x"} {
			if _, err := f.s.Mine(ctx, as(f.anna), bad, 0); !okno.IsCode(err, okno.EINVALID) {
				t.Errorf("Mine after %q = %v, want invalid", bad, err)
			}
		}
		if _, err := f.s.Mine(ctx, okno.Actor{Kind: okno.ActorStaff, UserID: f.anna, OrgID: f.body.ID}, "", 0); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("Mine as staff = %v, want forbidden", err)
		}
	})
}

// askCorrections has an official register the case and send it back to
// the applicant for corrections.
func (f *fixture) askCorrections(c casework.Case) {
	f.t.Helper()
	ctx := context.Background()
	official := okno.Actor{Kind: okno.ActorStaff, UserID: f.boris, OrgID: f.body.ID, Roles: []okno.Role{okno.RoleOfficial}, Name: "official"}
	c, err := f.cases.Act(ctx, official, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "register"})
	if err != nil {
		f.t.Fatalf("register: %v", err)
	}
	if _, err := f.cases.Act(ctx, official, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "request_corrections",
		Comment: "Приложите свидетельство"}); err != nil {
		f.t.Fatalf("request corrections: %v", err)
	}
}
