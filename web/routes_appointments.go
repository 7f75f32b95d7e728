package web

import "github.com/okno/okno"

// apptStaffRoles receive visitors or run an office: they see its queue.
var apptStaffRoles = []okno.Role{okno.RoleOperator, okno.RoleOfficial, okno.RoleSupervisor, okno.RoleAdmin}

// appointmentRoutes are booking visits to offices (issue 6): the citizen's
// booking pages and «Записи на приём», the office's queue for its staff,
// the schedule for administrators, and the API. Package appointment
// decides per booking and office: another citizen's booking is not found
// (404), another organisation's queue is refused (403).
func (s *Server) appointmentRoutes() []Route {
	tags := []string{"appointments"}
	id := APIParam{Name: "id", In: "path", Required: true, Description: "The office's ID.", Schema: Schema{"type": "integer", "minimum": 1}}
	slot := Schema{"type": "object", "required": []string{"start", "end", "free"}, "properties": Schema{
		"start": Schema{"type": "string", "format": "date-time"}, "end": Schema{"type": "string", "format": "date-time"},
		"free": Schema{"type": "integer", "description": "Desks free at that time."}}}
	booking := Schema{"type": "object", "required": []string{"id", "office_id", "service_id", "desk", "start", "end", "status", "version"},
		"properties": Schema{"id": Schema{"type": "integer"}, "office_id": Schema{"type": "integer"}, "service_id": Schema{"type": "integer"},
			"case_id": Schema{"type": "integer"}, "desk": Schema{"type": "integer"}, "start": Schema{"type": "string", "format": "date-time"},
			"end": Schema{"type": "string", "format": "date-time"}, "status": Schema{"type": "string", "enum": []string{"booked", "cancelled"}},
			"version": Schema{"type": "integer"}}}
	return []Route{
		{Method: "GET", Pattern: "/services/{code}/appointment", Access: Public(), Handler: s.appointmentBook},
		{Method: "POST", Pattern: "/services/{code}/appointment", Access: Citizen(), Handler: s.appointmentBookPost},
		{Method: "GET", Pattern: "/cabinet/appointments", Access: Citizen(), Handler: s.appointmentMine},
		{Method: "GET", Pattern: "/cabinet/appointments/{id}", Access: Citizen(), Handler: s.appointmentShow},
		{Method: "GET", Pattern: "/cabinet/appointments/{id}/move", Access: Citizen(), Handler: s.appointmentMoveForm},
		{Method: "POST", Pattern: "/cabinet/appointments/{id}/move", Access: Citizen(), Handler: s.appointmentMove},
		{Method: "GET", Pattern: "/cabinet/appointments/{id}/cancel", Access: Citizen(), Handler: s.appointmentCancelForm},
		{Method: "POST", Pattern: "/cabinet/appointments/{id}/cancel", Access: Citizen(), Handler: s.appointmentCancel},
		{Method: "GET", Pattern: "/staff/offices", Access: StaffWith(apptStaffRoles...), Handler: s.appointmentOffices},
		{Method: "GET", Pattern: "/staff/offices/{id}/queue", Access: StaffWith(apptStaffRoles...), Handler: s.appointmentQueue},
		{Method: "GET", Pattern: "/admin/offices/{id}/schedule", Access: StaffWith(okno.RoleAdmin), Handler: s.appointmentSchedule},
		{Method: "POST", Pattern: "/admin/offices/{id}/schedule", Access: StaffWith(okno.RoleAdmin), Handler: s.appointmentScheduleSave},
		{Method: "GET", Pattern: "/api/v1/offices/{id}/slots", Access: Public(), Handler: s.apiSlots, API: &APIDoc{
			Summary: "Free slots of a service at an office",
			Description: "Public, like the booking page that shows them. from and to are RFC 3339 times (default: now and 7 days on), " +
				"at most 31 days apart; slots start in [from, to), in time order.",
			Tags: tags, Params: []APIParam{id,
				{Name: "service", In: "query", Required: true, Description: "The service's code.", Schema: Schema{"type": "string"}},
				{Name: "from", In: "query", Schema: Schema{"type": "string", "format": "date-time"}},
				{Name: "to", In: "query", Schema: Schema{"type": "string", "format": "date-time"}}},
			Response: Schema{"type": "object", "required": []string{"slots"}, "properties": Schema{"slots": Schema{"type": "array", "items": slot}}},
		}},
		{Method: "POST", Pattern: "/api/v1/appointments", Access: APIActor(), Handler: s.apiBook, API: &APIDoc{
			Summary: "Book a slot for the signed-in citizen",
			Description: "For the portal's own scripts acting for a signed-in citizen (session cookie and CSRF header): the API has no " +
				"identity of a citizen behind a key, so keys and staff are refused (403). A repeated Idempotency-Key returns the first " +
				"booking. A slot taken meanwhile is a 409 problem with alternatives, the next free slots.",
			Tags: tags, Params: []APIParam{{Name: "Idempotency-Key", In: "header", Schema: Schema{"type": "string", "maxLength": 200}}},
			Request: Schema{"type": "object", "required": []string{"office_id", "service", "start"}, "additionalProperties": false,
				"properties": Schema{"office_id": Schema{"type": "integer"}, "service": Schema{"type": "string"},
					"start": Schema{"type": "string", "format": "date-time"}, "case_id": Schema{"type": "integer"}}},
			Response: booking, Status: 201,
		}},
		{Method: "GET", Pattern: "/api/v1/offices/{id}/queue", Access: APIClient(), Handler: s.apiQueue, API: &APIDoc{
			Summary: "An office's booked visits of a day, in the order people come",
			Description: "For the office's staff with a receiving role and its organisation's administrators, signed in; " +
				"others, keys included, are refused (403). day is YYYY-MM-DD, today by default.",
			Tags: tags, Params: []APIParam{id, {Name: "day", In: "query", Schema: Schema{"type": "string", "format": "date"}},
				{Name: "after", In: "query", Description: "Cursor from the previous page's next.", Schema: Schema{"type": "string"}}},
			Response: pageSchema(booking),
		}},
	}
}
