package web

// caseRoutes are the back office's case pages: inboxes, the case page,
// actions, bulk assignment, the supervisor's view.
func (s *Server) caseRoutes() []Route { return nil }
