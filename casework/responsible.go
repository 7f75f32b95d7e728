package casework

import (
	"context"

	"github.com/okno/okno"
)

// Responsible names who is responsible for the case at its current
// stage — the assigned person, else the one holder of the assigned
// position (a position several people hold shows its title only), else
// the organisation — for the citizen's view.
func (s *Service) Responsible(ctx context.Context, actor okno.Actor, c Case) (Responsible, error) {
	oc := newOrgCache(s.d.Orgs)
	r, _, _, err := s.visible(ctx, s.d.DB, actor, c.ID, oc)
	if err != nil {
		return Responsible{}, err
	}
	o, err := oc.get(ctx, r.OrgID)
	if err != nil {
		return Responsible{}, err
	}
	out := Responsible{OrgName: o.ShortName}
	if out.OrgName == "" {
		out.OrgName = o.Name
	}
	if r.PositionID != 0 {
		if p, ok, err := oc.position(ctx, r.OrgID, r.PositionID); err != nil {
			return Responsible{}, err
		} else if ok {
			out.Position = p.Title
		}
	}
	staff, err := oc.holders(ctx, r.OrgID, r.PositionID)
	if err != nil {
		return Responsible{}, err
	}
	switch {
	case r.AssigneeID != 0:
		for _, m := range staff {
			if m.UserID == r.AssigneeID {
				out.Name = m.DisplayName
			}
		}
		if out.Name == "" { // assigned outside the position: find them in the organisation
			all, err := oc.holders(ctx, r.OrgID, 0)
			if err != nil {
				return Responsible{}, err
			}
			for _, m := range all {
				if m.UserID == r.AssigneeID {
					out.Name, out.Position = m.DisplayName, m.Position.Title
				}
			}
		}
	case r.PositionID != 0 && len(staff) == 1:
		out.Name = staff[0].DisplayName
	}
	return out, nil
}
