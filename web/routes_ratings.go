package web

import "github.com/okno/okno"

// ratingRoutes are the quality ratings: the citizen's form after a result
// and its thank-you page, and the quality dashboard of the region and of
// service owners. Package rating decides who may rate (the applicant of a
// case with an outcome) and who sees which aggregates.
func (s *Server) ratingRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/cabinet/cases/{id}/rating", Access: Citizen(), Handler: s.ratingForm},
		{Method: "POST", Pattern: "/cabinet/cases/{id}/rating", Access: Citizen(), Handler: s.ratingSave},
		{Method: "GET", Pattern: "/cabinet/cases/{id}/rating/done", Access: Citizen(), Handler: s.ratingDone},
		{Method: "GET", Pattern: "/staff/quality", Access: StaffWith(okno.RoleSupervisor, okno.RoleController, okno.RoleAdmin, okno.RoleOwner),
			Handler: s.qualityDashboard},
	}
}
