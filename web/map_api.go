package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/geo"
)

// The map's JSON: published appeals as GeoJSON (clusters at low zoom,
// points at street level) and district outlines, both public. Texts go out
// JSON-encoded (json.Marshal escapes <, > and &) and map.js puts them into
// the page as text, never as HTML.

// mapFeature is one GeoJSON feature of the map.
type mapFeature struct {
	Type       string         `json:"type"`
	Geometry   mapGeometry    `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type mapGeometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// mapCollection is a GeoJSON FeatureCollection with the map's extras.
type mapCollection struct {
	Type      string       `json:"type"`
	Features  []mapFeature `json:"features"`
	Zoom      *int         `json:"zoom,omitempty"`
	Truncated bool         `json:"truncated,omitempty"`
}

// parseBBox reads "min lon,min lat,max lon,max lat", as GeoJSON orders it.
func parseBBox(s string) (*geo.BBox, bool) {
	if s == "" {
		return nil, true
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 || len(s) > 200 {
		return nil, false
	}
	var n [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		n[i] = f
	}
	// A view wider than the world (zoomed far out) is the world.
	b := &geo.BBox{MinLon: math.Max(n[0], -180), MinLat: math.Max(n[1], -90), MaxLon: math.Min(n[2], 180), MaxLat: math.Min(n[3], 90)}
	return b, b.MinLon <= b.MaxLon && b.MinLat <= b.MaxLat
}

// apiMapAppeals answers the map: GeoJSON of clusters or appeals in a box.
func (s *Server) apiMapAppeals(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	v := r.URL.Query()
	_, q, err := parseMapFilter(v)
	var fe okno.FieldErrors
	if e := okno.AsError(err); e != nil {
		fe = e.Fields
	} else if err != nil {
		return err
	}
	bbox, ok := parseBBox(v.Get("bbox"))
	if !ok {
		fe.Add("bbox", "web.map.bbox_invalid")
	}
	zoom := appeal.ClusterMaxZoom
	if z := v.Get("zoom"); z != "" {
		n, err := strconv.Atoi(z)
		if err != nil || n < 0 || n > 22 {
			fe.Add("zoom", "web.map.zoom_invalid")
		}
		zoom = n
	}
	if err := fe.Err(); err != nil {
		return err
	}
	q.BBox = bbox
	cl, ok := s.deps.Appeals.(mapClusters)
	if !ok {
		return errors.New("web: the appeals service cannot cluster")
	}
	view, err := cl.Clusters(ctx, q, zoom)
	if err != nil {
		return err
	}
	out := mapCollection{Type: "FeatureCollection", Features: []mapFeature{}, Zoom: &view.Zoom, Truncated: view.Truncated}
	for _, c := range view.Clusters {
		statuses := map[string]int{}
		for st, n := range c.Statuses {
			statuses[string(st)] = n
		}
		out.Features = append(out.Features, mapFeature{Type: "Feature",
			Geometry: mapGeometry{Type: "Point", Coordinates: []float64{c.Lon, c.Lat}},
			Properties: map[string]any{"kind": "cluster", "count": c.Count, "statuses": statuses,
				"bbox": []float64{c.MinLon, c.MinLat, c.MaxLon, c.MaxLat}}})
	}
	for _, a := range view.Points {
		out.Features = append(out.Features, mapFeature{Type: "Feature",
			Geometry:   mapGeometry{Type: "Point", Coordinates: []float64{a.Lon, a.Lat}},
			Properties: appealProperties(l, a)})
	}
	return writeJSON(w, http.StatusOK, out)
}

// appealProperties are an appeal's public properties on the map.
func appealProperties(l localizerT, a appeal.Appeal) map[string]any {
	return map[string]any{"kind": "appeal", "id": a.CaseID, "ref": a.Ref, "url": "/appeals/" + strconv.FormatInt(a.CaseID, 10),
		"status": a.Status, "status_title": l.T("web.map.status." + string(a.Status)),
		"category": a.CategoryTitle, "reason": a.ReasonTitle, "address": a.Address,
		"text": excerpt(a.Text, 200), "created_at": a.CreatedAt.Format(time.RFC3339)}
}

// localizerT is the part of i18n.Localizer appealProperties uses.
type localizerT interface {
	T(key string, args ...any) string
}

// districtTolerance is how far, in degrees (~30 m), a simplified outline
// may stray from the original: far below what a city-wide map shows.
const districtTolerance = 0.0003

// apiMapDistricts answers the district outlines, simplified, as GeoJSON:
// the map's background when it has no tiles.
func (s *Server) apiMapDistricts(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.deps.Territories.List(r.Context(), geo.ListQuery{Level: geo.LevelDistrict, Limit: 1000})
	if err != nil {
		return err
	}
	out := mapCollection{Type: "FeatureCollection", Features: []mapFeature{}}
	for _, t := range ts {
		var polys [][][][2]float64
		for _, pg := range t.Geometry {
			var rings [][][2]float64
			for _, ring := range pg {
				if sr := simplifyRing(ring, districtTolerance); len(sr) >= 4 {
					rings = append(rings, sr)
				}
			}
			if len(rings) > 0 {
				polys = append(polys, rings)
			}
		}
		if len(polys) == 0 {
			continue
		}
		out.Features = append(out.Features, mapFeature{Type: "Feature",
			Geometry:   mapGeometry{Type: "MultiPolygon", Coordinates: polys},
			Properties: map[string]any{"id": t.ID, "name": t.Name}})
	}
	// Outlines change rarely and hold nothing personal.
	w.Header().Set("Cache-Control", "public, max-age=300")
	return writeJSON(w, http.StatusOK, out)
}

// simplifyRing drops the points of a closed ring that lie within tol of
// the line through their neighbours (Douglas–Peucker), keeping it closed.
// Coordinates come out as GeoJSON orders them: [lon, lat].
func simplifyRing(ring geo.Ring, tol float64) [][2]float64 {
	n := len(ring)
	if n < 4 {
		return nil
	}
	keep := make([]bool, n)
	keep[0], keep[n-1] = true, true
	// The ring's first and last points coincide; split it at the point
	// farthest from the first, so each half is an open line.
	far, best := 0, -1.0
	for i := 1; i < n-1; i++ {
		dx, dy := ring[i].Lon-ring[0].Lon, ring[i].Lat-ring[0].Lat
		if d := dx*dx + dy*dy; d > best {
			far, best = i, d
		}
	}
	keep[far] = true
	type span struct{ a, b int }
	stack := []span{{0, far}, {far, n - 1}}
	for len(stack) > 0 {
		sp := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		idx, dmax := -1, tol
		for i := sp.a + 1; i < sp.b; i++ {
			if d := segmentDistance(ring[i], ring[sp.a], ring[sp.b]); d > dmax {
				idx, dmax = i, d
			}
		}
		if idx >= 0 {
			keep[idx] = true
			stack = append(stack, span{sp.a, idx}, span{idx, sp.b})
		}
	}
	out := make([][2]float64, 0, n)
	for i, p := range ring {
		if keep[i] {
			out = append(out, [2]float64{round6(p.Lon), round6(p.Lat)})
		}
	}
	return out
}

// segmentDistance is the distance from p to the segment ab, in degrees.
func segmentDistance(p, a, b geo.Point) float64 {
	dx, dy := b.Lon-a.Lon, b.Lat-a.Lat
	if dx == 0 && dy == 0 {
		return math.Hypot(p.Lon-a.Lon, p.Lat-a.Lat)
	}
	t := ((p.Lon-a.Lon)*dx + (p.Lat-a.Lat)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p.Lon-(a.Lon+t*dx), p.Lat-(a.Lat+t*dy))
}

// round6 keeps six decimals (~10 cm): enough, and a third of the bytes.
func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// mapAPIParams document the map's filters in OpenAPI.
var mapAPIParams = []APIParam{
	{Name: "bbox", In: "query", Description: "The visible area: min lon,min lat,max lon,max lat (WGS84).", Schema: Schema{"type": "string"}},
	{Name: "zoom", In: "query", Description: "The map's zoom (0–22). Below 15 the answer holds clusters, from 15 on appeals (at most 1000; truncated says when there were more).",
		Schema: Schema{"type": "integer", "minimum": 0, "maximum": 22}},
	{Name: "category", In: "query", Description: "Category id; repeat for several.", Schema: Schema{"type": "integer"}},
	{Name: "status", In: "query", Description: "Public status; repeat for several.", Schema: Schema{"type": "string", "enum": appeal.PublicStatuses}},
	{Name: "district", In: "query", Description: "District (territory) id; repeat for several.", Schema: Schema{"type": "integer"}},
	{Name: "from", In: "query", Description: "Created on or after this day (Moscow), YYYY-MM-DD.", Schema: Schema{"type": "string", "format": "date"}},
	{Name: "to", In: "query", Description: "Created on or before this day (Moscow), YYYY-MM-DD.", Schema: Schema{"type": "string", "format": "date"}},
}

var mapPointSchema = Schema{"type": "object", "required": []string{"type", "coordinates"}, "properties": Schema{
	"type": Schema{"type": "string", "const": "Point"}, "coordinates": Schema{"type": "array", "items": Schema{"type": "number"}, "minItems": 2, "maxItems": 2}}}

var mapAppealsSchema = Schema{"type": "object", "required": []string{"type", "features"}, "properties": Schema{
	"type":      Schema{"type": "string", "const": "FeatureCollection"},
	"zoom":      Schema{"type": "integer"},
	"truncated": Schema{"type": "boolean"},
	"features": Schema{"type": "array", "items": Schema{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": Schema{
		"type":     Schema{"type": "string", "const": "Feature"},
		"geometry": mapPointSchema,
		"properties": Schema{"type": "object", "description": "kind \"cluster\": count, statuses (status → count), bbox; kind \"appeal\": id, ref, url, status, status_title, category, reason, address, text (an excerpt), created_at.",
			"required": []string{"kind"}, "properties": Schema{
				"kind":     Schema{"type": "string", "enum": []string{"cluster", "appeal"}},
				"count":    Schema{"type": "integer"},
				"statuses": Schema{"type": "object", "additionalProperties": Schema{"type": "integer"}},
				"bbox":     Schema{"type": "array", "items": Schema{"type": "number"}},
				"id":       Schema{"type": "integer"}, "ref": Schema{"type": "string"}, "url": Schema{"type": "string"},
				"status": Schema{"type": "string"}, "status_title": Schema{"type": "string"},
				"category": Schema{"type": "string"}, "reason": Schema{"type": "string"}, "address": Schema{"type": "string"},
				"text": Schema{"type": "string"}, "created_at": Schema{"type": "string", "format": "date-time"},
			}},
	}}},
}}

var mapDistrictsSchema = Schema{"type": "object", "required": []string{"type", "features"}, "properties": Schema{
	"type": Schema{"type": "string", "const": "FeatureCollection"},
	"features": Schema{"type": "array", "items": Schema{"type": "object", "properties": Schema{
		"type":       Schema{"type": "string", "const": "Feature"},
		"geometry":   Schema{"type": "object", "description": "A GeoJSON MultiPolygon, simplified to about 30 m."},
		"properties": Schema{"type": "object", "properties": Schema{"id": Schema{"type": "integer"}, "name": Schema{"type": "string"}}},
	}}},
}}
