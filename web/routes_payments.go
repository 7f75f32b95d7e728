package web

// paymentRoutes are the routes of issue 6's payments part (to be filled in).
func (s *Server) paymentRoutes() []Route {
	return nil
}
