package web

// catalogRoutes are the routes of issue 5's catalog part (to be filled in).
func (s *Server) catalogRoutes() []Route {
	return nil
}
