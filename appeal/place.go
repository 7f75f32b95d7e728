package appeal

import (
	"math"

	"github.com/okno/okno/geo"
)

// An appeal's place is kept twice: its exact point (lat, lon) and a coarse
// grid cell (appeals.cell), an integer an index can find, so that "near
// this point" and "inside this box" read a few index ranges instead of the
// whole table. The grid is uniform in degrees: rows of cellDeg latitude,
// columns of cellDeg longitude, numbered from the south-west corner of the
// world. At Saint Petersburg's latitude a cell is about 1.1 km by 0.55 km.

// cellDeg is the side of a grid cell in degrees. Changing it makes every
// stored cell wrong: it is part of the stored format.
const cellDeg = 0.01

// cellCols is the number of columns around the world.
const cellCols = 36000 // 360 / cellDeg

// earthRadius is the mean radius of the Earth in metres (IUGG).
const earthRadius = 6371008.8

// metresPerDegree is the length of a degree of latitude (and of
// longitude on the equator) on the mean sphere.
const metresPerDegree = earthRadius * math.Pi / 180

// cellOf returns the grid cell of a point.
func cellOf(lat, lon float64) int64 {
	row, col := cellRow(lat), cellCol(lon)
	return row*cellCols + col
}

func cellRow(lat float64) int64 {
	r := int64(math.Floor((lat + 90) / cellDeg))
	return min(max(r, 0), 180/cellDeg-1)
}

func cellCol(lon float64) int64 {
	c := int64(math.Floor((lon + 180) / cellDeg))
	return min(max(c, 0), cellCols-1)
}

// maxCells bounds how many cells a query lists; a wider area is read by
// its bounding box without the grid.
const maxCells = 400

// cellsAround returns the cells that may hold a point within radius
// metres of (lat, lon), or ok=false when that would be more than maxCells
// (a huge radius, a point near a pole).
func cellsAround(lat, lon, radius float64) (cells []int64, ok bool) {
	dLat := radius / metresPerDegree
	cos := math.Cos(lat * math.Pi / 180)
	if cos < 1e-6 {
		return nil, false
	}
	dLon := radius / (metresPerDegree * cos)
	return cellsIn(geo.BBox{MinLat: lat - dLat, MaxLat: lat + dLat, MinLon: lon - dLon, MaxLon: lon + dLon})
}

// cellsIn returns the cells that overlap box b, or ok=false when there are
// more than maxCells of them. A box crossing the antimeridian is not
// supported (nothing in a Russian region needs it): its cells are those of
// its clamped span.
func cellsIn(b geo.BBox) (cells []int64, ok bool) {
	r0, r1 := cellRow(b.MinLat), cellRow(b.MaxLat)
	c0, c1 := cellCol(b.MinLon), cellCol(b.MaxLon)
	if r1 < r0 || c1 < c0 || (r1-r0+1)*(c1-c0+1) > maxCells {
		return nil, false
	}
	cells = make([]int64, 0, (r1-r0+1)*(c1-c0+1))
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			cells = append(cells, r*cellCols+c)
		}
	}
	return cells, true
}

// distance returns the great-circle distance in metres between two points
// (the haversine formula on the mean sphere; within 0.5% of the
// ellipsoid, far better than a report's GPS).
func distance(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
}

// validPoint reports whether (lat, lon) is a point on the Earth.
func validPoint(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}
