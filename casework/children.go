package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// A complex service is a parent case with child cases: an action's
// "children" effect opens them, each child reaching a terminal state
// records a child_done event on the parent (through the outbox, so the
// child's transaction never waits on the parent's row), and when all are
// done the system takes the parent's action that waits for them.

// children counts a case's child cases.
type children struct {
	total, done int
}

// childrenOf counts the children of case id and how many are closed
// (in a terminal state).
func childrenOf(ctx context.Context, q sqldb.Querier, id int64) (children, error) {
	var k children
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(closed_at) FROM cases WHERE parent_id = ?`, id).Scan(&k.total, &k.done)
	if err != nil {
		return children{}, fmt.Errorf("casework: children of case %d: %w", id, err)
	}
	return k, nil
}

// failing returns the catalogue key of the first guard that does not
// hold, or "".
func (k children) failing(guards []process.Guard) string {
	for _, g := range guards {
		switch g {
		case process.GuardHasChildren:
			if k.total == 0 {
				return "casework.guard_has_children"
			}
		case process.GuardChildrenDone:
			if k.done < k.total {
				return "casework.guard_children_done"
			}
		}
	}
	return ""
}

// openChildren is the "children" effect: a child case of each named
// process, opened by the system in the parent's transaction, for the same
// organisation and applicant. Keys make a repeated effect open none twice.
func (s *Service) openChildren(ctx context.Context, tx *sqldb.Tx, r record, ev int64, names []string) error {
	for i, name := range names {
		subject := r.Subject
		if v, err := s.d.Processes.Latest(ctx, name); err == nil && v.Definition != nil {
			subject = v.Definition.Title.In("ru")
		}
		_, err := s.OpenTx(ctx, tx, okno.System, NewCase{Process: name, ApplicantID: r.ApplicantID, OrgID: r.OrgID,
			Subject: subject, Channel: ChannelSystem, ParentID: r.ID,
			IdempotencyKey: fmt.Sprintf("child:%d:%d:%d", r.ID, ev, i)})
		if err != nil {
			return fmt.Errorf("casework: open child %s of case %d: %w", name, r.ID, err)
		}
	}
	return nil
}

// handleChildDone is ChildDoneTopic's handler.
func (s *Service) handleChildDone(ctx context.Context, m outbox.Message) error {
	var p childDone
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return outbox.Permanent(fmt.Errorf("casework: child_done payload: %w", err))
	}
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error { return s.childDone(ctx, tx, p) })
}

// childDone records on the parent that a child closed, once (the event's
// action names the child and its closing version), and when every child
// is closed takes, as the system, the first action out of the parent's
// state that waits for its children and that the system may take.
func (s *Service) childDone(ctx context.Context, tx *sqldb.Tx, p childDone) error {
	marker := fmt.Sprintf("child:%d:%d", p.Child, p.Seq)
	var seen int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = ? AND action = ?`,
		p.Parent, EventChildDone, marker).Scan(&seen); err != nil {
		return fmt.Errorf("casework: child_done of case %d: %w", p.Parent, err)
	}
	if seen > 0 {
		return nil
	}
	r, err := loadCase(ctx, tx, p.Parent)
	if err != nil {
		return err
	}
	def, err := s.definitionOf(ctx, &r)
	if err != nil {
		return err
	}
	before := r
	if _, err := s.bump(ctx, tx, okno.System, before, &r, Event{Kind: EventChildDone, Action: marker,
		FromState: r.State, ToState: r.State}); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, okno.System, "case.child_done", before, r); err != nil {
		return err
	}
	kids, err := childrenOf(ctx, tx, r.ID)
	if err != nil || kids.done < kids.total {
		return err
	}
	a, ok := childrenDoneAction(def, r.State)
	if !ok {
		return nil
	}
	return s.takeAsSystem(ctx, tx, r, def, a, newOrgCache(s.d.Orgs))
}

// childrenDoneAction is the first action out of state whose guards wait
// for the children and which the system may take.
func childrenDoneAction(def *process.Definition, state string) (process.Action, bool) {
	for _, a := range def.ActionsFrom(state) {
		if !slices.Contains(a.Guards, process.GuardChildrenDone) {
			continue
		}
		if a.Allows(func(p process.Party) bool { return p.System }) {
			return a, true
		}
	}
	return process.Action{}, false
}

// takeAsSystem takes action a on r as the system (a timeout, children
// done), with no comment, fields or documents. An action that cannot be
// taken so — a guard fails, a comment is required — is an error the
// caller logs; the case stays as it is.
func (s *Service) takeAsSystem(ctx context.Context, tx *sqldb.Tx, r record, def *process.Definition, a process.Action, oc *orgCache) error {
	in := ActionInput{CaseID: r.ID, Version: r.Version, Action: a.Name}
	if _, _, err := s.checkAction(ctx, tx, okno.System, r, def, sightFull, in, oc); err != nil {
		return fmt.Errorf("casework: system action %s on case %d: %w", a.Name, r.ID, err)
	}
	_, err := s.apply(ctx, tx, okno.System, r, def, a, in, nil, oc)
	return err
}
