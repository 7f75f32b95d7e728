package web

// Bounds of the catalogue's live search: a burst of catalogSearchBurst
// requests per person (or address), refilled at catalogSearchRate a
// second — enough for anyone typing, too little to scrape with.
const (
	catalogSearchBurst      = 60
	catalogSearchRate       = 4
	catalogSearchMaxClients = 100_000
)

// catalogRoutes are the service catalogue: the list with search and
// filters (and its live-search fragment), service cards with the
// responsible person's photo, life situations, agency cards, and the
// catalogue API. All are public: the catalogue is public information;
// applying (/services/{code}/apply) and instant answers are other files'.
func (s *Server) catalogRoutes() []Route {
	lim := newTextLimiter(catalogSearchBurst, catalogSearchRate, catalogSearchMaxClients)
	tags := []string{"catalogue"}
	return []Route{
		{Method: "GET", Pattern: "/services", Access: Public(), Handler: s.catalogList},
		{Method: "GET", Pattern: "/services/search", Access: Public(), Handler: s.catalogSearch(lim)},
		{Method: "GET", Pattern: "/services/{code}", Access: Public(), Handler: s.catalogService},
		{Method: "GET", Pattern: "/services/{code}/owner-photo", Access: Public(), Handler: s.catalogOwnerPhoto},
		{Method: "GET", Pattern: "/situations/{code}", Access: Public(), Handler: s.catalogSituation},
		{Method: "GET", Pattern: "/agencies", Access: Public(), Handler: s.catalogAgencies},
		{Method: "GET", Pattern: "/agencies/{id}", Access: Public(), Handler: s.catalogAgency},
		{Method: "GET", Pattern: "/api/v1/services", Access: Public(), Handler: s.apiServices(lim), API: &APIDoc{
			Summary: "Published services: a list by title, or search results when q is given",
			Description: "Without q, keyset pages in title order (next is the cursor for ?after=). With q, the best matches first " +
				"(Russian word forms, ё/е, typos, the wrong keyboard layout, synonyms), at most limit, unpaged; " +
				"a q of more than 10 words or 400 bytes is a 400 problem. Filters narrow both.",
			Tags: tags, Params: serviceListParams, Response: pageSchema(serviceSummarySchema),
		}},
		{Method: "GET", Pattern: "/api/v1/services/{code}", Access: Public(), Handler: s.apiService, API: &APIDoc{
			Summary:     "A published service's card, with its form declaration (JSON Schema and layout) and offices",
			Description: "Texts are objects by language (ru always, en when written); show them as text, never as HTML.",
			Tags:        tags, Params: []APIParam{{Name: "code", In: "path", Required: true, Schema: Schema{"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{1,63}$"}}},
			Response: serviceSchema,
		}},
	}
}
