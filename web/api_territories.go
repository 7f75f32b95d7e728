package web

import (
	"net/http"
	"strconv"

	"github.com/okno/okno/geo"
)

// territoryJSON is a territory in the API, without its shape: shapes are
// large, and clients that draw maps take them from the GeoJSON they were
// loaded from.
type territoryJSON struct {
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	Level    geo.Level `json:"level"`
	ParentID int64     `json:"parent_id,omitempty"`
	Code     string    `json:"code,omitempty"`
	BBox     []float64 `json:"bbox"` // [min lon, min lat, max lon, max lat], as GeoJSON writes it
}

func toTerritoryJSON(t geo.Territory) territoryJSON {
	return territoryJSON{ID: t.ID, Name: t.Name, Level: t.Level, ParentID: t.ParentID, Code: t.Code,
		BBox: []float64{t.BBox.MinLon, t.BBox.MinLat, t.BBox.MaxLon, t.BBox.MaxLat}}
}

var territorySchema = Schema{
	"type":     "object",
	"required": []string{"id", "name", "level", "bbox"},
	"properties": Schema{
		"id": Schema{"type": "integer"}, "name": Schema{"type": "string"},
		"level":     Schema{"type": "string", "enum": geo.Levels},
		"parent_id": Schema{"type": "integer"}, "code": Schema{"type": "string"},
		"bbox": Schema{"type": "array", "items": Schema{"type": "number"}, "minItems": 4, "maxItems": 4},
	},
}

// apiTerritories pages through territories, optionally of one level.
func (s *Server) apiTerritories(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := parsePage(r.URL.Query())
	if err != nil {
		return err
	}
	ts, err := s.deps.Territories.List(r.Context(), geo.ListQuery{Level: geo.Level(r.URL.Query().Get("level")), AfterID: after, Limit: limit})
	if err != nil {
		return err
	}
	p := page[territoryJSON]{Items: make([]territoryJSON, len(ts))}
	for i, t := range ts {
		p.Items[i] = toTerritoryJSON(t)
	}
	if len(ts) == limit {
		p.Next = strconv.FormatInt(ts[len(ts)-1].ID, 10)
	}
	return writeJSON(w, http.StatusOK, p)
}

// apiTerritoryLookup returns the territories holding a point, widest first.
func (s *Server) apiTerritoryLookup(w http.ResponseWriter, r *http.Request) error {
	lat, lon, err := parsePoint(r.URL.Query())
	if err != nil {
		return err
	}
	ts, err := s.deps.Territories.Lookup(r.Context(), lat, lon)
	if err != nil {
		return err
	}
	out := struct {
		Items []territoryJSON `json:"items"`
	}{Items: make([]territoryJSON, len(ts))}
	for i, t := range ts {
		out.Items[i] = toTerritoryJSON(t)
	}
	return writeJSON(w, http.StatusOK, out)
}
