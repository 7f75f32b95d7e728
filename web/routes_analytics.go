package web

import "github.com/okno/okno"

// analyticsRoutes are the region's analytics of appeals: the dashboard
// (density by district and category, charts, the choropleth), groups of
// near-duplicates, spikes, the efficiency of organisations, the project
// map of initiatives, and exports.
//
// The rule admits supervisors, controlling bodies and administrators;
// what each sees, package appeal decides (appeal.AnalyticsScope): the
// region government's staff the whole region, the others their
// organisation's subtree and the territories it serves. An initiative or
// group outside that is 404.
func (s *Server) analyticsRoutes() []Route {
	who := StaffWith(okno.RoleSupervisor, okno.RoleController, okno.RoleAdmin)
	return []Route{
		{Method: "GET", Pattern: "/analytics", Access: who, Handler: s.analyticsDashboard},
		{Method: "GET", Pattern: "/analytics/groups", Access: who, Handler: s.analyticsGroups},
		{Method: "GET", Pattern: "/analytics/groups/{id}", Access: who, Handler: s.analyticsGroup},
		{Method: "GET", Pattern: "/analytics/spikes", Access: who, Handler: s.analyticsSpikes},
		{Method: "GET", Pattern: "/analytics/efficiency", Access: who, Handler: s.analyticsEfficiency},
		{Method: "GET", Pattern: "/analytics/initiatives", Access: who, Handler: s.analyticsInitiatives},
		{Method: "POST", Pattern: "/analytics/initiatives", Access: who, Handler: s.analyticsInitiativeCreate},
		{Method: "POST", Pattern: "/analytics/initiatives/{id}/status", Access: who, Handler: s.analyticsInitiativeStatus},
		{Method: "GET", Pattern: "/analytics/export.csv", Access: who, Handler: s.analyticsExportCSV},
		{Method: "GET", Pattern: "/analytics/export.xlsx", Access: who, Handler: s.analyticsExportXLSX},
	}
}
