package catalog

import (
	"context"

	"github.com/okno/okno"
)

// mayEdit returns an EFORBIDDEN error unless actor may edit the catalogue:
// it belongs to the whole region, so its administrators edit it, and
// okno.System loads it (the demo catalogue, imports).
func (s *Catalog) mayEdit(ctx context.Context, actor okno.Actor) error {
	if actor.Kind == okno.ActorSystem {
		return nil
	}
	if s.d.Admins != nil {
		ok, err := s.d.Admins.CanAdministerRegion(ctx, actor)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
	return okno.Errorf(okno.EFORBIDDEN, "catalog.admin_only")
}
