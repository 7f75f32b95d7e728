package appeal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

// The projection: every change casework records on an appeal's case
// reaches observe in the change's transaction, and observe keeps the
// appeals row in step — its public status, state, organisation, clocks,
// counters and, when moderation passes it, its public text. The row is
// therefore never behind the case, and the map, Open311 and analytics
// read it without touching sealed data.

// projected is what observe reads of an appeals row before changing it.
type projected struct {
	status    Status
	state     string
	published bool
	answered  bool
	dueAt     time.Time
}

// observe keeps the appeals row in step with its case.
func (s *Service) observe(ctx context.Context, tx *sqldb.Tx, before, after casework.Case, e casework.Event) error {
	var p projected
	err := tx.QueryRowContext(ctx, `SELECT status, state, published_at IS NOT NULL, answered_at IS NOT NULL, due_at
		FROM appeals WHERE case_id = ?`, after.ID).Scan(&p.status, &p.state, &p.published, &p.answered, &p.dueAt)
	if errors.Is(err, sql.ErrNoRows) {
		// A case of the appeal process opened without this package (an
		// engine test, a history import that writes its own rows later):
		// nothing to keep in step.
		return nil
	}
	if err != nil {
		return fmt.Errorf("appeal: projection of case %d: %w", after.ID, err)
	}
	status := s.projectStatus(p, after)
	now := s.now()
	set := `status = ?, state = ?, org_id = ?, outcome = ?, closed_at = ?, updated_at = ?`
	args := []any{string(status), after.State, after.OrgID, after.Outcome, nullTime(after.ClosedAt), sqldb.Now(after.UpdatedAt)}
	if !after.Legal.Due.IsZero() {
		set += `, due_at = ?`
		args = append(args, sqldb.Now(after.Legal.Due))
		p.dueAt = after.Legal.Due
	}
	if e.Kind == casework.EventRerouted || after.OrgID != before.OrgID {
		set += `, reroutes = reroutes + 1`
	}
	if status == StatusOpen && (p.status == StatusAnswered || p.status.Closed()) {
		set += `, reopened = reopened + 1`
	}
	if !p.published && p.status == StatusModeration && status != StatusModeration && status != StatusRejected {
		d, err := s.d.Cases.DataTx(ctx, tx, after.ID)
		if err != nil {
			return fmt.Errorf("appeal: text of case %d to publish: %w", after.ID, err)
		}
		text, _ := d["text"].(string)
		set += `, published_at = ?, public_text = ?`
		args = append(args, now, MaskPersonal(text))
	}
	if !p.answered && answers(status) {
		at := after.LegalMetAt
		if at.IsZero() {
			at = now
		}
		set += `, answered_at = ?, answered_on_time = ?`
		args = append(args, sqldb.Now(at), !at.After(p.dueAt))
	}
	args = append(args, after.ID)
	if _, err := tx.ExecContext(ctx, `UPDATE appeals SET `+set+` WHERE case_id = ?`, args...); err != nil {
		return fmt.Errorf("appeal: update projection of case %d: %w", after.ID, err)
	}
	return nil
}

// projectStatus is the public status of case c whose appeals row was p. It
// reads what the case says of its state rather than state names, so a
// region's own version of the process keeps the statuses right:
//   - a closed case has its terminal state's outcome (fixed, fixed_auto,
//     not_fixed, rejected);
//   - a case still in the state it was filed in (the process's start
//     state, moderation) is in moderation;
//   - an open case whose state stopped the legal clock (the obligation is
//     met, the citizen is asked to confirm) is answered;
//   - anything else is open.
func (s *Service) projectStatus(p projected, c casework.Case) Status {
	if !c.Open() {
		switch st := Status(c.Outcome); st {
		case StatusFixed, StatusFixedAuto, StatusNotFixed, StatusRejected:
			return st
		}
		s.d.Logger.Warn("appeal: terminal state with an unknown outcome counts as not fixed",
			"case", c.ID, "state", c.State, "outcome", c.Outcome)
		return StatusNotFixed
	}
	if p.status == StatusModeration && c.State == p.state {
		return StatusModeration
	}
	if !c.LegalMetAt.IsZero() {
		return StatusAnswered
	}
	return StatusOpen
}

// answers reports whether reaching status means the body has answered:
// an answer, or a closing by the body (fixed, not fixed). A moderator's
// rejection is not the body's answer.
func answers(st Status) bool {
	switch st {
	case StatusAnswered, StatusFixed, StatusFixedAuto, StatusNotFixed:
		return true
	}
	return false
}
