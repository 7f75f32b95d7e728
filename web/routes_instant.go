package web

// instantRoutes are the instant services' pages: the form, the result
// (a certificate to print when it is one), and the citizen's history of
// them. Each service's own assurance level is checked by package instant
// (the page then explains how to raise one's level); which request each
// citizen may see, package instant decides too.
func (s *Server) instantRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/services/{code}/instant", Access: Citizen(), Handler: s.instantForm},
		{Method: "POST", Pattern: "/services/{code}/instant", Access: Citizen(), Handler: s.instantRun},
		{Method: "GET", Pattern: "/cabinet/instant", Access: Citizen(), Handler: s.instantHistory},
		{Method: "GET", Pattern: "/cabinet/instant/{id}", Access: Citizen(), Handler: s.instantResult},
	}
}
