package web

// ratingRoutes are the routes of issue 5's ratings part (to be filled in).
func (s *Server) ratingRoutes() []Route {
	return nil
}
