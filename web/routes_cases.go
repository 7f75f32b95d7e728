package web

import "github.com/okno/okno"

// maxAttachBody bounds the form that attaches one file (at most 10 MiB,
// casework.DefaultLimits) and a little more for the form around it;
// forms of actions take caseUploadMaxBody. The engine checks the files.
const maxAttachBody = 11 << 20

// caseRoutes are the back office's case pages: inboxes, the case page,
// actions, bulk assignment, the supervisor's view.
//
// The routes admit the staff who work cases; which case each may see and
// what each may do to it, the case engine decides per case (a case they
// may not see is 404, an action they may not take 403). The supervisor's
// view is for supervisors, controlling bodies and administrators.
func (s *Server) caseRoutes() []Route {
	work := StaffWith(okno.RoleOfficial, okno.RoleSupervisor, okno.RoleOperator, okno.RoleController, okno.RoleAdmin)
	return []Route{
		{Method: "GET", Pattern: "/staff/cases", Access: work, Handler: s.staffCases},
		{Method: "POST", Pattern: "/staff/cases/assign", Access: work, Handler: s.staffCasesAssign},
		{Method: "GET", Pattern: "/staff/cases/{id}", Access: work, Handler: s.staffCase},
		{Method: "POST", Pattern: "/staff/cases/{id}/actions", Access: work, Handler: s.staffCaseAct, MaxBody: caseUploadMaxBody},
		{Method: "POST", Pattern: "/staff/cases/{id}/assign", Access: work, Handler: s.staffCaseAssign},
		{Method: "POST", Pattern: "/staff/cases/{id}/documents", Access: work, Handler: s.staffCaseAttach, MaxBody: maxAttachBody},
		{Method: "POST", Pattern: "/staff/cases/{id}/notes", Access: work, Handler: s.staffCaseNote},
		{Method: "GET", Pattern: "/staff/cases/{id}/documents/{doc}", Access: work, Handler: s.staffCaseDocument},
		{Method: "GET", Pattern: "/staff/overdue", Access: StaffWith(okno.RoleSupervisor, okno.RoleController, okno.RoleAdmin), Handler: s.staffOverdue},
	}
}
