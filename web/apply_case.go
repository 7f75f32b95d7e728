package web

import (
	"net/http"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
)

// caseApplicationLinks adds to an application's case page the card of the
// service it was made for and the follow-ups other features offer. Neither
// fails the page: a case that is no application has no service.
func (s *Server) caseApplicationLinks(r *http.Request, c casework.Case, data *cabinetCasePage) {
	ctx := r.Context()
	if s.deps.Applications != nil {
		svc, err := s.deps.Applications.ServiceOf(ctx, c.ID)
		switch {
		case err == nil:
			data.ServiceTitle = svc.Title.In(string(stateFrom(ctx).loc.Lang()))
			data.ServiceURL = "/services/" + svc.Code
		case !okno.IsCode(err, okno.ENOTFOUND):
			s.log.Warn("web: case page: service of the case", "case", c.ID, "error", err.Error())
		}
	}
	data.FollowUps = s.caseFollowUps(ctx, okno.ActorFrom(ctx), c)
}
