package web

// appealAPIRoutes are the appeals API under /api/v1. Filing, reading one,
// re-categorising and joining admit whoever can act through the API (keys,
// citizens, staff acting for an organisation): package appeal decides per
// appeal. The listing, the suggestion and the taxonomy are public data,
// for keys and signed-in people.
func (s *Server) appealAPIRoutes() []Route {
	tags := []string{"appeals"}
	idParam := []APIParam{{Name: "id", In: "path", Required: true, Schema: Schema{"type": "integer"}}}
	return []Route{
		{Method: "POST", Pattern: "/api/v1/appeals", Access: APIActor(), Handler: s.apiAppealCreate, MaxBody: apiAppealMaxBody, API: &APIDoc{
			Summary: "File an appeal about a local problem",
			Description: "The place is a point (lat and lon), or an address with territory_id, or both; when the point lies outside every territory, " +
				"territory_id names the district. Photos (up to 5, 10 MiB each, JPEG, PNG or WebP) go as base64. " +
				"A retry with the same Idempotency-Key returns the appeal the first request filed.",
			Tags: tags, Params: []APIParam{idempotencyParam}, Request: newAppealSchema, Response: appealSchema, Status: 201,
		}},
		{Method: "GET", Pattern: "/api/v1/appeals", Access: APIClient(), Handler: s.apiAppeals, API: &APIDoc{
			Summary: "Published appeals, as the public map shows them (keyset pages)", Tags: tags,
			Params: appealListParams, Response: pageSchema(appealSchema),
		}},
		{Method: "GET", Pattern: "/api/v1/appeals/suggest", Access: APIClient(), Handler: s.apiAppealSuggest, API: &APIDoc{
			Summary: "Reasons the classifier suggests for a text, likeliest first", Tags: tags,
			Description: "Reads the first 1000 characters; texts under 10 characters suggest nothing.",
			Params: []APIParam{
				{Name: "text", In: "query", Required: true, Schema: Schema{"type": "string"}},
				{Name: "k", In: "query", Description: "How many (1–10, default 3).", Schema: Schema{"type": "integer", "minimum": 1, "maximum": 10}},
			},
			Response: itemsSchema(suggestionSchema),
		}},
		{Method: "GET", Pattern: "/api/v1/appeals/{id}", Access: APIActor(), Handler: s.apiAppeal, API: &APIDoc{
			Summary: "One appeal, as the client may see it (the author, staff who see the case)", Tags: tags,
			Params: idParam, Response: appealSchema,
		}},
		{Method: "POST", Pattern: "/api/v1/appeals/{id}/recategorise", Access: APIActor(), Handler: s.apiAppealRecategorise, MaxBody: apiAppealJSONBody, API: &APIDoc{
			Summary:     "Change an appeal's reason (a timeline event), and its route when asked",
			Description: "A stale version is a 409 problem and changes nothing.",
			Tags:        tags, Params: idParam, Request: recategoriseSchema, Response: appealSchema,
		}},
		{Method: "POST", Pattern: "/api/v1/appeals/{id}/join", Access: Citizen(), Handler: s.apiAppealJoin, MaxBody: apiAppealJSONBody, API: &APIDoc{
			Summary: "Support an open appeal instead of filing a duplicate", Tags: tags, Params: idParam, Response: appealSchema,
		}},
		{Method: "GET", Pattern: "/api/v1/appeal-categories", Access: APIClient(), Handler: s.apiAppealCategories, API: &APIDoc{
			Summary: "The taxonomy: categories, their reasons and each reason's hint", Tags: tags,
			Response: itemsSchema(categorySchema),
		}},
	}
}
