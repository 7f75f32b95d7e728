package web

// applyRoutes are the routes of applying for a service: starting from
// its card, the form's pages, documents, check your answers, sending and
// "Мои заявки". Every draft route admits signed-in citizens; whose draft
// it is, package application decides (another's is not found).
func (s *Server) applyRoutes() []Route {
	return []Route{
		// Public: a visitor whose session ended is sent to sign in and
		// back to the card; staff are refused by the handler.
		{Method: "POST", Pattern: "/services/{code}/apply", Access: Public(), Handler: s.applyStart},
		{Method: "GET", Pattern: "/applications/{id}", Access: Citizen(), Handler: s.applyResume},
		{Method: "GET", Pattern: "/applications/{id}/pages/{page}", Access: Citizen(), Handler: s.applyPageShow},
		{Method: "POST", Pattern: "/applications/{id}/pages/{page}", Access: Citizen(), Handler: s.applyPageSave, MaxBody: applyMaxBody},
		{Method: "POST", Pattern: "/applications/{id}/files", Access: Citizen(), Handler: s.applyFilesAttach, MaxBody: applyMaxBody},
		{Method: "GET", Pattern: "/applications/{id}/files/{file}", Access: Citizen(), Handler: s.applyFileDownload},
		{Method: "POST", Pattern: "/applications/{id}/files/{file}/delete", Access: Citizen(), Handler: s.applyFileDelete},
		{Method: "GET", Pattern: "/applications/{id}/check", Access: Citizen(), Handler: s.applyCheck},
		{Method: "POST", Pattern: "/applications/{id}/submit", Access: Citizen(), Handler: s.applySubmit},
		{Method: "GET", Pattern: "/applications/{id}/sent", Access: Citizen(), Handler: s.applySent},
		{Method: "POST", Pattern: "/applications/{id}/delete", Access: Citizen(), Handler: s.applyDelete},
		{Method: "GET", Pattern: "/cabinet/applications", Access: Citizen(), Handler: s.cabinetApplications},
	}
}
