package appeal

// The map's clusters: published appeals counted on a grid fit for the
// zoom, so that a city-wide view costs a bounded answer. See public.go for
// what "published" means and for the listing the map's points come from.

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// Cluster is a group of published appeals close together on the map at a
// zoom: how many, where (the mean of their points), how far they spread,
// and how many are in each status.
type Cluster struct {
	Lat, Lon                       float64
	MinLat, MinLon, MaxLat, MaxLon float64
	Count                          int
	Statuses                       map[Status]int
}

// MapView is the map's view of the appeals matching q at a zoom: below
// ClusterMaxZoom, clusters of a grid about 64 pixels across; from it on,
// the appeals themselves (at most q.Limit, default 1000), with Truncated
// set when there were more.
type MapView struct {
	Zoom      int
	Clusters  []Cluster
	Points    []Appeal
	Truncated bool
}

// Clusters aggregates the appeals matching q (q.After is ignored) on a
// grid fit for zoom, in the database: the answer's size is bounded by the
// grid, not by the number of appeals.
func (s *Service) Clusters(ctx context.Context, q Query, zoom int) (MapView, error) {
	if zoom < 0 || zoom > 22 {
		var fe okno.FieldErrors
		fe.Add("zoom", "appeal.public.zoom")
		return MapView{}, fe.Err()
	}
	q.After = ""
	// The map is public and a wide window reads many rows: at most
	// mapQueries run at once, so a flood of map requests queues here
	// instead of taking every database connection.
	select {
	case s.mapSlots <- struct{}{}:
		defer func() { <-s.mapSlots }()
	case <-ctx.Done():
		return MapView{}, ctx.Err()
	}
	if zoom >= ClusterMaxZoom {
		if q.Limit == 0 {
			q.Limit = maxListLimit
		}
		p, err := s.List(ctx, q)
		if err != nil {
			return MapView{}, err
		}
		return MapView{Zoom: zoom, Points: p.Items, Truncated: p.Next != ""}, nil
	}
	where, args, err := s.filters(q)
	if err != nil {
		return MapView{}, err
	}
	// Cells square on a Web Mercator map: a degree of longitude is
	// cos(latitude) of a degree of latitude.
	g := grid{lon: 360 / math.Exp2(float64(zoom)) / clusterCellsPerTile}
	g.lat = g.lon
	if b := q.BBox; b != nil {
		g.lat = g.lon * math.Max(math.Cos((b.MinLat+b.MaxLat)/2*math.Pi/180), 0.05)
	}
	acc := newGridAcc()
	if placeOnly(q) && g.lat >= 2*cellDeg {
		err = s.cellClusters(ctx, q, g, acc)
	} else {
		err = s.pointClusters(ctx, where, args, g, acc)
	}
	if err != nil {
		return MapView{}, fmt.Errorf("appeal: clusters: %w", err)
	}
	return MapView{Zoom: zoom, Clusters: acc.clusters()}, nil
}

// grid is the clustering grid's cell size in degrees.
type grid struct{ lat, lon float64 }

// gridAcc adds up clusters per grid cell.
type gridAcc struct {
	cells map[[2]int64]*clusterSum
	order [][2]int64
}

type clusterSum struct {
	Cluster
	sumLat, sumLon float64
}

func newGridAcc() *gridAcc { return &gridAcc{cells: map[[2]int64]*clusterSum{}} }

// add counts n appeals of status st whose points sum to (sumLat, sumLon)
// and span the given box, in grid cell k.
func (a *gridAcc) add(k [2]int64, st Status, n int, sumLat, sumLon, minLat, minLon, maxLat, maxLon float64) {
	c, ok := a.cells[k]
	if !ok {
		c = &clusterSum{Cluster: Cluster{MinLat: minLat, MinLon: minLon, MaxLat: maxLat, MaxLon: maxLon, Statuses: map[Status]int{}}}
		a.cells[k] = c
		a.order = append(a.order, k)
	}
	c.Count += n
	c.Statuses[st] += n
	c.sumLat += sumLat
	c.sumLon += sumLon
	c.MinLat, c.MinLon = math.Min(c.MinLat, minLat), math.Min(c.MinLon, minLon)
	c.MaxLat, c.MaxLon = math.Max(c.MaxLat, maxLat), math.Max(c.MaxLon, maxLon)
}

// clusters are the sums as clusters, biggest first, then by place, so
// that answers are stable.
func (a *gridAcc) clusters() []Cluster {
	out := make([]Cluster, 0, len(a.order))
	for _, k := range a.order {
		c := a.cells[k]
		c.Lat, c.Lon = c.sumLat/float64(c.Count), c.sumLon/float64(c.Count)
		out = append(out, c.Cluster)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Lat != b.Lat {
			return a.Lat < b.Lat
		}
		return a.Lon < b.Lon
	})
	return out
}

// pointClusters groups the matching appeals' own points on the grid.
func (s *Service) pointClusters(ctx context.Context, where []string, args []any, g grid, acc *gridAcc) error {
	gy, gx := `CAST((a.lat + 90) / ? AS INTEGER)`, `CAST((a.lon + 180) / ? AS INTEGER)`
	if s.d.DB.Dialect() == sqldb.Postgres {
		// PostgreSQL rounds when casting; the grid needs the floor.
		gy, gx = `FLOOR((a.lat + 90) / ?)::BIGINT`, `FLOOR((a.lon + 180) / ?)::BIGINT`
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT `+gy+` AS gy, `+gx+` AS gx, a.status, COUNT(*),
		SUM(a.lat), SUM(a.lon), MIN(a.lat), MIN(a.lon), MAX(a.lat), MAX(a.lon)
		FROM appeals a WHERE `+strings.Join(where, " AND ")+` GROUP BY gy, gx, a.status`,
		append([]any{g.lat, g.lon}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k [2]int64
		var st Status
		var n int
		var sumLat, sumLon, minLat, minLon, maxLat, maxLon float64
		if err := rows.Scan(&k[0], &k[1], &st, &n, &sumLat, &sumLon, &minLat, &minLon, &maxLat, &maxLon); err != nil {
			return err
		}
		acc.add(k, st, n, sumLat, sumLon, minLat, minLon, maxLat, maxLon)
	}
	return rows.Err()
}

// placeOnly reports whether q filters by place and status only: then
// the map can be counted from the appeals_cell index alone.
func placeOnly(q Query) bool {
	return len(q.ReasonCodes) == 0 && len(q.CategoryIDs) == 0 && len(q.TerritoryIDs) == 0 && q.OrgID == 0 &&
		q.From.IsZero() && q.To.IsZero() && q.UpdatedFrom.IsZero() && q.UpdatedTo.IsZero() && len(q.CaseIDs) == 0
}

// cellClusters counts appeals per stored grid cell (place.go) and status
// from the appeals_cell index (cell, status) without reading the table,
// and gathers the cells on the clustering grid, each standing at its
// centre: at zooms whose grid is at least two stored cells wide the error
// is under a quarter of a cluster. It relies on what the projection keeps
// true: an appeal's text is published exactly when its status leaves
// moderation for anything but rejected, so the public statuses are the
// published appeals.
func (s *Service) cellClusters(ctx context.Context, q Query, g grid, acc *gridAcc) error {
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = PublicStatuses
	}
	where := []string{`status IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(statuses)), ", ") + `)`}
	var args []any
	for _, st := range statuses {
		args = append(args, string(st))
	}
	b := q.BBox
	if b != nil {
		// The box's rows of the stored grid as one index range; cells of
		// those rows outside the box's columns are dropped below, which
		// costs less than asking the index for one range per row.
		where = append(where, `cell BETWEEN ? AND ?`)
		args = append(args, cellRow(b.MinLat)*cellCols, cellRow(b.MaxLat)*cellCols+cellCols-1)
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT cell, status, COUNT(*) FROM appeals
		WHERE `+strings.Join(where, " AND ")+` GROUP BY cell, status`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var cell int64
		var st Status
		var n int
		if err := rows.Scan(&cell, &st, &n); err != nil {
			return err
		}
		if b != nil {
			if col := cell % cellCols; col < cellCol(b.MinLon) || col > cellCol(b.MaxLon) {
				continue
			}
		}
		lat0 := float64(cell/cellCols)*cellDeg - 90
		lon0 := float64(cell%cellCols)*cellDeg - 180
		lat, lon := lat0+cellDeg/2, lon0+cellDeg/2
		k := [2]int64{int64(math.Floor((lat + 90) / g.lat)), int64(math.Floor((lon + 180) / g.lon))}
		acc.add(k, st, n, lat*float64(n), lon*float64(n), lat0, lon0, lat0+cellDeg, lon0+cellDeg)
	}
	return rows.Err()
}
