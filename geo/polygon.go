package geo

import "math"

// Point is a position in WGS84 degrees. GeoJSON writes it [lon, lat]; Okno's
// APIs take (lat, lon) as people say it, and this type names both.
type Point struct {
	Lon, Lat float64
}

// Ring is a closed line of points: the first point equals the last.
type Ring []Point

// Polygon is an outer ring followed by zero or more holes, as in GeoJSON.
type Polygon []Ring

// MultiPolygon is a territory's shape: one or more polygons. A territory made
// of islands (Kronstadt, Petrodvortsovy district's exclaves) needs several.
type MultiPolygon []Polygon

// BBox is a bounding box in degrees. The zero BBox is empty only by
// convention of the code that builds it (see bboxOf); use Contains to test points.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// Contains reports whether p lies inside or on the edge of b.
func (b BBox) Contains(p Point) bool {
	return p.Lon >= b.MinLon && p.Lon <= b.MaxLon && p.Lat >= b.MinLat && p.Lat <= b.MaxLat
}

// Contains reports whether p lies inside the ring, by ray casting: a ray from p
// eastwards crosses the ring's edges an odd number of times iff p is inside.
// The half-open test on latitude counts a vertex on the ray once, so points
// on an edge shared by two adjacent rings belong to exactly one of them
// (except on horizontal edges, which are rare in surveyed boundaries).
func (r Ring) Contains(p Point) bool {
	in := false
	n := len(r)
	if n < 4 {
		return false
	}
	j := n - 1
	for i := 0; i < n; i++ {
		a, b := r[i], r[j]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) {
			x := a.Lon + (p.Lat-a.Lat)*(b.Lon-a.Lon)/(b.Lat-a.Lat)
			if p.Lon < x {
				in = !in
			}
		}
		j = i
	}
	return in
}

// Contains reports whether p lies inside the outer ring and in none of the holes.
func (pg Polygon) Contains(p Point) bool {
	if len(pg) == 0 || !pg[0].Contains(p) {
		return false
	}
	for _, hole := range pg[1:] {
		if hole.Contains(p) {
			return false
		}
	}
	return true
}

// Contains reports whether p lies inside any of the polygons.
func (mp MultiPolygon) Contains(p Point) bool {
	for _, pg := range mp {
		if pg.Contains(p) {
			return true
		}
	}
	return false
}

// BBox returns the smallest box holding every outer ring of mp. Holes lie
// inside their outer ring and cannot widen it.
func (mp MultiPolygon) BBox() BBox {
	b := BBox{MinLon: math.Inf(1), MinLat: math.Inf(1), MaxLon: math.Inf(-1), MaxLat: math.Inf(-1)}
	for _, pg := range mp {
		if len(pg) == 0 {
			continue
		}
		for _, p := range pg[0] {
			b.MinLon = math.Min(b.MinLon, p.Lon)
			b.MinLat = math.Min(b.MinLat, p.Lat)
			b.MaxLon = math.Max(b.MaxLon, p.Lon)
			b.MaxLat = math.Max(b.MaxLat, p.Lat)
		}
	}
	return b
}

// Vertices counts the points of every ring, which is what limits bound.
func (mp MultiPolygon) Vertices() int {
	n := 0
	for _, pg := range mp {
		for _, r := range pg {
			n += len(r)
		}
	}
	return n
}
