package web

// caseAPIRoutes are the case API under /api/v1.
func (s *Server) caseAPIRoutes() []Route { return nil }
