package web

// appealAdminRoutes is written by the change that builds it.
func (s *Server) appealAdminRoutes() []Route { return nil }
