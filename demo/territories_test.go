package demo

import (
	"math"
	"testing"

	"github.com/okno/okno/geo"
)

func TestTerritoriesAreAPartition(t *testing.T) {
	fc := Territories()
	ds := districts()
	if len(fc.Features) != 18 {
		t.Fatalf("%d cells, want 18", len(fc.Features))
	}
	for i, f := range fc.Features {
		if f.Name != ds[i].Name {
			t.Errorf("cell %d is %q, want %q", i, f.Name, ds[i].Name)
		}
		if !f.Geometry.Contains(geo.Point{Lon: ds[i].Lon, Lat: ds[i].Lat}) {
			t.Errorf("centre of %s is outside its cell", ds[i].Name)
		}
		for j, o := range ds {
			if j != i && f.Geometry.Contains(geo.Point{Lon: o.Lon, Lat: o.Lat}) {
				t.Errorf("centre of %s is inside the cell of %s", o.Name, f.Name)
			}
		}
	}
	// Cells tile the box: their areas add up to its area, and every sample
	// point of a grid (offset so no point sits on a cell edge) is in exactly one.
	total := 0.0
	for _, f := range fc.Features {
		total += area(f.Geometry[0][0])
	}
	box := (cityBox.MaxLon - cityBox.MinLon) * (cityBox.MaxLat - cityBox.MinLat)
	if math.Abs(total-box) > 1e-9 {
		t.Errorf("cells cover %.12f square degrees, the box %.12f", total, box)
	}
	for lat := cityBox.MinLat + 0.00317; lat < cityBox.MaxLat; lat += 0.0071 {
		for lon := cityBox.MinLon + 0.00291; lon < cityBox.MaxLon; lon += 0.0113 {
			n := 0
			for _, f := range fc.Features {
				if f.Geometry.Contains(geo.Point{Lon: lon, Lat: lat}) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("point (%v, %v) is in %d cells, want 1", lat, lon, n)
			}
		}
	}
}

// TestTerritoriesKnownPlaces checks that the coarse cells still put famous
// places in their districts.
func TestTerritoriesKnownPlaces(t *testing.T) {
	fc := Territories()
	for _, p := range []struct {
		place    string
		lat, lon float64
		want     string
	}{
		{"Дворцовая площадь", 59.9390, 30.3158, "Центральный район"},
		{"Петергоф", 59.8840, 29.9090, "Петродворцовый район"},
		{"Колпино", 59.7510, 30.5920, "Колпинский район"},
		{"Кронштадт", 59.9915, 29.7790, "Кронштадтский район"},
		{"Пушкин", 59.7163, 30.3956, "Пушкинский район"},
	} {
		var got []string
		for _, f := range fc.Features {
			if f.Geometry.Contains(geo.Point{Lon: p.lon, Lat: p.lat}) {
				got = append(got, f.Name)
			}
		}
		if len(got) != 1 || got[0] != p.want {
			t.Errorf("%s is in %v, want %s", p.place, got, p.want)
		}
	}
}

// area is a ring's area by the shoelace formula, in square degrees.
func area(r geo.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i].Lon*r[i+1].Lat - r[i+1].Lon*r[i].Lat
	}
	return math.Abs(s) / 2
}
