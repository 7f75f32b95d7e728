package web

// instantRoutes are the routes of issue 5's instant part (to be filled in).
func (s *Server) instantRoutes() []Route {
	return nil
}
