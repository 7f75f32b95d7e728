package geo

import "testing"

func square(x0, y0, x1, y1 float64) Ring {
	return Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func TestContains(t *testing.T) {
	// A 10×10 square with a 4×4 hole in the middle, a concave "C" shape and
	// a second island far away.
	withHole := Polygon{square(0, 0, 10, 10), square(3, 3, 7, 7)}
	c := Polygon{Ring{{0, 0}, {6, 0}, {6, 2}, {2, 2}, {2, 4}, {6, 4}, {6, 6}, {0, 6}, {0, 0}}}
	islands := MultiPolygon{withHole, Polygon{square(20, 20, 21, 21)}}
	tests := []struct {
		name  string
		shape interface{ Contains(Point) bool }
		p     Point
		want  bool
	}{
		{"inside outer ring", withHole, Point{1, 1}, true},
		{"inside the hole", withHole, Point{5, 5}, false},
		{"between hole and edge", withHole, Point{8, 5}, true},
		{"outside", withHole, Point{11, 5}, false},
		{"left of everything", withHole, Point{-1, 5}, false},
		{"ray through a vertex", withHole, Point{-1, 10}, false},
		{"concave: in the arm", c, Point{4, 1}, true},
		{"concave: in the notch", c, Point{4, 3}, false},
		{"concave: in the spine", c, Point{1, 3}, true},
		{"multipolygon: first island", islands, Point{1, 9}, true},
		{"multipolygon: second island", islands, Point{20.5, 20.5}, true},
		{"multipolygon: hole of first", islands, Point{4, 4}, false},
		{"multipolygon: between islands", islands, Point{15, 15}, false},
		{"degenerate ring", Ring{{0, 0}, {1, 1}, {0, 0}}, Point{0.5, 0.5}, false},
		{"empty polygon", Polygon{}, Point{0, 0}, false},
	}
	for _, tt := range tests {
		if got := tt.shape.Contains(tt.p); got != tt.want {
			t.Errorf("%s: Contains(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

// TestSharedEdge checks that a point on the edge two cells share belongs to
// exactly one of them, so a lookup never answers two districts of a level
// for a point on their border.
func TestSharedEdge(t *testing.T) {
	left := Polygon{square(0, 0, 1, 1)}
	right := Polygon{square(1, 0, 2, 1)}
	for _, p := range []Point{{1, 0.5}, {1, 0.25}, {1, 0.999}} {
		n := 0
		if left.Contains(p) {
			n++
		}
		if right.Contains(p) {
			n++
		}
		if n != 1 {
			t.Errorf("point %v on the shared edge is in %d cells, want 1", p, n)
		}
	}
}

func TestBBox(t *testing.T) {
	mp := MultiPolygon{{square(1, 2, 3, 4)}, {square(-1, 5, 0, 6)}}
	got := mp.BBox()
	want := BBox{MinLon: -1, MinLat: 2, MaxLon: 3, MaxLat: 6}
	if got != want {
		t.Fatalf("BBox = %+v, want %+v", got, want)
	}
	if got := mp.Vertices(); got != 10 {
		t.Fatalf("Vertices = %d, want 10", got)
	}
}
