package web

// paymentAdminRoutes are the routes of issue 6's backoffice_payments part (to be filled in).
func (s *Server) paymentAdminRoutes() []Route {
	return nil
}
