package web

import (
	"context"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/org"
)

// This file holds what the admin pages share. The route table admits only
// administrators (StaffWith(admin)); which organisations each may manage
// is org.CanAdminister's decision, asked on every request here — never
// decided in a template.

// administered loads organisation id if the actor may administer it:
// ENOTFOUND for a bad id, EFORBIDDEN for someone else's organisation.
func (s *Server) administered(ctx context.Context, idText string) (org.Organisation, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return org.Organisation{}, okno.Errorf(okno.ENOTFOUND, "org.not_found")
	}
	ok, err := s.deps.Orgs.CanAdminister(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return org.Organisation{}, err
	}
	if !ok {
		return org.Organisation{}, okno.Errorf(okno.EFORBIDDEN, "org.forbidden")
	}
	return s.deps.Orgs.Get(ctx, id)
}

// orgPath is an organisation's card.
func orgPath(id int64) string { return "/admin/organisations/" + strconv.FormatInt(id, 10) }

// crumb is one link of a breadcrumb trail; URL is empty where the actor
// may not go.
type crumb struct {
	Name, URL string
}
