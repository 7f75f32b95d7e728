package web

// applyRoutes are the routes of issue 5's apply part (to be filled in).
func (s *Server) applyRoutes() []Route {
	return nil
}
