package org

import (
	"context"
	"database/sql"
	"errors"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// CanAdminister reports whether actor may manage organisation orgID: change
// it, add organisations under it, create its positions, assign its staff and
// say which territories it serves. This is the one place that rule lives:
//
//   - the system may do anything;
//   - an administrator of a region government (a region administrator) may
//     administer every organisation;
//   - an administrator of any other organisation may administer it and its
//     subtree, never its parent or siblings;
//   - nobody else may.
//
// The actor's roles are those of the organisation it acts for (Actor.OrgID),
// as the organisation switcher set them from RolesOf.
func (s *Service) CanAdminister(ctx context.Context, actor okno.Actor, orgID int64) (bool, error) {
	return s.canAdminister(ctx, s.db, actor, orgID)
}

func (s *Service) canAdminister(ctx context.Context, q sqldb.Querier, actor okno.Actor, orgID int64) (bool, error) {
	if actor.Kind == okno.ActorSystem {
		return true, nil
	}
	if !isAdmin(actor) {
		return false, nil
	}
	if region, err := s.isRegionAdmin(ctx, q, actor); err != nil || region {
		return region, err
	}
	up, err := ancestorIDs(ctx, q, orgID)
	if err != nil {
		return false, err
	}
	for _, id := range up {
		if id == actor.OrgID {
			return true, nil
		}
	}
	return false, nil
}

// CanAdministerRegion reports whether actor may manage what belongs to the
// whole region rather than to one organisation: root organisations and the
// territories (geo.Service.Import).
func (s *Service) CanAdministerRegion(ctx context.Context, actor okno.Actor) (bool, error) {
	return s.isRegionAdmin(ctx, s.db, actor)
}

func (s *Service) isRegionAdmin(ctx context.Context, q sqldb.Querier, actor okno.Actor) (bool, error) {
	if actor.Kind == okno.ActorSystem {
		return true, nil
	}
	if !isAdmin(actor) {
		return false, nil
	}
	var kind Kind
	err := q.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = ?`, actor.OrgID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return kind == KindRegionGovernment, nil
}

// isAdmin reports whether actor holds the admin role for some organisation;
// citizens and anonymous visitors never do, whatever their Roles say.
func isAdmin(actor okno.Actor) bool {
	return (actor.Kind == okno.ActorStaff || actor.Kind == okno.ActorAPIKey) && actor.OrgID != 0 && actor.Has(okno.RoleAdmin)
}

// authorize returns an EFORBIDDEN error unless actor may administer orgID.
func (s *Service) authorize(ctx context.Context, q sqldb.Querier, actor okno.Actor, orgID int64) error {
	ok, err := s.canAdminister(ctx, q, actor, orgID)
	if err != nil {
		return err
	}
	if !ok {
		return okno.Errorf(okno.EFORBIDDEN, "org.forbidden")
	}
	return nil
}
