package web

// CalendarAdmin is package calendar's door for administrators.
type CalendarAdmin interface{}

// calendarRoutes are the production calendar's pages and API.
func (s *Server) calendarRoutes() []Route { return nil }
