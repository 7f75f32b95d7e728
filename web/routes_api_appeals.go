package web

// appealAPIRoutes is written by the change that builds it.
func (s *Server) appealAPIRoutes() []Route { return nil }
