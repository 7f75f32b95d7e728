package web

import "github.com/okno/okno"

// Bounds of the suggestion's rate limit: a burst of suggestBurst tokens
// per person (or address), refilled at suggestRate a second; a request
// costs one token and one more per 200 characters of its text.
const (
	suggestBurst      = 60
	suggestRate       = 2
	suggestMaxClients = 100_000
)

// appealRoutes are the pages that file appeals and work them: the
// citizen's form (check step, photos, confirmation), joining an appeal
// nearby instead of filing a duplicate, the suggestion as the citizen
// types, the operator's form for a caller, and re-categorisation from the
// case page. Which appeal each may see or change, package appeal decides.
func (s *Server) appealRoutes() []Route {
	lim := newTextLimiter(suggestBurst, suggestRate, suggestMaxClients)
	operator := StaffWith(okno.RoleOperator)
	work := StaffWith(okno.RoleOfficial, okno.RoleSupervisor, okno.RoleOperator, okno.RoleController, okno.RoleAdmin)
	return []Route{
		{Method: "GET", Pattern: "/appeals/new", Access: Citizen(), Handler: s.appealNew(citizenFlow)},
		// The check step's "change" button sends the form with its photos
		// input, so both steps accept a body with files.
		{Method: "POST", Pattern: "/appeals/new", Access: Citizen(), Handler: s.appealCheckStep(citizenFlow), MaxBody: caseUploadMaxBody},
		{Method: "POST", Pattern: "/appeals", Access: Citizen(), Handler: s.appealSend(citizenFlow), MaxBody: caseUploadMaxBody},
		{Method: "GET", Pattern: "/appeals/{id}/sent", Access: Citizen(), Handler: s.appealSent(citizenFlow)},
		{Method: "POST", Pattern: "/appeals/{id}/join", Access: Citizen(), Handler: s.appealJoin},
		{Method: "GET", Pattern: "/appeals/{id}/joined", Access: Citizen(), Handler: s.appealJoined},
		{Method: "GET", Pattern: "/appeals/suggest", Access: Public(), Handler: s.appealSuggest(lim)},
		{Method: "GET", Pattern: "/appeals/districts.geojson", Access: Public(), Handler: s.appealDistricts},

		{Method: "GET", Pattern: "/staff/appeals/new", Access: operator, Handler: s.appealNew(operatorFlow)},
		{Method: "POST", Pattern: "/staff/appeals/new", Access: operator, Handler: s.appealCheckStep(operatorFlow), MaxBody: caseUploadMaxBody},
		{Method: "POST", Pattern: "/staff/appeals", Access: operator, Handler: s.appealSend(operatorFlow), MaxBody: caseUploadMaxBody},
		{Method: "GET", Pattern: "/staff/appeals/{id}/sent", Access: operator, Handler: s.appealSent(operatorFlow)},
		{Method: "POST", Pattern: "/staff/appeals/{id}/recategorise", Access: work, Handler: s.staffAppealRecategorise},
	}
}
