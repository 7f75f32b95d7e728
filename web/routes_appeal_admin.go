package web

import "github.com/okno/okno"

// appealAdminRoutes are the region administrators' pages of the feedback
// platform: the routing table (in force, its history, setting and ending
// rules) and the taxonomy's settings (legal periods, canned replies). The
// rule admits administrators; the handlers admit region administrators
// only (Organisations.CanAdministerRegion), answering 403 to the others,
// and package appeal checks again.
func (s *Server) appealAdminRoutes() []Route {
	admin := StaffWith(okno.RoleAdmin)
	return []Route{
		{Method: "GET", Pattern: "/admin/appeals/routes", Access: admin, Handler: s.adminAppealRoutes},
		{Method: "POST", Pattern: "/admin/appeals/routes", Access: admin, Handler: s.adminAppealRouteSet},
		{Method: "POST", Pattern: "/admin/appeals/routes/{id}/end", Access: admin, Handler: s.adminAppealRouteEnd},
		{Method: "GET", Pattern: "/admin/appeals/routes/history", Access: admin, Handler: s.adminAppealRouteHistory},
		{Method: "GET", Pattern: "/admin/appeals/categories", Access: admin, Handler: s.adminAppealCategories},
		{Method: "POST", Pattern: "/admin/appeals/categories/period", Access: admin, Handler: s.adminAppealPeriodSet},
		{Method: "GET", Pattern: "/admin/appeals/reasons/{id}/replies", Access: admin, Handler: s.adminAppealReplies},
		{Method: "POST", Pattern: "/admin/appeals/reasons/{id}/replies", Access: admin, Handler: s.adminAppealRepliesSet},
	}
}
