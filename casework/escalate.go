package casework

import (
	"context"
	"fmt"

	"github.com/okno/okno"
	"github.com/okno/okno/org"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// place is where a case sits or is escalated to: an organisation and one
// of its positions (0: the organisation's inbox).
type place struct{ org, pos int64 }

// escalate climbs r one rung of its ladder because the step clock of
// state st ran out: the escalation moves to the rung's place, the step
// clock restarts, the staff there are told, subscribed systems hear of
// it. When no rung is left the case stays overdue and the scheduler stops
// looking at it until something else moves it.
func (s *Service) escalate(ctx context.Context, tx *sqldb.Tx, r record, def *process.Definition, st process.State, oc *orgCache) error {
	level, to, ok, err := s.nextRung(ctx, r, def, oc)
	if err != nil {
		return err
	}
	if !ok {
		_, err := tx.ExecContext(ctx, `UPDATE cases SET next_due_at = NULL, lease_until = NULL WHERE id = ? AND version = ?`,
			r.ID, r.Version)
		if err != nil {
			return fmt.Errorf("casework: end the ladder of case %d: %w", r.ID, err)
		}
		return nil
	}
	before := r
	r.Escalation = Escalation{Level: level, OrgID: to.org, PositionID: to.pos}
	restartStep(s.d.Calendars.Current(), &r, st, s.now())
	ev, err := s.bump(ctx, tx, okno.System, before, &r, Event{Kind: EventEscalated, FromState: r.State, ToState: r.State})
	if err != nil {
		return err
	}
	if err := s.notifyStaff(ctx, tx, r, def, ev, to.org, to.pos, templateEscalated, 0, oc); err != nil {
		return err
	}
	if err := s.emit(ctx, tx, r, ev, eventEscalated, ""); err != nil {
		return err
	}
	return s.audit(ctx, tx, okno.System, "case.escalate", before, r)
}

// nextRung finds the next rung of r's ladder above where it stands that
// leads somewhere new, and returns its level (1-based) and place. Rungs
// that lead nowhere (an organisation's inbox has no supervisor, a root
// organisation no higher body) or to where the case already is are
// skipped.
func (s *Service) nextRung(ctx context.Context, r record, def *process.Definition, oc *orgCache) (int, place, bool, error) {
	home := place{r.OrgID, r.PositionID}
	cur := home
	if r.Escalation.OrgID != 0 {
		cur = place{r.Escalation.OrgID, r.Escalation.PositionID}
	}
	rungs := def.Ladder()
	for i := r.Escalation.Level; i < len(rungs); i++ {
		p, ok, err := s.resolveRung(ctx, rungs[i], r.OrgID, cur, oc)
		if err != nil {
			return 0, place{}, false, err
		}
		if ok && p != cur && p != home {
			return i + 1, p, true, nil
		}
	}
	return 0, place{}, false, nil
}

// resolveRung says where rung leads for a case of organisation orgID
// standing at cur.
func (s *Service) resolveRung(ctx context.Context, rung process.Rung, orgID int64, cur place, oc *orgCache) (place, bool, error) {
	switch rung {
	case process.RungSupervisor:
		return s.supervisorOf(ctx, cur, oc)
	case process.RungHead:
		return headOf(ctx, orgID, oc)
	case process.RungHigherBody:
		as, err := oc.ancestorsOf(ctx, orgID)
		if err != nil || len(as) == 0 {
			return place{}, false, err
		}
		parent := as[len(as)-1].ID
		p, ok, err := headOf(ctx, parent, oc)
		if err != nil || ok {
			return p, ok, err
		}
		return place{parent, 0}, true, nil
	}
	return place{}, false, fmt.Errorf("casework: unknown rung %q", rung)
}

// supervisorOf is the position cur's position reports to, in cur's
// organisation or one above it.
func (s *Service) supervisorOf(ctx context.Context, cur place, oc *orgCache) (place, bool, error) {
	if cur.pos == 0 {
		return place{}, false, nil
	}
	p, ok, err := oc.position(ctx, cur.org, cur.pos)
	if err != nil || !ok || p.ReportsTo == 0 {
		return place{}, false, err
	}
	if _, ok, err := oc.position(ctx, cur.org, p.ReportsTo); err != nil || ok {
		return place{cur.org, p.ReportsTo}, ok, err
	}
	as, err := oc.ancestorsOf(ctx, cur.org)
	if err != nil {
		return place{}, false, err
	}
	for i := len(as) - 1; i >= 0; i-- {
		if _, ok, err := oc.position(ctx, as[i].ID, p.ReportsTo); err != nil || ok {
			return place{as[i].ID, p.ReportsTo}, ok, err
		}
	}
	return place{}, false, nil
}

// headOf is the top position of organisation orgID: one that reports to
// nobody in it, a supervisor's first, the oldest first.
func headOf(ctx context.Context, orgID int64, oc *orgCache) (place, bool, error) {
	ps, err := oc.positionsOf(ctx, orgID)
	if err != nil {
		return place{}, false, err
	}
	in := map[int64]bool{}
	for _, p := range ps {
		in[p.ID] = true
	}
	var best org.Position
	for _, p := range ps {
		if p.ReportsTo != 0 && in[p.ReportsTo] {
			continue
		}
		if best.ID == 0 || (p.Role == okno.RoleSupervisor && best.Role != okno.RoleSupervisor) ||
			(p.Role == best.Role && p.ID < best.ID) {
			best = p
		}
	}
	if best.ID == 0 {
		return place{}, false, nil
	}
	return place{orgID, best.ID}, true, nil
}
