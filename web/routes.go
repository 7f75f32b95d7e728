package web

// routeTable declares every route of the server: method, pattern, who may
// use it, the handler, and for the API what OpenAPI says about it. Add new
// routes here and nowhere else; TestRouteTable checks each has an access
// rule, a handler, and API documentation when under /api/.
func (s *Server) routeTable() []Route {
	return []Route{
		// Pages.
		{Method: "GET", Pattern: "/{$}", Access: Public(), Handler: s.home},
		{Method: "GET", Pattern: "/design", Access: Public(), Handler: s.design},
		{Method: "POST", Pattern: "/design", Access: Public(), Handler: s.designSubmit},

		// Operations.
		{Method: "GET", Pattern: "/healthz", Access: Public(), Handler: s.healthz},
		{Method: "GET", Pattern: "/readyz", Access: Public(), Handler: s.readyz},
		{Method: "GET", Pattern: "/metrics", Access: Public(), Handler: s.metrics},
		{Method: "GET", Pattern: "/assets/{path...}", Access: Public(), Handler: s.serveAsset},

		// JSON API.
		{Method: "GET", Pattern: "/api/v1/openapi.json", Access: Public(), Handler: s.openAPI, API: &APIDoc{
			Summary:  "This API's OpenAPI 3.1 description",
			Tags:     []string{"meta"},
			Response: Schema{"type": "object", "description": "An OpenAPI 3.1 document."},
		}},
		{Method: "GET", Pattern: "/api/v1/whoami", Access: APIKeyAccess(), Handler: s.whoami, API: &APIDoc{
			Summary:  "Who the API key acts as",
			Tags:     []string{"meta"},
			Response: whoamiSchema,
		}},

		// Anything else: 404, as a page or as problem details under /api/.
		{Pattern: "/", Access: Public(), Handler: s.notFound},
	}
}
