package web

// appealRoutes is written by the change that builds it.
func (s *Server) appealRoutes() []Route { return nil }
