package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// maxTimeline bounds the events one Timeline call returns; a case with
// more is a runaway, and its oldest events are what matter.
const maxTimeline = 5000

// visible loads case id with its definition and what actor may see of
// it; a case actor may not see at all is ENOTFOUND, as is a missing one.
func (s *Service) visible(ctx context.Context, q sqldb.Querier, actor okno.Actor, id int64, oc *orgCache) (record, *process.Definition, sight, error) {
	r, err := loadCase(ctx, q, id)
	if err != nil {
		return record{}, nil, sightNone, err
	}
	def, err := s.definitionOf(ctx, &r)
	if err != nil {
		return record{}, nil, sightNone, err
	}
	sg, err := s.sightOf(ctx, actor, r, def, oc)
	if err != nil {
		return record{}, nil, sightNone, err
	}
	if sg == sightNone {
		return record{}, nil, sightNone, notFound()
	}
	return r, def, sg, nil
}

// Get returns a case actor may see; ENOTFOUND when it does not exist or
// actor may not see it (never telling the two apart). Data is filled only
// for viewers who see the case in full.
func (s *Service) Get(ctx context.Context, actor okno.Actor, id int64) (Case, error) {
	r, _, sg, err := s.visible(ctx, s.d.DB, actor, id, newOrgCache(s.d.Orgs))
	if err != nil {
		return Case{}, err
	}
	if sg == sightFull {
		if err := s.openData(&r); err != nil {
			return Case{}, err
		}
	}
	return r.Case, nil
}

// ByRef is Get by reference number.
func (s *Service) ByRef(ctx context.Context, actor okno.Actor, ref string) (Case, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 32 {
		return Case{}, notFound()
	}
	var id int64
	err := s.d.DB.QueryRowContext(ctx, `SELECT id FROM cases WHERE ref = ?`, ref).Scan(&id)
	if err != nil {
		return Case{}, sqldb.NotFound(err, "casework.not_found")
	}
	return s.Get(ctx, actor, id)
}

// Definition returns the process version a case runs on, for titles.
func (s *Service) Definition(ctx context.Context, c Case) (process.Version, error) {
	v, err := s.d.Processes.ByID(ctx, c.ProcessID)
	if err != nil {
		return process.Version{}, fmt.Errorf("casework: process version %d: %w", c.ProcessID, err)
	}
	return v, nil
}

// Timeline returns the case's events, oldest first; a citizen sees only
// the citizen-visible ones (never internal notes), and a viewer who sees
// only the status sees those without their comments and fields.
func (s *Service) Timeline(ctx context.Context, actor okno.Actor, id int64) ([]Event, error) {
	r, _, sg, err := s.visible(ctx, s.d.DB, actor, id, newOrgCache(s.d.Orgs))
	if err != nil {
		return nil, err
	}
	citizenView := actor.Kind == okno.ActorCitizen || sg < sightFull
	q := `SELECT id, seq, kind, action, from_state, to_state, actor, actor_name, comment_enc, fields_enc, citizen_visible, at
		FROM case_events WHERE case_id = ?`
	if citizenView {
		q += ` AND citizen_visible = TRUE AND kind <> 'note'`
	}
	rows, err := s.d.DB.QueryContext(ctx, q+` ORDER BY seq LIMIT `+strconv.Itoa(maxTimeline), r.ID)
	if err != nil {
		return nil, fmt.Errorf("casework: timeline of case %d: %w", r.ID, err)
	}
	defer rows.Close()
	var es []Event
	for rows.Next() {
		e := Event{CaseID: r.ID}
		var comment, fields []byte
		if err := rows.Scan(&e.ID, &e.Seq, &e.Kind, &e.Action, &e.FromState, &e.ToState, &e.Actor, &e.ActorName,
			&comment, &fields, &e.CitizenVisible, &e.At); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		if sg == sightFull {
			if err := s.openEvent(&e, comment, fields); err != nil {
				return nil, err
			}
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// openEvent unseals an event's comment and fields.
func (s *Service) openEvent(e *Event, comment, fields []byte) error {
	if len(comment) > 0 {
		b, err := s.d.Sealer.Open(comment, eventAAD("comment_enc", e.CaseID, e.Seq))
		if err != nil {
			return fmt.Errorf("casework: open comment of event %d: %w", e.ID, err)
		}
		e.Comment = string(b)
	}
	if len(fields) > 0 {
		b, err := s.d.Sealer.Open(fields, eventAAD("fields_enc", e.CaseID, e.Seq))
		if err != nil {
			return fmt.Errorf("casework: open fields of event %d: %w", e.ID, err)
		}
		if err := json.Unmarshal(b, &e.Fields); err != nil {
			return fmt.Errorf("casework: decode fields of event %d: %w", e.ID, err)
		}
	}
	return nil
}

// Note adds an internal note, never shown to the citizen. Staff who see
// the case in full may write one, also on a closed case.
func (s *Service) Note(ctx context.Context, actor okno.Actor, caseID, version int64, text string) (Case, error) {
	var fe okno.FieldErrors
	if strings.TrimSpace(text) == "" {
		fe.Add("text", "casework.note_required")
	} else if n := s.d.Limits.MaxCommentLength; utf8.RuneCountInString(text) > n {
		fe.Add("text", "casework.too_long", n)
	}
	if err := fe.Err(); err != nil {
		return Case{}, err
	}
	var r record
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var sg sight
		var err error
		r, _, sg, err = s.visible(ctx, tx, actor, caseID, newOrgCache(s.d.Orgs))
		if err != nil {
			return err
		}
		if sg < sightFull || !mayNote(actor) {
			return okno.Errorf(okno.EFORBIDDEN, "casework.note_forbidden")
		}
		if r.Version != version {
			return conflict()
		}
		before := r
		if _, err := s.bump(ctx, tx, actor, before, &r, Event{Kind: EventNote, Comment: text}); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "case.note", before, r)
	})
	if err != nil {
		return Case{}, err
	}
	return r.Case, nil
}

// bump records event e on r, changed from before: the case's version
// goes up by one (the event's seq), the changes are saved expecting
// before's version, and the event is appended. It returns the event's id.
func (s *Service) bump(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, before record, r *record, e Event) (int64, error) {
	r.Version = before.Version + 1
	r.UpdatedAt = s.now()
	if err := save(ctx, tx, before, *r); err != nil {
		return 0, err
	}
	e.CaseID, e.Seq, e.At = r.ID, r.Version, r.UpdatedAt
	e.Actor, e.ActorName = actor.Ref(), actor.Name
	id, err := s.insertEvent(ctx, tx, e)
	if err != nil {
		return 0, err
	}
	e.ID = id
	for _, o := range s.observers[r.Kind] {
		if err := o(ctx, tx, before.Case, r.Case, e); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// RecordTx appends event e to case caseID in the caller's transaction,
// for changes a feature makes to what it owns of a case (an appeal
// re-categorised): the case's version goes up, observers see it, and the
// change is audited as "case.<kind>". The caller has decided that actor
// may do it. version, when not 0, must be the case's current version.
// Only Kind, Action, Comment, Fields and CitizenVisible of e are used.
func (s *Service) RecordTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, caseID, version int64, e Event) (Case, error) {
	if e.Kind == "" {
		return Case{}, fmt.Errorf("casework: RecordTx needs an event kind")
	}
	r, err := loadCase(ctx, tx, caseID)
	if err != nil {
		return Case{}, err
	}
	if version != 0 && r.Version != version {
		return Case{}, conflict()
	}
	before := r
	ev := Event{Kind: e.Kind, Action: e.Action, FromState: r.State, ToState: r.State, Comment: e.Comment,
		Fields: e.Fields, CitizenVisible: e.CitizenVisible}
	if _, err := s.bump(ctx, tx, actor, before, &r, ev); err != nil {
		return Case{}, err
	}
	if err := s.audit(ctx, tx, actor, "case."+string(e.Kind), before, r); err != nil {
		return Case{}, err
	}
	return r.Case, nil
}

// auditState is what the audit log commits to of a case: where it is and
// who has it; never personal data.
type auditState struct {
	State      string `json:"state"`
	Version    int64  `json:"version"`
	OrgID      int64  `json:"org_id"`
	PositionID int64  `json:"position_id"`
	AssigneeID int64  `json:"assignee_id"`
	Escalation int    `json:"escalation"`
}

func stateOf(r record) auditState {
	return auditState{State: r.State, Version: r.Version, OrgID: r.OrgID, PositionID: r.PositionID,
		AssigneeID: r.AssigneeID, Escalation: r.Escalation.Level}
}

// audit appends the audit entry of a change from before to after; call it
// last in the transaction. A zero before (ID 0) is a creation.
func (s *Service) audit(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, before, after record) error {
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "case", ObjectID: strconv.FormatInt(after.ID, 10),
		After: audit.Digest(stateOf(after))}
	if before.ID != 0 {
		e.Before = audit.Digest(stateOf(before))
	}
	if _, err := s.d.Audit.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("casework: audit %s: %w", action, err)
	}
	return nil
}
