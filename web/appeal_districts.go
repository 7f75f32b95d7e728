package web

import (
	"encoding/json"
	"net/http"

	"github.com/okno/okno/geo"
)

// appealDistricts serves the districts' outlines as GeoJSON for the point
// picker: with no tile server configured they are the whole map, and
// they show where appeals are accepted. Public data, cached briefly.
func (s *Server) appealDistricts(w http.ResponseWriter, r *http.Request) error {
	type feature struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
		Geometry   map[string]any `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	if s.deps.Territories != nil {
		ts, err := s.deps.Territories.List(r.Context(), geo.ListQuery{Level: geo.LevelDistrict, Limit: maxDistricts})
		if err != nil {
			return err
		}
		for _, t := range ts {
			coords := make([][][][2]float64, 0, len(t.Geometry))
			for _, p := range t.Geometry {
				poly := make([][][2]float64, 0, len(p))
				for _, ring := range p {
					rr := make([][2]float64, 0, len(ring))
					for _, pt := range ring {
						rr = append(rr, [2]float64{pt.Lon, pt.Lat})
					}
					poly = append(poly, rr)
				}
				coords = append(coords, poly)
			}
			fc.Features = append(fc.Features, feature{Type: "Feature",
				Properties: map[string]any{"id": t.ID, "name": t.Name},
				Geometry:   map[string]any{"type": "MultiPolygon", "coordinates": coords}})
		}
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Content-Type", "application/geo+json")
	_, err = w.Write(b)
	return err
}
