package web

// complaintRoutes are the routes of issue 5's complaints part (to be filled in).
func (s *Server) complaintRoutes() []Route {
	return nil
}
