package casework

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/process"
)

// Who may see and do what to a case is decided in this file and nowhere
// else: Get, Timeline, Documents, Act, Allowed, Assign and the scheduler
// all ask the functions below.

// sight is how much of a case a viewer may see.
type sight int

const (
	// sightNone: the case does not exist for the viewer (ENOTFOUND, never
	// EFORBIDDEN: its existence is not revealed).
	sightNone sight = iota
	// sightStatus: the case's status and its citizen-visible timeline
	// without comments; no form data, no documents. An operator who
	// registered a case for a caller of another organisation keeps this
	// much, to answer "where is my case" calls.
	sightStatus
	// sightFull: everything but what is hidden from citizens, for the
	// applicant.
	sightFull
)

// sightOf decides how much of c actor may see:
//   - the system sees everything;
//   - a citizen sees the cases they are the applicant of;
//   - staff and API keys see the cases of their organisation, the cases
//     escalated to it, the cases of organisations below it when they hold
//     the supervisor, controller or admin role there, and the cases an
//     action of the current state lets them act on in any organisation
//     (a region-wide moderator, scope "any");
//   - whoever registered a case sees its status (sightStatus).
func (s *Service) sightOf(ctx context.Context, actor okno.Actor, c record, def *process.Definition, oc *orgCache) (sight, error) {
	switch actor.Kind {
	case okno.ActorSystem:
		return sightFull, nil
	case okno.ActorCitizen:
		if actor.UserID != 0 && actor.UserID == c.ApplicantID {
			return sightFull, nil
		}
		return sightNone, nil
	case okno.ActorStaff, okno.ActorAPIKey:
	default:
		return sightNone, nil
	}
	if actor.OrgID != 0 && (actor.OrgID == c.OrgID || actor.OrgID == c.Escalation.OrgID) {
		return sightFull, nil
	}
	if actor.Has(okno.RoleSupervisor) || actor.Has(okno.RoleController) || actor.Has(okno.RoleAdmin) {
		above, err := oc.above(ctx, actor.OrgID, c.OrgID)
		if err != nil || above {
			return sightFull, err
		}
	}
	if def != nil && anyScopeParty(actor, c, def) {
		return sightFull, nil
	}
	if c.createdBy == actor.Ref() {
		return sightStatus, nil
	}
	return sightNone, nil
}

// anyScopeParty reports whether an action out of c's state lets actor act
// in any organisation.
func anyScopeParty(actor okno.Actor, c record, def *process.Definition) bool {
	for _, a := range def.ActionsFrom(c.State) {
		for _, p := range a.By {
			if p.Role != "" && p.Scope == process.ScopeAny && actor.Has(okno.Role(p.Role)) {
				return true
			}
		}
	}
	return false
}

// mayTake reports whether actor is one of the parties that may take a on
// c. It does not look at the state, the guards or the input.
func (s *Service) mayTake(ctx context.Context, actor okno.Actor, c record, a process.Action, oc *orgCache) (bool, error) {
	for _, p := range a.By {
		ok, err := s.isParty(ctx, actor, c, p, oc)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// isParty reports whether actor is party p of case c: the system, the
// applicant, or staff (or an API key) holding p.Role within p.Scope.
func (s *Service) isParty(ctx context.Context, actor okno.Actor, c record, p process.Party, oc *orgCache) (bool, error) {
	switch {
	case p.System:
		if actor.Kind == okno.ActorSystem {
			return true, nil
		}
	case p.Applicant:
		if actor.Kind == okno.ActorCitizen && actor.UserID != 0 && actor.UserID == c.ApplicantID {
			return true, nil
		}
	}
	if p.Role == "" || (actor.Kind != okno.ActorStaff && actor.Kind != okno.ActorAPIKey) || !actor.Has(okno.Role(p.Role)) {
		return false, nil
	}
	switch p.Scope {
	case process.ScopeAny:
		return true, nil
	case process.ScopeEscalated:
		return c.Escalation.OrgID != 0 && actor.OrgID == c.Escalation.OrgID, nil
	case process.ScopeHigher:
		if actor.OrgID == c.OrgID {
			return true, nil
		}
		return oc.above(ctx, actor.OrgID, c.OrgID)
	case process.ScopeAssignee:
		return isAssignee(ctx, actor, c, oc)
	default: // ScopeOrganisation
		return actor.OrgID == c.OrgID, nil
	}
}

// isAssignee reports whether actor works the case now: the assigned
// person when there is one, else a holder of the assigned position, else
// anyone acting for the case's organisation.
func isAssignee(ctx context.Context, actor okno.Actor, c record, oc *orgCache) (bool, error) {
	if actor.OrgID != c.OrgID {
		return false, nil
	}
	switch {
	case c.AssigneeID != 0:
		return actor.Kind == okno.ActorStaff && actor.UserID == c.AssigneeID, nil
	case c.PositionID != 0:
		if actor.Kind != okno.ActorStaff {
			return false, nil
		}
		return oc.holds(ctx, actor.UserID, c.OrgID, c.PositionID)
	}
	return true, nil
}

// mayOpen decides who may open a case for whom, and through which
// channel it is recorded: a citizen for themself, staff holding the
// official role for their organisation, operators (call centre, МФЦ) for
// any organisation (channel "operator"), API keys for their organisation,
// and the system. It fills in the applicant and channel.
func mayOpen(actor okno.Actor, in *NewCase) error {
	switch actor.Kind {
	case okno.ActorSystem:
		if in.Channel == "" {
			in.Channel = ChannelSystem
		}
		return nil
	case okno.ActorCitizen:
		if in.ApplicantID != 0 && in.ApplicantID != actor.UserID {
			return okno.Errorf(okno.EFORBIDDEN, "casework.open_for_another")
		}
		in.ApplicantID = actor.UserID
		if in.Channel != ChannelAPI && in.Channel != ChannelOpen311 {
			in.Channel = ChannelWeb
		}
		return nil
	case okno.ActorStaff:
		switch {
		case actor.Has(okno.RoleOperator):
			in.Channel = ChannelOperator
			return nil
		case actor.Has(okno.RoleOfficial) && actor.OrgID == in.OrgID:
			in.Channel = ChannelOperator
			return nil
		}
	case okno.ActorAPIKey:
		if actor.OrgID == in.OrgID || in.AnyOrg {
			if in.Channel != ChannelOpen311 {
				in.Channel = ChannelAPI
			}
			return nil
		}
	case okno.ActorAnonymous:
		return okno.Errorf(okno.EUNAUTHORIZED, "casework.sign_in")
	}
	return okno.Errorf(okno.EFORBIDDEN, "casework.open_forbidden")
}

// mayAssign decides who may assign c as a: supervisors of the case's
// organisation anywhere within it, and to another organisation
// (rerouting); supervisors and controllers of an organisation above it
// likewise; officials of the case's organisation only to themselves or
// the position they hold, and only a case nobody else has; the system.
// It does not check that the target position and person exist.
func (s *Service) mayAssign(ctx context.Context, actor okno.Actor, c record, a Assignment, oc *orgCache) error {
	switch actor.Kind {
	case okno.ActorSystem:
		return nil
	case okno.ActorStaff, okno.ActorAPIKey:
	default:
		return okno.Errorf(okno.EFORBIDDEN, "casework.assign_forbidden")
	}
	if actor.OrgID == c.OrgID && actor.Has(okno.RoleSupervisor) {
		return nil
	}
	if actor.Has(okno.RoleSupervisor) || actor.Has(okno.RoleController) {
		above, err := oc.above(ctx, actor.OrgID, c.OrgID)
		if err != nil || above {
			return err
		}
	}
	reroute := a.OrgID != 0 && a.OrgID != c.OrgID
	if actor.Kind == okno.ActorStaff && actor.OrgID == c.OrgID && actor.Has(okno.RoleOfficial) && !reroute {
		return mayAssignSelf(ctx, actor, c, a, oc)
	}
	return okno.Errorf(okno.EFORBIDDEN, "casework.assign_forbidden")
}

// mayAssignSelf is an official's part of mayAssign: taking a case into
// their own work or giving one of theirs back, within a position they hold
// (or the organisation's inbox when the case is there). An assignment is
// the case's whole new place: PositionID 0 is the organisation's inbox.
func mayAssignSelf(ctx context.Context, actor okno.Actor, c record, a Assignment, oc *orgCache) error {
	if c.AssigneeID != 0 && c.AssigneeID != actor.UserID {
		return okno.Errorf(okno.EFORBIDDEN, "casework.assign_taken")
	}
	if a.AssigneeID != 0 && a.AssigneeID != actor.UserID {
		return okno.Errorf(okno.EFORBIDDEN, "casework.assign_only_self")
	}
	if a.PositionID == 0 {
		if c.PositionID != 0 {
			return okno.Errorf(okno.EFORBIDDEN, "casework.assign_only_self")
		}
		return nil
	}
	held, err := oc.holds(ctx, actor.UserID, c.OrgID, a.PositionID)
	if err != nil {
		return err
	}
	if !held {
		return okno.Errorf(okno.EFORBIDDEN, "casework.assign_only_self")
	}
	return nil
}

// mayNote reports whether actor may write internal notes on a case they
// see in full: staff and the system, never citizens.
func mayNote(actor okno.Actor) bool {
	return actor.Kind == okno.ActorStaff || actor.Kind == okno.ActorAPIKey || actor.Kind == okno.ActorSystem
}

// notFound is the error of a case that does not exist for the viewer.
func notFound() error { return okno.Errorf(okno.ENOTFOUND, "casework.not_found") }
