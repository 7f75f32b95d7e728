package web

// complaintRoutes are the pre-trial complaint pages: the citizen files a
// complaint about one of their cases and gets its confirmation. Package
// complaint decides who may (the case's applicant; no complaint about a
// complaint) and the case engine who sees what, so other citizens get 404.
func (s *Server) complaintRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/cabinet/cases/{id}/complaint", Access: Citizen(), Handler: s.complaintForm},
		{Method: "POST", Pattern: "/cabinet/cases/{id}/complaint", Access: Citizen(), Handler: s.complaintFile},
		{Method: "GET", Pattern: "/cabinet/complaints/{id}", Access: Citizen(), Handler: s.complaintSent},
	}
}
