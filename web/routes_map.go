package web

// mapRoutes are the public side of appeals: the map and its list, the
// map's GeoJSON, an appeal's public page and the responsiveness of bodies.
// All are public: they show published appeals without personal data
// (package appeal's public.go decides what that is). Joining an appeal
// (POST /appeals/{id}/join) is routes_appeals.go's.
func (s *Server) mapRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/map", Access: Public(), Handler: s.publicMap},
		{Method: "GET", Pattern: "/appeals/{id}", Access: Public(), Handler: s.appealPublic},
		{Method: "GET", Pattern: "/responsiveness", Access: Public(), Handler: s.responsiveness},
		{Method: "GET", Pattern: "/api/v1/map/appeals", Access: Public(), Handler: s.apiMapAppeals, API: &APIDoc{
			Summary: "Published appeals on the map, as GeoJSON",
			Description: "Clusters (a grid about 64 pixels across) below zoom 15, appeals from zoom 15 on, within bbox and the filters. " +
				"No personal data: the author is never named. Texts are excerpts; show them as text, never as HTML.",
			Tags: []string{"map"}, Params: mapAPIParams, Response: mapAppealsSchema,
		}},
		{Method: "GET", Pattern: "/api/v1/map/districts", Access: Public(), Handler: s.apiMapDistricts, API: &APIDoc{
			Summary:     "District outlines, simplified, as GeoJSON",
			Description: "The map's background when no tile server is configured.",
			Tags:        []string{"map"}, Response: mapDistrictsSchema,
		}},
	}
}
