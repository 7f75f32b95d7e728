package web

import (
	"github.com/okno/okno"
	"github.com/okno/okno/geo"
)

// routeTable declares every route of the server: method, pattern, who may
// use it, the handler, and for the API what OpenAPI says about it. Add new
// routes here and nowhere else; TestRouteTable checks each has an access
// rule, a handler, and API documentation when under /api/.
func (s *Server) routeTable() []Route {
	routes := []Route{
		// Pages.
		{Method: "GET", Pattern: "/{$}", Access: Public(), Handler: s.home},
		{Method: "GET", Pattern: "/design", Access: Public(), Handler: s.design},
		{Method: "POST", Pattern: "/design", Access: Public(), Handler: s.designSubmit},

		// Citizens: the way in.
		{Method: "GET", Pattern: "/signup", Access: AnonymousOnly(), Handler: s.signup},
		{Method: "POST", Pattern: "/signup", Access: AnonymousOnly(), Handler: s.signupSubmit},
		{Method: "GET", Pattern: "/confirm", Access: AnonymousOnly(), Handler: s.confirm},
		{Method: "POST", Pattern: "/confirm", Access: AnonymousOnly(), Handler: s.confirmSubmit},
		{Method: "POST", Pattern: "/confirm/resend", Access: AnonymousOnly(), Handler: s.confirmResend},
		{Method: "GET", Pattern: "/signin", Access: AnonymousOnly(), Handler: s.signin},
		{Method: "POST", Pattern: "/signin", Access: AnonymousOnly(), Handler: s.signinSubmit},
		// Signing out with no session is harmless, and a stale page's
		// button must still work.
		{Method: "POST", Pattern: "/signout", Access: Public(), Handler: s.signout},

		// The citizen's cabinet.
		{Method: "GET", Pattern: "/cabinet", Access: Citizen(), Handler: s.cabinet},
		{Method: "GET", Pattern: "/cabinet/notifications", Access: Citizen(), Handler: s.notifications},
		{Method: "POST", Pattern: "/cabinet/notifications/{id}/read", Access: Citizen(), Handler: s.notificationRead},
		{Method: "GET", Pattern: "/cabinet/password", Access: Citizen(), Handler: s.password},
		{Method: "POST", Pattern: "/cabinet/password", Access: Citizen(), Handler: s.passwordSubmit},
		{Method: "GET", Pattern: "/cabinet/level/check", Access: Citizen(), Handler: s.levelCheck},
		{Method: "POST", Pattern: "/cabinet/level/check", Access: Citizen(), Handler: s.levelCheckSubmit},
		{Method: "GET", Pattern: "/cabinet/level/done", Access: Citizen(), Handler: s.levelDone},
		{Method: "GET", Pattern: "/cabinet/level/post", Access: CitizenAssured(AssuranceStandard), Handler: s.levelPost},
		{Method: "POST", Pattern: "/cabinet/level/post", Access: CitizenAssured(AssuranceStandard), Handler: s.levelPostRequest},
		{Method: "POST", Pattern: "/cabinet/level/post/code", Access: CitizenAssured(AssuranceStandard), Handler: s.levelPostCode},

		// The back office.
		{Method: "GET", Pattern: staffSignInPath, Access: AnonymousOnly(), Handler: s.staffSignin},
		{Method: "POST", Pattern: staffSignInPath, Access: AnonymousOnly(), Handler: s.staffSigninSubmit},
		{Method: "GET", Pattern: "/staff", Access: StaffSignedIn(), Handler: s.staffHome},
		{Method: "POST", Pattern: "/staff/organisation", Access: StaffSignedIn(), Handler: s.staffSelectOrganisation},
		{Method: "GET", Pattern: "/staff/citizens", Access: StaffWith(okno.RoleOperator), Handler: s.staffCitizens},
		{Method: "POST", Pattern: "/staff/citizens/{id}/confirm", Access: StaffWith(okno.RoleOperator), Handler: s.staffCitizenConfirm},

		// Administration. The rule admits administrators; which
		// organisations each may manage, org.CanAdminister decides in the
		// handlers.
		{Method: "GET", Pattern: "/admin/organisations", Access: StaffWith(okno.RoleAdmin), Handler: s.adminOrgs},
		{Method: "POST", Pattern: "/admin/organisations", Access: StaffWith(okno.RoleAdmin), Handler: s.adminOrgCreate},
		{Method: "GET", Pattern: "/admin/organisations/new", Access: StaffWith(okno.RoleAdmin), Handler: s.adminOrgNew},
		{Method: "GET", Pattern: "/admin/organisations/{id}", Access: StaffWith(okno.RoleAdmin), Handler: s.adminOrg},
		{Method: "POST", Pattern: "/admin/organisations/{id}", Access: StaffWith(okno.RoleAdmin), Handler: s.adminOrgUpdate},
		{Method: "GET", Pattern: "/admin/organisations/{id}/edit", Access: StaffWith(okno.RoleAdmin), Handler: s.adminOrgEdit},
		{Method: "GET", Pattern: "/admin/territories", Access: StaffWith(okno.RoleAdmin), Handler: s.adminTerritories},
		{Method: "POST", Pattern: "/admin/territories", Access: StaffWith(okno.RoleAdmin), Handler: s.adminTerritoriesImport, MaxBody: 20 << 20},
		{Method: "GET", Pattern: "/admin/staff", Access: StaffWith(okno.RoleAdmin), Handler: s.adminStaff},
		{Method: "POST", Pattern: "/admin/staff", Access: StaffWith(okno.RoleAdmin), Handler: s.adminStaffCreate},
		{Method: "POST", Pattern: "/admin/api-keys", Access: StaffWith(okno.RoleAdmin), Handler: s.adminKeyCreate},
		{Method: "POST", Pattern: "/admin/api-keys/{id}/revoke", Access: StaffWith(okno.RoleAdmin), Handler: s.adminKeyRevoke},

		// Operations.
		{Method: "GET", Pattern: "/healthz", Access: Public(), Handler: s.healthz},
		{Method: "GET", Pattern: "/readyz", Access: Public(), Handler: s.readyz},
		{Method: "GET", Pattern: "/metrics", Access: Public(), Handler: s.metrics},
		{Method: "GET", Pattern: "/assets/{path...}", Access: Public(), Handler: s.serveAsset},

		// JSON API.
		{Method: "GET", Pattern: "/api/v1/openapi.json", Access: Public(), Handler: s.openAPI, API: &APIDoc{
			Summary:  "This API's OpenAPI 3.1 description",
			Tags:     []string{"meta"},
			Response: Schema{"type": "object", "description": "An OpenAPI 3.1 document."},
		}},
		{Method: "GET", Pattern: "/api/v1/whoami", Access: APIKeyAccess(), Handler: s.whoami, API: &APIDoc{
			Summary:  "Who the API key acts as",
			Tags:     []string{"meta"},
			Response: whoamiSchema,
		}},

		{Method: "GET", Pattern: "/api/v1/organisations", Access: APIClient(), Handler: s.apiOrganisations, API: &APIDoc{
			Summary: "Organisations, by id (keyset pages)", Tags: []string{"organisations"}, Params: pageParams, Response: pageSchema(orgSchema),
		}},
		{Method: "GET", Pattern: "/api/v1/organisations/{id}", Access: APIClient(), Handler: s.apiOrganisation, API: &APIDoc{
			Summary: "One organisation", Tags: []string{"organisations"}, Response: orgSchema,
			Params: []APIParam{{Name: "id", In: "path", Required: true, Schema: Schema{"type": "integer"}}},
		}},
		{Method: "GET", Pattern: "/api/v1/territories", Access: APIClient(), Handler: s.apiTerritories, API: &APIDoc{
			Summary: "Territories, by id (keyset pages)", Tags: []string{"territories"}, Response: pageSchema(territorySchema),
			Params: append([]APIParam{{Name: "level", In: "query", Description: "Only this level.", Schema: Schema{"type": "string", "enum": geo.Levels}}}, pageParams...),
		}},
		{Method: "GET", Pattern: "/api/v1/territories/lookup", Access: APIClient(), Handler: s.apiTerritoryLookup, API: &APIDoc{
			Summary: "Territories holding a point, widest first", Tags: []string{"territories"},
			Response: Schema{"type": "object", "required": []string{"items"}, "properties": Schema{"items": Schema{"type": "array", "items": territorySchema}}},
			Params: []APIParam{
				{Name: "lat", In: "query", Required: true, Description: "Latitude, WGS84 degrees.", Schema: Schema{"type": "number", "minimum": -90, "maximum": 90}},
				{Name: "lon", In: "query", Required: true, Description: "Longitude, WGS84 degrees.", Schema: Schema{"type": "number", "minimum": -180, "maximum": 180}},
			},
		}},

		// Anything else: 404, as a page or as problem details under /api/.
		{Pattern: "/", Access: Public(), Handler: s.notFound},
	}
	routes = append(routes, s.levelRoutes()...)
	routes = append(routes, s.caseRoutes()...)         // the back office: routes_cases.go
	routes = append(routes, s.citizenCaseRoutes()...)  // my cases: routes_citizen_cases.go
	routes = append(routes, s.caseAPIRoutes()...)      // the case API: routes_api_cases.go
	routes = append(routes, s.calendarRoutes()...)     // routes_calendar.go
	routes = append(routes, s.processRoutes()...)      // routes_process.go
	routes = append(routes, s.webhookRoutes()...)      // routes_webhooks.go
	routes = append(routes, s.appealRoutes()...)       // submitting and working appeals: routes_appeals.go
	routes = append(routes, s.appealAdminRoutes()...)  // the routing table and taxonomy: routes_appeal_admin.go
	routes = append(routes, s.appealAPIRoutes()...)    // the appeals API: routes_api_appeals.go
	routes = append(routes, s.mapRoutes()...)          // the public map and pages: routes_map.go
	routes = append(routes, s.open311Routes()...)      // Open311 GeoReport v2: routes_open311.go
	routes = append(routes, s.analyticsRoutes()...)    // analytics for the region: routes_analytics.go
	routes = append(routes, s.catalogRoutes()...)      // the service catalogue and search: routes_catalog.go
	routes = append(routes, s.applyRoutes()...)        // applying for a service, drafts, my applications: routes_apply.go
	routes = append(routes, s.instantRoutes()...)      // instant services: routes_instant.go
	routes = append(routes, s.complaintRoutes()...)    // pre-trial complaints: routes_complaints.go
	routes = append(routes, s.ratingRoutes()...)       // quality ratings and their dashboards: routes_ratings.go
	routes = append(routes, s.paymentRoutes()...)      // fines and payments for citizens, the provider's notifications: routes_payments.go
	routes = append(routes, s.paymentAdminRoutes()...) // accruals, payments, refunds, reconciliation: routes_backoffice_payments.go
	routes = append(routes, s.appointmentRoutes()...)  // booking visits, queues, schedules: routes_appointments.go
	if s.cfg.DemoMailbox {
		// Anyone may read it: that is what makes it a demo. It never
		// exists in a production route table.
		routes = append(routes, Route{Method: "GET", Pattern: "/demo/mailbox", Access: Public(), Handler: s.demoMailbox})
	}
	return routes
}
