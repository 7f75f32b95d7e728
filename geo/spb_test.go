package geo_test

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// spbDistricts is the shared reference file of Saint Petersburg's districts
// (OpenStreetMap, ODbL). It is never copied into the repository; tests that
// need it skip when it is absent.
const spbDistricts = "../../shared/data/spb-districts.geojson"

func openSPb(tb testing.TB) *geo.FeatureCollection {
	tb.Helper()
	f, err := os.Open(spbDistricts)
	if os.IsNotExist(err) {
		tb.Skipf("reference data %s is absent: this test runs only where the shared data is mounted", spbDistricts)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	fc, err := geo.ParseGeoJSON(f, geo.Limits{})
	if err != nil {
		tb.Fatal(err)
	}
	fc.Source = "OpenStreetMap, ODbL 1.0"
	return fc
}

// spbPoints are places whose district anyone in the city knows.
var spbPoints = []struct {
	place    string
	lat, lon float64
	want     string
}{
	{"Дворцовая площадь", 59.9390, 30.3158, "Центральный район"},
	{"Московский вокзал", 59.9297, 30.3621, "Центральный район"},
	{"Исаакиевский собор", 59.9341, 30.3061, "Адмиралтейский район"},
	{"Стрелка Васильевского острова", 59.9441, 30.3050, "Василеостровский район"},
	{"Петропавловская крепость", 59.9500, 30.3167, "Петроградский район"},
	{"Петергоф, Большой дворец", 59.8840, 29.9090, "Петродворцовый район"},
	{"Колпино, площадь Коммуны", 59.7510, 30.5920, "Колпинский район"},
	{"Кронштадт, Морской собор", 59.9915, 29.7790, "Кронштадтский район"},
	{"Пушкин, Екатерининский дворец", 59.7163, 30.3956, "Пушкинский район"},
	{"Зеленогорск", 60.1960, 29.7050, "Курортный район"},
	{"Лахта-центр", 59.9871, 30.1776, "Приморский район"},
	{"Парк Победы (Московский)", 59.8676, 30.3313, "Московский район"},
}

func TestSPbDistricts(t *testing.T) {
	fc := openSPb(t)
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		res, err := s.Import(ctx, fc, geo.LevelDistrict, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 18 {
			t.Fatalf("imported %+v, want 18 districts created", res)
		}
		again, err := s.Import(ctx, fc, geo.LevelDistrict, okno.System)
		if err != nil || again.Unchanged != 18 {
			t.Fatalf("second import = %+v, %v; want 18 unchanged", again, err)
		}
		for _, p := range spbPoints {
			got, err := s.Lookup(ctx, p.lat, p.lon)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"district:" + p.want}, names(got)); diff != "" {
				t.Errorf("%s (%v, %v) (-want +got):\n%s", p.place, p.lat, p.lon, diff)
			}
		}
		// Helsinki is in no district of Saint Petersburg.
		if got, _ := s.Lookup(ctx, 60.1699, 24.9384); len(got) != 0 {
			t.Errorf("Helsinki is in %v, want nowhere", names(got))
		}
	})
}
