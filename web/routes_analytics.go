package web

// analyticsRoutes is written by the change that builds it.
func (s *Server) analyticsRoutes() []Route { return nil }
