package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// Act takes an action on a case: checks who, guards, version, required
// fields and documents; moves the state; updates clocks; records the
// event, the audit entry and the effects; all in one transaction. A stale
// version is an ECONFLICT error and changes nothing.
func (s *Service) Act(ctx context.Context, actor okno.Actor, in ActionInput) (Case, error) {
	oc := newOrgCache(s.d.Orgs)
	r, def, sg, err := s.visible(ctx, s.d.DB, actor, in.CaseID, oc)
	if err != nil {
		return Case{}, err
	}
	if r.Version != in.Version {
		return Case{}, conflict()
	}
	a, n, err := s.checkAction(ctx, s.d.DB, actor, r, def, sg, in, oc)
	if err != nil {
		return Case{}, err
	}
	files, err := s.store(ctx, def, n, in.Documents)
	if err != nil {
		return Case{}, err
	}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		r, err = s.apply(ctx, tx, actor, r, def, a, in, files, oc)
		return err
	})
	if err != nil {
		return Case{}, err
	}
	if err := s.openData(&r); err != nil {
		return Case{}, err
	}
	return r.Case, nil
}

// checkAction checks that actor may take in.Action on r now and that the
// input is complete: the action exists and leads out of the case's state
// (a closed case takes only its terminal state's reopening actions), actor
// is one of its parties, its guards hold, and its comment, fields and
// required documents are there. It returns the action and how many
// documents the case holds (counted only when the action needs it).
func (s *Service) checkAction(ctx context.Context, q sqldb.Querier, actor okno.Actor, r record, def *process.Definition,
	sg sight, in ActionInput, oc *orgCache) (process.Action, int, error) {
	a, ok := def.Action(in.Action)
	if !ok {
		var fe okno.FieldErrors
		fe.Add("action", "casework.action_unknown")
		return process.Action{}, 0, fe.Err()
	}
	if !slices.Contains(a.From, r.State) {
		if !r.Open() {
			return process.Action{}, 0, okno.Errorf(okno.EINVALID, "casework.case_closed")
		}
		return process.Action{}, 0, okno.Errorf(okno.EINVALID, "casework.action_not_available")
	}
	if sg < sightFull {
		return process.Action{}, 0, okno.Errorf(okno.EFORBIDDEN, "casework.action_forbidden")
	}
	party, err := s.mayTake(ctx, actor, r, a, oc)
	if err != nil {
		return process.Action{}, 0, err
	}
	if !party {
		return process.Action{}, 0, okno.Errorf(okno.EFORBIDDEN, "casework.action_forbidden")
	}
	if len(a.Guards) > 0 {
		kids, err := childrenOf(ctx, q, r.ID)
		if err != nil {
			return process.Action{}, 0, err
		}
		if key := kids.failing(a.Guards); key != "" {
			return process.Action{}, 0, okno.Errorf(okno.EINVALID, key)
		}
	}
	fe := s.checkInput(a, in)
	n := 0
	if len(a.Documents) > 0 || len(in.Documents) > 0 {
		var err error
		if n, err = s.missingDocuments(ctx, q, r.ID, def, a, in.Documents, &fe); err != nil {
			return process.Action{}, 0, err
		}
	}
	return a, n, fe.Err()
}

// missingDocuments adds a field error for every document kind a requires
// that is neither among ups nor attached to the case before, and returns
// how many documents the case holds.
func (s *Service) missingDocuments(ctx context.Context, q sqldb.Querier, caseID int64, def *process.Definition,
	a process.Action, ups []Upload, fe *okno.FieldErrors) (int, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, COUNT(*) FROM case_documents WHERE case_id = ? GROUP BY kind`, caseID)
	if err != nil {
		return 0, fmt.Errorf("casework: documents of case %d: %w", caseID, err)
	}
	defer rows.Close()
	have, total := map[string]bool{}, 0
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return 0, err
		}
		have[kind], total = true, total+n
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, up := range ups {
		have[up.Kind] = true
	}
	for _, kind := range a.Documents {
		if !have[kind] {
			fe.Add("documents", "casework.document_required", docTitle(def, kind))
		}
	}
	return total, nil
}

// checkInput checks the action's comment and fields as the action
// declares them and the comment against the service's limit.
func (s *Service) checkInput(a process.Action, in ActionInput) okno.FieldErrors {
	var fe okno.FieldErrors
	if err := a.CheckInput(in.Comment, in.Fields); err != nil {
		fe = append(fe, okno.AsError(err).Fields...)
	}
	if n := s.d.Limits.MaxCommentLength; utf8.RuneCountInString(in.Comment) > n && !slices.ContainsFunc(fe,
		func(f okno.FieldError) bool { return f.Field == "comment" }) {
		fe.Add("comment", "casework.too_long", n)
	}
	return fe
}

// docTitle is the Russian title of a document kind, for messages.
func docTitle(def *process.Definition, kind string) string {
	if k, ok := def.Document(kind); ok {
		return k.Title.In("ru")
	}
	return kind
}

// apply takes action a on r in tx, as checked by checkAction: the state
// and clocks move, the event and documents are written, the effects run,
// a child reaching its end tells its parent, and the audit entry comes
// last. It returns the case as it now is.
func (s *Service) apply(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r record, def *process.Definition,
	a process.Action, in ActionInput, files []stored, oc *orgCache) (record, error) {
	before := r
	if a.To != r.State {
		to, ok := def.State(a.To)
		if !ok {
			return record{}, fmt.Errorf("casework: action %s leads to unknown state %q", a.Name, a.To)
		}
		arrive(s.d.Calendars.Current(), &r, to, s.now())
	}
	ev, err := s.bump(ctx, tx, actor, before, &r, Event{Kind: EventAction, Action: a.Name, FromState: before.State,
		ToState: r.State, Comment: in.Comment, Fields: in.Fields, CitizenVisible: a.CitizenVisible})
	if err != nil {
		return record{}, err
	}
	visible := actor.Kind == okno.ActorCitizen || a.CitizenVisible
	if err := s.insertDocuments(ctx, tx, r.ID, ev, actor.Ref(), visible, files); err != nil {
		return record{}, err
	}
	if err := s.effects(ctx, tx, actor, r, def, a, ev, oc); err != nil {
		return record{}, err
	}
	if r.ParentID != 0 && before.Open() && !r.Open() {
		if err := s.tellParent(ctx, tx, r, ev); err != nil {
			return record{}, err
		}
	}
	if err := s.audit(ctx, tx, actor, "case."+a.Name, before, r); err != nil {
		return record{}, err
	}
	return r, nil
}

// childDone is the payload of ChildDoneTopic: ids only.
type childDone struct {
	Parent int64 `json:"parent"`
	Child  int64 `json:"child"`
	Seq    int64 `json:"seq"` // the child's version that closed it
}

// tellParent enqueues the message that records on r's parent that r
// reached a terminal state.
func (s *Service) tellParent(ctx context.Context, tx *sqldb.Tx, r record, ev int64) error {
	b, err := json.Marshal(childDone{Parent: r.ParentID, Child: r.ID, Seq: r.Version})
	if err != nil {
		return err
	}
	return s.d.Outbox.Enqueue(ctx, tx, outbox.Message{Topic: ChildDoneTopic,
		Key: "case:" + idString(r.ID) + ":event:" + idString(ev), Payload: b})
}

// Allowed lists the actions actor may take on c now: out of its state
// (only reopening ones when it is closed), with actor among the parties
// and the guards holding. What the input must hold is left to the form.
func (s *Service) Allowed(ctx context.Context, actor okno.Actor, c Case) ([]AllowedAction, error) {
	oc := newOrgCache(s.d.Orgs)
	r, def, sg, err := s.visible(ctx, s.d.DB, actor, c.ID, oc)
	if err != nil || sg < sightFull {
		return nil, err
	}
	var kids children
	var loaded bool
	var out []AllowedAction
	for _, a := range def.ActionsFrom(r.State) {
		ok, err := s.mayTake(ctx, actor, r, a, oc)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if len(a.Guards) > 0 && !loaded {
			if kids, err = childrenOf(ctx, s.d.DB, r.ID); err != nil {
				return nil, err
			}
			loaded = true
		}
		if kids.failing(a.Guards) != "" {
			continue
		}
		to, _ := def.State(a.To)
		out = append(out, AllowedAction{Action: a, Target: to})
	}
	return out, nil
}
