package casework

import (
	"context"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// maxBulk bounds how many cases one AssignMany moves: an inbox page.
const maxBulk = 200

// Assign moves a case to a position or person within its organisation,
// or reroutes it to another organisation (see mayAssign for who may).
// Rerouting is shown to the citizen, resets the escalation and restarts
// the step clock for the new organisation; the legal clock runs on.
func (s *Service) Assign(ctx context.Context, actor okno.Actor, caseID, version int64, a Assignment) (Case, error) {
	if err := s.validateAssignment(a); err != nil {
		return Case{}, err
	}
	var r record
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		oc := newOrgCache(s.d.Orgs)
		cur, def, sg, err := s.visible(ctx, tx, actor, caseID, oc)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return conflict()
		}
		r, _, err = s.assign(ctx, tx, actor, cur, def, sg, a, oc)
		return err
	})
	if err != nil {
		return Case{}, err
	}
	return r.Case, nil
}

// AssignTx is Assign inside the caller's transaction, for a feature that
// moves a case together with its own change (an appeal re-categorised and
// rerouted to the body the new category routes to).
func (s *Service) AssignTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, caseID, version int64, a Assignment) (Case, error) {
	if err := s.validateAssignment(a); err != nil {
		return Case{}, err
	}
	oc := newOrgCache(s.d.Orgs)
	cur, def, sg, err := s.visible(ctx, tx, actor, caseID, oc)
	if err != nil {
		return Case{}, err
	}
	if version != 0 && cur.Version != version {
		return Case{}, conflict()
	}
	r, _, err := s.assign(ctx, tx, actor, cur, def, sg, a, oc)
	if err != nil {
		return Case{}, err
	}
	return r.Case, nil
}

// AssignMany assigns several cases at once (bulk assign in the inbox), in
// one transaction: all or none. It returns how many cases moved (those
// already where a puts them do not count).
func (s *Service) AssignMany(ctx context.Context, actor okno.Actor, caseIDs []int64, a Assignment) (int, error) {
	if err := s.validateAssignment(a); err != nil {
		return 0, err
	}
	if len(caseIDs) > maxBulk {
		var fe okno.FieldErrors
		fe.Add("cases", "casework.bulk_too_many", maxBulk)
		return 0, fe.Err()
	}
	moved := 0
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		oc := newOrgCache(s.d.Orgs)
		seen := map[int64]bool{}
		for _, id := range caseIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			cur, def, sg, err := s.visible(ctx, tx, actor, id, oc)
			if err != nil {
				return err
			}
			_, changed, err := s.assign(ctx, tx, actor, cur, def, sg, a, oc)
			if err != nil {
				return err
			}
			if changed {
				moved++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return moved, nil
}

func (s *Service) validateAssignment(a Assignment) error {
	var fe okno.FieldErrors
	if n := s.d.Limits.MaxCommentLength; utf8.RuneCountInString(a.Comment) > n {
		fe.Add("comment", "casework.too_long", n)
	}
	return fe.Err()
}

// assign moves r as a says in tx, after checking who may and that the
// place exists; it reports whether anything changed.
func (s *Service) assign(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r record, def *process.Definition,
	sg sight, a Assignment, oc *orgCache) (record, bool, error) {
	if sg < sightFull {
		return record{}, false, okno.Errorf(okno.EFORBIDDEN, "casework.assign_forbidden")
	}
	if !r.Open() {
		return record{}, false, okno.Errorf(okno.EINVALID, "casework.case_closed")
	}
	if err := s.mayAssign(ctx, actor, r, a, oc); err != nil {
		return record{}, false, err
	}
	target := a.OrgID
	if target == 0 {
		target = r.OrgID
	}
	var fe okno.FieldErrors
	if err := s.checkPlace(ctx, oc, target, a.PositionID, a.AssigneeID, &fe); err != nil {
		return record{}, false, err
	}
	if err := fe.Err(); err != nil {
		return record{}, false, err
	}
	if target == r.OrgID && a.PositionID == r.PositionID && a.AssigneeID == r.AssigneeID {
		return r, false, nil
	}
	before := r
	reroute := target != r.OrgID
	r.OrgID, r.PositionID, r.AssigneeID = target, a.PositionID, a.AssigneeID
	kind, action := EventAssigned, "case.assign"
	if reroute {
		kind, action = EventRerouted, "case.reroute"
		r.Escalation = Escalation{}
		st, _ := def.State(r.State)
		restartStep(s.d.Calendars.Current(), &r, st, s.now())
	}
	ev, err := s.bump(ctx, tx, actor, before, &r, Event{Kind: kind, FromState: r.State, ToState: r.State,
		Comment: a.Comment, CitizenVisible: reroute})
	if err != nil {
		return record{}, false, err
	}
	if err := s.assignEffects(ctx, tx, actor, r, def, ev, reroute, oc); err != nil {
		return record{}, false, err
	}
	if err := s.audit(ctx, tx, actor, action, before, r); err != nil {
		return record{}, false, err
	}
	return r, true, nil
}

// assignEffects tells the new assignee (or, on a reroute with nobody in
// particular, the staff of the new place) and, on a reroute, subscribed
// systems.
func (s *Service) assignEffects(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r record, def *process.Definition,
	ev int64, reroute bool, oc *orgCache) error {
	tmpl := templateAssigned
	if reroute {
		tmpl = templateRerouted
	}
	switch {
	case r.AssigneeID != 0 && r.AssigneeID != actor.UserID:
		if err := s.d.Notices.Notify(ctx, tx, s.notice(r, def, ev, r.AssigneeID, process.AudienceAssignee, tmpl)); err != nil {
			return err
		}
	case r.AssigneeID == 0 && reroute:
		if err := s.notifyStaff(ctx, tx, r, def, ev, r.OrgID, r.PositionID, tmpl, actor.UserID, oc); err != nil {
			return err
		}
	}
	if reroute {
		return s.emit(ctx, tx, r, ev, eventRerouted, "")
	}
	return nil
}
