package appeal

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tolerance        float64
	}{
		{"same point", 59.93, 30.31, 59.93, 30.31, 0, 0},
		{"a degree of latitude", 59, 30, 60, 30, 111195, 1},
		{"Saint Petersburg to Moscow", 59.9386, 30.3141, 55.7558, 37.6173, 634000, 3000},
		{"across the antimeridian", 0, 179.5, 0, -179.5, 111195, 1},
	}
	for _, tt := range tests {
		if got := distance(tt.lat1, tt.lon1, tt.lat2, tt.lon2); math.Abs(got-tt.want) > tt.tolerance {
			t.Errorf("%s: %.0f m, want %.0f±%.0f", tt.name, got, tt.want, tt.tolerance)
		}
	}
}

// TestCellsAround checks the grid's promise: every point within the radius
// lies in one of the cells listed for the centre.
func TestCellsAround(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		lat, lon := 40+rng.Float64()*30, 20+rng.Float64()*100
		radius := 50 + rng.Float64()*1000
		cells, ok := cellsAround(lat, lon, radius)
		if !ok {
			t.Fatalf("cellsAround(%v, %v, %v): too many cells", lat, lon, radius)
		}
		// A point at the radius in a random direction.
		bearing := rng.Float64() * 2 * math.Pi
		d := radius * 0.999
		pLat := lat + d*math.Cos(bearing)/metresPerDegree
		pLon := lon + d*math.Sin(bearing)/(metresPerDegree*math.Cos(lat*math.Pi/180))
		if distance(lat, lon, pLat, pLon) > radius {
			continue
		}
		if c := cellOf(pLat, pLon); !slices.Contains(cells, c) {
			t.Fatalf("point %v,%v at %.0f m of %v,%v is in cell %d, not among %v", pLat, pLon, d, lat, lon, c, cells)
		}
	}
	if _, ok := cellsAround(89.9999999, 0, 300); ok {
		t.Error("a point at the pole should not list cells")
	}
}

func TestCellOf(t *testing.T) {
	a, b := cellOf(59.9301, 30.3101), cellOf(59.9399, 30.3199)
	if a != b {
		t.Errorf("two points of one 0.01° cell: %d and %d", a, b)
	}
	if cellOf(59.9401, 30.3101) == a || cellOf(59.9301, 30.3201) == a {
		t.Error("points of neighbouring cells share a cell")
	}
	for _, p := range [][2]float64{{-90, -180}, {90, 180}, {0, 0}} {
		if c := cellOf(p[0], p[1]); c < 0 || c >= 18000*cellCols {
			t.Errorf("cellOf(%v) = %d, out of the grid", p, c)
		}
	}
}
