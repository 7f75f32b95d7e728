package web

import (
	"context"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/complaint"
	"github.com/okno/okno/rating"
)

// followUp is something a citizen may do next about a case that belongs
// to another feature than the case engine: file a pre-trial complaint,
// rate the service. The case page (cabinet_case.go) shows them.
type followUp struct {
	Label string // the link's text, translated
	Hint  string // a line under it, translated; "" for none
	URL   string
}

// caseFollowUps returns what the citizen may do next about c, beyond the
// process's own actions: the complaints filed about it, «Подать жалобу»
// while package complaint lets them, and «Оценить качество услуги» (or
// what they gave, to change) once package rating does. It never fails
// the page: a feature that cannot answer leaves its links out and logs why.
func (s *Server) caseFollowUps(ctx context.Context, actor okno.Actor, c casework.Case) []followUp {
	l := stateFrom(ctx).loc
	base := "/cabinet/cases/" + strconv.FormatInt(c.ID, 10)
	var out []followUp
	if s.deps.Ratings != nil && rating.Eligible(actor, c) == nil {
		r, ok, err := s.deps.Ratings.Of(ctx, actor, c.ID)
		switch {
		case err != nil:
			s.log.Warn("web: case follow-ups: rating", "case", c.ID, "error", err.Error())
		case ok:
			out = append(out, followUp{Label: l.T("web.rating.rated", decimal(l, r.Scores.Average())),
				Hint: l.T("web.rating.rated_hint", int(rating.ChangeWindow.Hours()/24)), URL: base + "/rating"})
		default:
			out = append(out, followUp{Label: l.T("web.rating.offer"), Hint: l.T("web.rating.offer_hint"), URL: base + "/rating"})
		}
	}
	if s.deps.Complaints != nil && complaint.Eligible(actor, c) == nil {
		filed, err := s.deps.Complaints.Of(ctx, actor, c.ID)
		if err != nil {
			s.log.Warn("web: case follow-ups: complaints", "case", c.ID, "error", err.Error())
			return out
		}
		for _, f := range filed {
			out = append(out, followUp{Label: l.T("web.complaint.filed_ref", f.Ref), URL: "/cabinet/cases/" + strconv.FormatInt(f.CaseID, 10)})
		}
		if len(filed) < complaint.MaxPerCase {
			out = append(out, followUp{Label: l.T("web.complaint.offer"), Hint: l.T("web.complaint.offer_hint"), URL: base + "/complaint"})
		}
	}
	return out
}
