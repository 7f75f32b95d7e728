package web

// Webhooks is notify's door for webhook subscriptions.
type Webhooks interface{}

// webhookRoutes are the webhook subscription API.
func (s *Server) webhookRoutes() []Route { return nil }
