package geo

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

const twoDistricts = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":7,"properties":{"name":"Первый район"},
  "geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[3,3],[7,3],[7,7],[3,7],[3,3]]]}},
 {"type":"Feature","properties":{"NAME":"Второй район","code":"second"},
  "geometry":{"type":"MultiPolygon","coordinates":[[[[20,20,5],[21,20,5],[21,21,5],[20,21,5],[20,20,5]]],[[[30,30],[31,30],[31,31],[30,31],[30,30]]]]}}
]}`

func TestParseGeoJSON(t *testing.T) {
	got, err := ParseGeoJSON(strings.NewReader(twoDistricts), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := &FeatureCollection{Features: []Feature{
		{Name: "Первый район", Code: "7", Geometry: MultiPolygon{{square(0, 0, 10, 10), square(3, 3, 7, 7)}}},
		{Name: "Второй район", Code: "second", Geometry: MultiPolygon{{square(20, 20, 21, 21)}, {square(30, 30, 31, 31)}}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ParseGeoJSON (-want +got):\n%s", diff)
	}
}

func TestGeoJSONRoundTrip(t *testing.T) {
	fc, err := ParseGeoJSON(strings.NewReader(twoDistricts), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		text := f.Geometry.GeoJSON()
		got, err := ParseGeometry(text)
		if err != nil {
			t.Fatalf("ParseGeometry(%s): %v", text, err)
		}
		if diff := cmp.Diff(f.Geometry, got); diff != "" {
			t.Errorf("round trip of %s (-want +got):\n%s", f.Name, diff)
		}
	}
	if got, want := fc.Features[0].Geometry.GeoJSON()[:18], `{"type":"Polygon",`; got != want {
		t.Errorf("one polygon is written as %q…, want %q…", got, want)
	}
}

func TestParseGeoJSONRejects(t *testing.T) {
	poly := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`
	feature := func(props, geom string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":` + props + `,"geometry":` + geom + `}]}`
	}
	tests := []struct {
		name, doc string
		lim       Limits
		want      okno.FieldError
	}{
		{"not json", `{"type":`, Limits{}, okno.FieldError{Field: "geojson", Key: "geo.json_syntax"}},
		{"not a collection", `{"type":"Feature"}`, Limits{}, okno.FieldError{Field: "geojson.type", Key: "geo.not_feature_collection"}},
		{"no features", `{"type":"FeatureCollection","features":[]}`, Limits{}, okno.FieldError{Field: "geojson.features", Key: "geo.no_features"}},
		{"no name", feature(`{"x":1}`, poly), Limits{}, okno.FieldError{Field: "features[0].properties.name", Key: "geo.name_missing"}},
		{"no geometry", feature(`{"name":"a"}`, `null`), Limits{}, okno.FieldError{Field: "features[0].geometry", Key: "geo.geometry_missing"}},
		{"point", feature(`{"name":"a"}`, `{"type":"Point","coordinates":[1,2]}`), Limits{},
			okno.FieldError{Field: "features[0].geometry.type", Key: "geo.geometry_unsupported", Args: []any{"Point"}}},
		{"ring too short", feature(`{"name":"a"}`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`), Limits{},
			okno.FieldError{Field: "features[0].geometry.coordinates[0]", Key: "geo.ring_too_short"}},
		{"ring not closed", feature(`{"name":"a"}`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`), Limits{},
			okno.FieldError{Field: "features[0].geometry.coordinates[0]", Key: "geo.ring_not_closed"}},
		{"latitude out of range", feature(`{"name":"a"}`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}`), Limits{},
			okno.FieldError{Field: "features[0].geometry.coordinates[0][2]", Key: "geo.position_invalid"}},
		{"coordinates not numbers", feature(`{"name":"a"}`, `{"type":"Polygon","coordinates":[["x"]]}`), Limits{},
			okno.FieldError{Field: "features[0].geometry.coordinates", Key: "geo.coordinates_invalid"}},
		{"hole in a multipolygon", feature(`{"name":"a"}`, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0,0]]]]}`), Limits{},
			okno.FieldError{Field: "features[0].geometry.coordinates[0][1]", Key: "geo.ring_too_short"}},
		{"too large", twoDistricts, Limits{MaxBytes: 100}, okno.FieldError{Field: "geojson", Key: "geo.too_large", Args: []any{int64(100)}}},
		{"too many features", twoDistricts, Limits{MaxFeatures: 1}, okno.FieldError{Field: "geojson.features", Key: "geo.too_many_features", Args: []any{1}}},
		{"too many vertices", twoDistricts, Limits{MaxVertices: 12}, okno.FieldError{Field: "features[1].geometry", Key: "geo.too_many_vertices", Args: []any{12}}},
		{"duplicate name", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":` + poly +
			`},{"type":"Feature","properties":{"name":"a"},"geometry":` + poly + `}]}`, Limits{},
			okno.FieldError{Field: "features[1].properties.name", Key: "geo.name_duplicate", Args: []any{"a", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc, err := ParseGeoJSON(strings.NewReader(tt.doc), tt.lim)
			if fc != nil {
				t.Errorf("got a collection with an error: %+v", fc)
			}
			var e *okno.Error
			if !errors.As(err, &e) || e.Code != okno.EINVALID {
				t.Fatalf("err = %v, want an EINVALID *okno.Error", err)
			}
			if diff := cmp.Diff([]okno.FieldError{tt.want}, e.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseGeoJSON checks that no input panics or returns both a collection
// and an error, and that whatever is accepted is within limits and writes
// back to GeoJSON that parses to the same shape.
func FuzzParseGeoJSON(f *testing.F) {
	f.Add([]byte(twoDistricts))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":1e400}}]}`))
	lim := Limits{MaxBytes: 1 << 16, MaxFeatures: 20, MaxVertices: 1000}
	f.Fuzz(func(t *testing.T, data []byte) {
		fc, err := ParseGeoJSON(strings.NewReader(string(data)), lim)
		if err != nil {
			if fc != nil {
				t.Fatalf("both a collection and an error: %v", err)
			}
			if okno.ErrorCodeOf(err) != okno.EINVALID {
				t.Fatalf("error code %q, want invalid: %v", okno.ErrorCodeOf(err), err)
			}
			return
		}
		if len(fc.Features) == 0 || len(fc.Features) > lim.MaxFeatures {
			t.Fatalf("%d features accepted", len(fc.Features))
		}
		n := 0
		for _, ft := range fc.Features {
			n += ft.Geometry.Vertices()
			back, err := ParseGeometry(ft.Geometry.GeoJSON())
			if err != nil {
				t.Fatalf("written geometry does not parse: %v", err)
			}
			if diff := cmp.Diff(ft.Geometry, back); diff != "" {
				t.Fatalf("round trip (-want +got):\n%s", diff)
			}
		}
		if n > lim.MaxVertices {
			t.Fatalf("%d vertices accepted, limit %d", n, lim.MaxVertices)
		}
	})
}
