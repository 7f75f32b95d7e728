package catalog_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func hitCodes(hits []catalog.Hit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Code)
	}
	return out
}

func summaryCodes(xs []catalog.Summary) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, x.Code)
	}
	return out
}

// TestSearch runs on both engines with the same expectations: the index is
// built in memory from rows, so what it finds cannot depend on the engine.
func TestSearch(t *testing.T) {
	tests := []struct {
		query string
		q     catalog.Query
		first string // "" when nothing may be found
	}{
		{"пособие при рождении", catalog.Query{}, catalogtest.Allowance},
		{"gjcj,bt", catalog.Query{}, catalogtest.Allowance}, // «пособие» in the Latin layout
		{"Пособия", catalog.Query{}, catalogtest.Allowance},
		{"счётчики", catalog.Query{}, catalogtest.Meters},
		{"показания воды", catalog.Query{}, catalogtest.Meters},
		{"ларек", catalog.Query{}, catalogtest.Stall},
		{"киоск", catalog.Query{}, catalogtest.Stall},
		{"рождение ребенка", catalog.Query{}, catalogtest.Allowance}, // the situation's title
		{"пособие", catalog.Query{Level: catalog.LevelMunicipal}, ""},
		{"разрешение", catalog.Query{Recipient: catalog.RecipientEntrepreneur}, catalogtest.Stall},
		{"разрешение", catalog.Query{Recipient: catalog.RecipientCitizen}, ""},
		{"вода", catalog.Query{Category: "housing"}, catalogtest.Meters},
		{"вода", catalog.Query{Category: "family"}, ""},
		{"космодром", catalog.Query{}, ""},
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		for _, tt := range tests {
			hits, err := w.c.Search(ctx, tt.query, tt.q, 3)
			if err != nil {
				t.Fatalf("Search(%q): %v", tt.query, err)
			}
			switch {
			case tt.first == "" && len(hits) > 0:
				t.Errorf("Search(%q, %+v) = %v, want nothing", tt.query, tt.q, hitCodes(hits))
			case tt.first != "" && (len(hits) == 0 || hits[0].Code != tt.first):
				t.Errorf("Search(%q, %+v) = %v, want %s first", tt.query, tt.q, hitCodes(hits), tt.first)
			case len(hits) > 0 && hits[0].OrgName != "Комитет по социальной политике":
				t.Errorf("Search(%q) hit's body %q, want the short name", tt.query, hits[0].OrgName)
			}
		}
		if _, err := w.c.Search(ctx, strings.Repeat("слово ", 20), catalog.Query{}, 3); !hasField(err, "q") {
			t.Errorf("Search(a long query) = %v, want a field error on q", err)
		}
	})
}

func TestList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		var got []string
		q := catalog.Query{Limit: 1}
		for range 5 {
			p, err := w.c.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, summaryCodes(p.Items)...)
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
		if diff := cmp.Diff([]string{catalogtest.Allowance, catalogtest.Meters, catalogtest.Stall}, got); diff != "" {
			t.Errorf("pages by title (-want +got):\n%s", diff)
		}
		for _, tt := range []struct {
			q    catalog.Query
			want []string
		}{
			{catalog.Query{Category: "housing"}, []string{catalogtest.Meters}},
			{catalog.Query{Situation: "child-birth"}, []string{catalogtest.Allowance, catalogtest.Meters}},
			{catalog.Query{Recipient: catalog.RecipientOrganisation}, []string{catalogtest.Stall}},
			{catalog.Query{Level: catalog.LevelFederal}, []string{}},
			{catalog.Query{OrgID: w.f.Region.ID}, []string{}},
		} {
			p, err := w.c.List(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summaryCodes(p.Items)); diff != "" || p.Next != "" {
				t.Errorf("List(%+v) next %q (-want +got):\n%s", tt.q, p.Next, diff)
			}
		}
		if _, err := w.c.List(ctx, catalog.Query{After: "!!"}); !hasField(err, "after") {
			t.Errorf("List(a bad cursor) = %v, want a field error on after", err)
		}
	})
}

func TestSituationsAndAgencies(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		st, svs, err := w.c.Situation(ctx, "child-birth")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{catalogtest.Allowance, catalogtest.Meters}, summaryCodes(svs)); diff != "" || st.Title["ru"] != "Рождение ребёнка" {
			t.Errorf("Situation %q (-want +got):\n%s", st.Title["ru"], diff)
		}
		// Reordering the situation and listing a service not yet put.
		st.Services = []string{catalogtest.Meters, "not-yet-put", catalogtest.Allowance}
		if err := w.c.PutSituation(ctx, w.f.Admin, st); err != nil {
			t.Fatal(err)
		}
		if _, svs, _ = w.c.Situation(ctx, "child-birth"); cmp.Diff([]string{catalogtest.Meters, catalogtest.Allowance}, summaryCodes(svs)) != "" {
			t.Errorf("Situation after reordering = %v", summaryCodes(svs))
		}
		if _, _, err := w.c.Situation(ctx, "nope"); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Situation(unknown) = %v, want not found", err)
		}
		sits, err := w.c.Situations(ctx)
		if err != nil || len(sits) != 1 {
			t.Errorf("Situations = %v, %v; want one", sits, err)
		}
		a, err := w.c.Agency(ctx, w.f.Committee.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Offices) != 1 || a.Offices[0].Address != w.f.Office.Address || len(a.Services) != 3 || a.Org.ID != w.f.Committee.ID {
			t.Errorf("Agency = %d offices, %d services; want 1 and 3", len(a.Offices), len(a.Services))
		}
		list, err := w.c.Agencies(ctx)
		if diff := cmp.Diff([]catalog.AgencyEntry{{OrgID: w.f.Committee.ID, Name: "Комитет по социальной политике", Services: 3}}, list); diff != "" || err != nil {
			t.Errorf("Agencies (%v) (-want +got):\n%s", err, diff)
		}
		if _, err := w.c.Agency(ctx, 99999); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Agency(unknown) = %v, want not found", err)
		}
		offices, err := w.c.Offices(ctx, []int64{99999, w.f.Office.ID})
		if err != nil || len(offices) != 1 || offices[0].ID != w.f.Office.ID {
			t.Errorf("Offices = %v, %v; want the one known", offices, err)
		}
	})
}
