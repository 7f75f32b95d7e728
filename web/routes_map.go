package web

// mapRoutes is written by the change that builds it.
func (s *Server) mapRoutes() []Route { return nil }
