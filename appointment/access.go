package appointment

import (
	"context"

	"github.com/okno/okno"
)

// Who may do what with appointments. Each rule is written once here and
// called by every door.

// mayBook: citizens book, move and list their own visits. (An operator
// booking for a caller is a later door; it would act for the citizen.)
func mayBook(actor okno.Actor) error {
	switch {
	case actor.IsAnonymous():
		return okno.Errorf(okno.EUNAUTHORIZED, "appointment.sign_in")
	case actor.Kind != okno.ActorCitizen || actor.UserID <= 0:
		return okno.Errorf(okno.EFORBIDDEN, "appointment.forbidden")
	}
	return nil
}

// queueRoles are the roles that receive visitors or run an office.
var queueRoles = []okno.Role{okno.RoleOperator, okno.RoleOfficial, okno.RoleSupervisor}

// mayServe reports whether actor works the reception of an office of
// organisation orgID (sees its queue, cancels its bookings): its staff
// with a receiving role, and whoever administers the organisation.
func (s *Service) mayServe(ctx context.Context, actor okno.Actor, orgID int64) (bool, error) {
	if actor.Kind == okno.ActorStaff && actor.OrgID == orgID {
		for _, r := range queueRoles {
			if actor.Has(r) {
				return true, nil
			}
		}
	}
	return s.administers(ctx, actor, orgID)
}

// mayAdminister refuses anyone but the administrators of orgID.
func (s *Service) mayAdminister(ctx context.Context, actor okno.Actor, orgID int64) error {
	ok, err := s.administers(ctx, actor, orgID)
	if err != nil {
		return err
	}
	if !ok {
		return okno.Errorf(okno.EFORBIDDEN, "appointment.forbidden")
	}
	return nil
}

func (s *Service) administers(ctx context.Context, actor okno.Actor, orgID int64) (bool, error) {
	switch {
	case actor.Kind == okno.ActorSystem:
		return true, nil
	case actor.Kind != okno.ActorStaff || s.d.Admins == nil:
		return false, nil
	}
	return s.d.Admins.CanAdminister(ctx, actor, orgID)
}
