package web

// ChannelPrefs is notify's door for the channels a citizen chose.
type ChannelPrefs interface{}

// citizenCaseRoutes are the citizen's "my cases" pages.
func (s *Server) citizenCaseRoutes() []Route { return nil }
