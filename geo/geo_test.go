package geo_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 15, 0, time.UTC)

// testLog is a recording audit log; actions lists what it saw.
type testLog struct{ *audittest.Log }

func newLog(db *sqldb.DB) *testLog {
	return &testLog{audittest.New(db, func() time.Time { return testNow })}
}

func (l *testLog) actions() []string {
	var s []string
	for _, e := range l.Entries() {
		s = append(s, e.Action+" "+e.ObjectID)
	}
	return s
}

func newService(t *testing.T, db *sqldb.DB) (*geo.Service, *testLog) {
	t.Helper()
	log := newLog(db)
	return geo.New(db, log, func() time.Time { return testNow }), log
}

// cells is two adjacent 1°×1° districts near the origin and a city around
// both, with a hole (a lake that belongs to no district) in the first.
const cells = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"name":"Западный"},"geometry":{"type":"Polygon","coordinates":[
   [[0,0],[1,0],[1,1],[0,1],[0,0]],[[0.2,0.2],[0.4,0.2],[0.4,0.4],[0.2,0.4],[0.2,0.2]]]}},
 {"type":"Feature","properties":{"name":"Восточный"},"geometry":{"type":"Polygon","coordinates":[
   [[1,0],[2,0],[2,1],[1,1],[1,0]]]}}
]}`

func parse(t *testing.T, doc string) *geo.FeatureCollection {
	t.Helper()
	fc, err := geo.ParseGeoJSON(strings.NewReader(doc), geo.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

func names(ts []geo.Territory) []string {
	s := []string{}
	for _, t := range ts {
		s = append(s, string(t.Level)+":"+t.Name)
	}
	return s
}

func TestImportIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, log := newService(t, db)
		fc := parse(t, cells)
		fc.Source = "test"
		res, err := s.Import(ctx, fc, geo.LevelDistrict, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 2 || len(res.IDs) != 2 {
			t.Fatalf("first import = %+v, want 2 created", res)
		}
		again, err := s.Import(ctx, fc, geo.LevelDistrict, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(geo.ImportResult{Unchanged: 2, IDs: res.IDs}, again); diff != "" {
			t.Fatalf("second import (-want +got):\n%s", diff)
		}
		want := []string{"geo.territory.create " + itoa(res.IDs[0]), "geo.territory.create " + itoa(res.IDs[1])}
		if diff := cmp.Diff(want, log.actions()); diff != "" {
			t.Fatalf("audit (-want +got):\n%s", diff)
		}

		got, err := s.Get(ctx, res.IDs[0])
		if err != nil {
			t.Fatal(err)
		}
		wantT := geo.Territory{ID: res.IDs[0], Name: "Западный", Level: geo.LevelDistrict, Geometry: fc.Features[0].Geometry,
			BBox: geo.BBox{MinLon: 0, MinLat: 0, MaxLon: 1, MaxLat: 1}, Source: "test", CreatedAt: testNow, UpdatedAt: testNow}
		if diff := cmp.Diff(wantT, got); diff != "" {
			t.Fatalf("Get (-want +got):\n%s", diff)
		}

		// The same name with a new shape is an update, audited with both digests.
		moved := parse(t, strings.Replace(cells, "[[1,0],[2,0],[2,1],[1,1],[1,0]]", "[[1,0],[3,0],[3,1],[1,1],[1,0]]", 1))
		moved.Source = "test"
		res3, err := s.Import(ctx, moved, geo.LevelDistrict, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		if res3.Updated != 1 || res3.Unchanged != 1 {
			t.Fatalf("import of a moved shape = %+v, want 1 updated 1 unchanged", res3)
		}
		es := log.Entries()
		last := es[len(es)-1]
		if last.Action != "geo.territory.update" || last.Before == nil || last.After == nil || string(last.Before) == string(last.After) {
			t.Fatalf("update audit entry = %+v, want distinct before and after digests", last)
		}
	})
}

func TestImportRejects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, log := newService(t, db)
		fc := parse(t, cells)
		if _, err := s.Import(ctx, fc, geo.Level("planet"), okno.System); !okno.IsCode(err, okno.EINVALID) {
			t.Fatalf("bad level: err = %v, want invalid", err)
		}
		citizen := okno.Actor{Kind: okno.ActorCitizen, UserID: 1}
		if _, err := s.Import(ctx, fc, geo.LevelDistrict, citizen); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Fatalf("citizen: err = %v, want forbidden", err)
		}
		// A file broken in its second feature is rejected whole: the first,
		// valid feature is not imported either.
		_, err := geo.ParseGeoJSON(strings.NewReader(strings.Replace(cells, "[1,0],[2,0]", "[1,0],[200,0]", 1)), geo.Limits{})
		e := okno.AsError(err)
		if e.Code != okno.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "features[1].geometry.coordinates[0][1]" {
			t.Fatalf("err = %v, want invalid naming features[1].geometry.coordinates[0][1]", err)
		}
		ts, err := s.List(ctx, geo.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 0 || len(log.Entries()) != 0 {
			t.Fatalf("after rejections: %d territories, %d audit entries; want none", len(ts), len(log.Entries()))
		}
		if _, err := s.Get(ctx, 42); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Fatalf("Get(42): err = %v, want not_found", err)
		}
	})
}

func TestLookup(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		if _, err := s.Import(ctx, parse(t, cells), geo.LevelDistrict, okno.System); err != nil {
			t.Fatal(err)
		}
		city := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Город"},
			"geometry":{"type":"Polygon","coordinates":[[[-1,-1],[3,-1],[3,2],[-1,2],[-1,-1]]]}}]}`
		if _, err := s.Import(ctx, parse(t, city), geo.LevelCity, okno.System); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			lat, lon float64
			want     []string
		}{
			{0.5, 0.5, []string{"city:Город", "district:Западный"}},
			{0.3, 0.3, []string{"city:Город"}}, // in the lake
			{0.5, 1.5, []string{"city:Город", "district:Восточный"}},
			{1.5, 2.5, []string{"city:Город"}},
			{5, 5, []string{}},
		}
		for _, tt := range tests {
			got, err := s.Lookup(ctx, tt.lat, tt.lon)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("Lookup(%v, %v) (-want +got):\n%s", tt.lat, tt.lon, diff)
			}
		}
		// An import through this Service is seen by the very next lookup.
		wider := parse(t, strings.Replace(cells, "[[1,0],[2,0],[2,1],[1,1],[1,0]]", "[[1,0],[3,0],[3,1],[1,1],[1,0]]", 1))
		if _, err := s.Import(ctx, wider, geo.LevelDistrict, okno.System); err != nil {
			t.Fatal(err)
		}
		got, err := s.Lookup(ctx, 0.5, 2.5)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"city:Город", "district:Восточный"}, names(got)); diff != "" {
			t.Errorf("Lookup after import (-want +got):\n%s", diff)
		}
	})
}

func TestListPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		if _, err := s.Import(ctx, parse(t, cells), geo.LevelDistrict, okno.System); err != nil {
			t.Fatal(err)
		}
		var got []string
		q := geo.ListQuery{Level: geo.LevelDistrict, Limit: 1}
		for {
			page, err := s.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			got = append(got, names(page)...)
			q.AfterID = page[len(page)-1].ID
		}
		if diff := cmp.Diff([]string{"district:Западный", "district:Восточный"}, got); diff != "" {
			t.Fatalf("pages (-want +got):\n%s", diff)
		}
		none, err := s.List(ctx, geo.ListQuery{Level: geo.LevelCity})
		if err != nil || len(none) != 0 {
			t.Fatalf("List(city) = %v, %v; want nothing", names(none), err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
