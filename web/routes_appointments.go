package web

// appointmentRoutes are the routes of issue 6's appointments part (to be filled in).
func (s *Server) appointmentRoutes() []Route {
	return nil
}
