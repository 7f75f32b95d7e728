package web

// ProcessAdmin is package process's door: published definitions and the schema.
type ProcessAdmin interface{}

// processRoutes serve process definitions and their JSON Schema.
func (s *Server) processRoutes() []Route { return nil }
