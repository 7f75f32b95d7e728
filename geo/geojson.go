package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/okno/okno"
)

// Feature is one territory read from GeoJSON: its name, an optional code and
// its shape.
type Feature struct {
	Name     string
	Code     string
	Geometry MultiPolygon
}

// FeatureCollection is what ParseGeoJSON returns and Import takes. Source
// says where the shapes came from (e.g. "OpenStreetMap, ODbL 1.0"); the
// caller sets it, because the file rarely says.
type FeatureCollection struct {
	Features []Feature
	Source   string
}

// Limits bound what ParseGeoJSON accepts, so that an administrator's upload
// cannot exhaust memory or make every later lookup slow. Zero fields take
// the defaults of DefaultLimits.
type Limits struct {
	MaxBytes    int64 // size of the document
	MaxFeatures int   // features in the collection
	MaxVertices int   // points of all rings of all features together
}

// DefaultLimits fit a region's municipalities at OpenStreetMap detail with
// room to spare: Saint Petersburg's 18 districts are 330 KB and 20,000 points.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 32 << 20, MaxFeatures: 5000, MaxVertices: 2_000_000}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxFeatures <= 0 {
		l.MaxFeatures = d.MaxFeatures
	}
	if l.MaxVertices <= 0 {
		l.MaxVertices = d.MaxVertices
	}
	return l
}

// docField names the whole uploaded document in field errors.
const docField = "geojson"

// maxFieldErrors stops reporting after this many problems: a broken file
// usually repeats one mistake, and the first few are what a person fixes.
const maxFieldErrors = 10

// nameKeys are the properties a feature's name is taken from, in order:
// OpenStreetMap exports use name and name:ru, shapefile conversions NAME.
var nameKeys = [...]string{"name", "name:ru", "NAME", "Name", "NAME_RU", "name_ru"}

// codeKeys are the properties a feature's code is taken from, before the
// feature's own id.
var codeKeys = [...]string{"code", "ref", "oktmo", "OKTMO", "id"}

type rawCollection struct {
	Type     string       `json:"type"`
	Features []rawFeature `json:"features"`
}

type rawFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   *rawGeometry    `json:"geometry"`
}

type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// ParseGeoJSON reads a FeatureCollection of Polygon and MultiPolygon features
// within lim. Problems come back as one EINVALID *okno.Error whose fields name
// where they are ("features[3].geometry.coordinates[0]"), so an administrator
// can fix the file; nothing is returned partially.
func ParseGeoJSON(r io.Reader, lim Limits) (*FeatureCollection, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("geo: read geojson: %w", err)
	}
	var fe okno.FieldErrors
	if int64(len(data)) > lim.MaxBytes {
		fe.Add(docField, "geo.too_large", lim.MaxBytes)
		return nil, fe.Err()
	}
	var raw rawCollection
	if err := json.Unmarshal(data, &raw); err != nil {
		fe.Add(docField, "geo.json_syntax")
		return nil, &okno.Error{Code: okno.EINVALID, Key: "error.invalid", Fields: fe, Err: err}
	}
	if raw.Type != "FeatureCollection" {
		fe.Add(docField+".type", "geo.not_feature_collection")
		return nil, fe.Err()
	}
	if len(raw.Features) == 0 {
		fe.Add(docField+".features", "geo.no_features")
		return nil, fe.Err()
	}
	if len(raw.Features) > lim.MaxFeatures {
		fe.Add(docField+".features", "geo.too_many_features", lim.MaxFeatures)
		return nil, fe.Err()
	}
	fc := &FeatureCollection{Features: make([]Feature, 0, len(raw.Features))}
	seen := map[string]int{}
	vertices := 0
	for i, rf := range raw.Features {
		if len(fe) >= maxFieldErrors {
			break
		}
		path := fmt.Sprintf("features[%d]", i)
		f, ok := parseFeature(&fe, path, rf)
		if !ok {
			continue
		}
		if j, dup := seen[f.Name]; dup {
			fe.Add(path+".properties.name", "geo.name_duplicate", f.Name, j)
			continue
		}
		seen[f.Name] = i
		vertices += f.Geometry.Vertices()
		if vertices > lim.MaxVertices {
			fe.Add(path+".geometry", "geo.too_many_vertices", lim.MaxVertices)
			break
		}
		fc.Features = append(fc.Features, f)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return fc, nil
}

func parseFeature(fe *okno.FieldErrors, path string, rf rawFeature) (Feature, bool) {
	if rf.Type != "Feature" {
		fe.Add(path+".type", "geo.not_feature")
		return Feature{}, false
	}
	f := Feature{Name: propString(rf.Properties, nameKeys[:]), Code: propString(rf.Properties, codeKeys[:])}
	if f.Code == "" {
		f.Code = idString(rf.ID)
	}
	if f.Name == "" {
		fe.Add(path+".properties.name", "geo.name_missing")
		return Feature{}, false
	}
	if rf.Geometry == nil {
		fe.Add(path+".geometry", "geo.geometry_missing")
		return Feature{}, false
	}
	mp, ok := parseGeometry(fe, path+".geometry", *rf.Geometry)
	if !ok {
		return Feature{}, false
	}
	f.Geometry = mp
	return f, true
}

func parseGeometry(fe *okno.FieldErrors, path string, g rawGeometry) (MultiPolygon, bool) {
	cpath := path + ".coordinates"
	switch g.Type {
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			fe.Add(cpath, "geo.coordinates_invalid")
			return nil, false
		}
		pg, ok := toPolygon(fe, cpath, c)
		return MultiPolygon{pg}, ok
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			fe.Add(cpath, "geo.coordinates_invalid")
			return nil, false
		}
		if len(c) == 0 {
			fe.Add(cpath, "geo.polygon_empty")
			return nil, false
		}
		mp := make(MultiPolygon, 0, len(c))
		for i, pc := range c {
			pg, ok := toPolygon(fe, fmt.Sprintf("%s[%d]", cpath, i), pc)
			if !ok {
				return nil, false
			}
			mp = append(mp, pg)
		}
		return mp, true
	}
	fe.Add(path+".type", "geo.geometry_unsupported", g.Type)
	return nil, false
}

func toPolygon(fe *okno.FieldErrors, path string, c [][][]float64) (Polygon, bool) {
	if len(c) == 0 {
		fe.Add(path, "geo.polygon_empty")
		return nil, false
	}
	pg := make(Polygon, 0, len(c))
	for i, rc := range c {
		rpath := fmt.Sprintf("%s[%d]", path, i)
		if len(rc) < 4 {
			fe.Add(rpath, "geo.ring_too_short")
			return nil, false
		}
		r := make(Ring, len(rc))
		for j, pc := range rc {
			// A third number (altitude) is allowed by GeoJSON and ignored.
			if len(pc) < 2 || !finite(pc[0]) || !finite(pc[1]) ||
				pc[0] < -180 || pc[0] > 180 || pc[1] < -90 || pc[1] > 90 {
				fe.Add(fmt.Sprintf("%s[%d]", rpath, j), "geo.position_invalid")
				return nil, false
			}
			r[j] = Point{Lon: pc[0], Lat: pc[1]}
		}
		if r[0] != r[len(r)-1] {
			fe.Add(rpath, "geo.ring_not_closed")
			return nil, false
		}
		pg = append(pg, r)
	}
	return pg, true
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func propString(props map[string]any, keys []string) string {
	for _, k := range keys {
		switch v := props[k].(type) {
		case string:
			if s := strings.TrimSpace(v); s != "" {
				return s
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}

func idString(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return propString(map[string]any{"id": v}, []string{"id"})
}

// GeoJSON returns the geometry as GeoJSON text: a Polygon when there is one
// polygon, else a MultiPolygon. The text is canonical (same shape, same
// bytes), which is what lets Import tell an unchanged territory.
func (mp MultiPolygon) GeoJSON() string {
	coords := make([][][][2]float64, len(mp))
	for i, pg := range mp {
		coords[i] = make([][][2]float64, len(pg))
		for j, r := range pg {
			coords[i][j] = make([][2]float64, len(r))
			for k, p := range r {
				coords[i][j][k] = [2]float64{p.Lon, p.Lat}
			}
		}
	}
	var v any = struct {
		Type        string           `json:"type"`
		Coordinates [][][][2]float64 `json:"coordinates"`
	}{"MultiPolygon", coords}
	if len(coords) == 1 {
		v = struct {
			Type        string         `json:"type"`
			Coordinates [][][2]float64 `json:"coordinates"`
		}{"Polygon", coords[0]}
	}
	var b bytes.Buffer
	// Encoding floats and fixed structs cannot fail.
	_ = json.NewEncoder(&b).Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// ParseGeometry reads one GeoJSON Polygon or MultiPolygon geometry, as stored
// in the territories table.
func ParseGeometry(text string) (MultiPolygon, error) {
	var g rawGeometry
	var fe okno.FieldErrors
	if err := json.Unmarshal([]byte(text), &g); err != nil {
		fe.Add("geometry", "geo.json_syntax")
		return nil, &okno.Error{Code: okno.EINVALID, Key: "error.invalid", Fields: fe, Err: err}
	}
	mp, ok := parseGeometry(&fe, "geometry", g)
	if !ok {
		return nil, fe.Err()
	}
	return mp, nil
}
