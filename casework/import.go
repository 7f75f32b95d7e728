package casework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// ChannelImport marks cases brought from another system's history (a
// region's earlier feedback portal), not filed here.
const ChannelImport Channel = "import"

// Limits of one historic case.
const (
	maxHistoricEvents = 1000
	maxImportBatch    = 5000
)

// Historic is a case from another system's history, to be stored as it
// went there: opened at CreatedAt and moved through Events. Its clocks are
// replayed by the same rules as a live case's, so a case that ended there
// is closed here with its outcome, and one that did not is open with the
// clocks it would have now, for the scheduler to act on.
type Historic struct {
	Process string // process name: the latest published version is used
	OrgID   int64  // the responsible organisation
	Subject string
	Data    map[string]any // sealed like every case's data
	// LegalClock overrides the process's legal clock; LegalDue, when set,
	// is the deadline the other system gave, which then replaces the
	// clock's own.
	LegalClock *calendar.Period
	LegalDue   time.Time
	// Key is the case's identity in the other system ("spb:2947909"),
	// stored as the case's idempotency key under the importing actor: a
	// case imported once is not imported again.
	Key       string
	CreatedAt time.Time
	Events    []HistoricEvent // oldest first, after the opening
}

// HistoricEvent is one entry of a historic case's timeline.
type HistoricEvent struct {
	// ToState is the state the case moved to; "" leaves the state as it
	// was (an answer given without a change of status).
	ToState string
	// Action names the process action; "" is the one leading from the
	// state before to ToState, when the process has one.
	Action string
	// ActorName is who acted there ("Администрация Невского района"):
	// there is no account here to refer to.
	ActorName string
	Comment   string // sealed, like every comment
	At        time.Time
}

// Imported is what became of one Historic: the case as stored, or why it
// was not (Err: an okno error; ECONFLICT when its Key was imported
// before).
type Imported struct {
	Case Case
	Err  error
}

// ImportTx stores historic cases in the caller's transaction, in bulk:
// multi-row inserts of the cases (data sealed) and their timelines
// (comments sealed), then project — where the importing feature writes
// its own rows of the cases — then one audit entry per case
// ("case.import"), last. No process effect runs: history is not notified
// to anyone, nor sent to webhooks, and no observer is called (project is
// the feature's chance to keep its rows). The result is aligned with hs;
// a case that cannot be stored is left out with the reason, and the rest
// are stored. The caller has decided that actor may import.
func (s *Service) ImportTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, hs []Historic, project func([]Imported) error) ([]Imported, error) {
	if len(hs) > maxImportBatch {
		return nil, fmt.Errorf("casework: import of %d cases at once: at most %d", len(hs), maxImportBatch)
	}
	out := make([]Imported, len(hs))
	rs := make([]record, len(hs))
	events := make([][]Event, len(hs))
	oc, defs := newOrgCache(s.d.Orgs), map[string]process.Version{}
	cal := s.d.Calendars.Current()
	for i := range hs {
		v, err := s.historicVersion(ctx, defs, hs[i].Process)
		if err == nil {
			rs[i], events[i], err = s.replay(ctx, oc, cal, actor, v, hs[i])
		}
		if err != nil {
			if !isOkno(err) {
				return nil, err
			}
			out[i].Err = err
		}
	}
	if err := markImported(ctx, tx, actor, hs, out); err != nil {
		return nil, err
	}
	var todo []int
	for i := range out {
		if out[i].Err == nil {
			todo = append(todo, i)
		}
	}
	if err := s.insertHistoric(ctx, tx, hs, rs, events, todo); err != nil {
		return nil, err
	}
	for _, i := range todo {
		out[i].Case = rs[i].Case
	}
	if project != nil {
		if err := project(out); err != nil {
			return nil, err
		}
	}
	for _, i := range todo {
		if err := s.audit(ctx, tx, actor, "case.import", record{}, rs[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// isOkno says whether err is an okno error: a reason to leave one case
// out, where any other error stops the import.
func isOkno(err error) bool {
	var e *okno.Error
	return errors.As(err, &e)
}

// historicVersion finds the latest version of a process once per import.
func (s *Service) historicVersion(ctx context.Context, cache map[string]process.Version, name string) (process.Version, error) {
	if v, ok := cache[name]; ok {
		return v, nil
	}
	v, err := s.d.Processes.Latest(ctx, name)
	switch {
	case okno.IsCode(err, okno.ENOTFOUND) || (err == nil && v.Definition == nil):
		return process.Version{}, okno.FieldErrors{{Field: "process", Key: "casework.process_unknown"}}.Err()
	case err != nil:
		return process.Version{}, fmt.Errorf("casework: process %q: %w", name, err)
	}
	cache[name] = v
	return v, nil
}

// replay checks a historic case and plays its timeline on the clocks:
// the record as the case stands after its last event, and its events
// (the opening first) numbered as a live case's would be.
func (s *Service) replay(ctx context.Context, oc *orgCache, cal *calendar.Calendar, actor okno.Actor, v process.Version, h Historic) (record, []Event, error) {
	def := v.Definition
	in := NewCase{Process: h.Process, OrgID: h.OrgID, Subject: strings.TrimSpace(h.Subject), Data: h.Data,
		LegalClock: h.LegalClock, IdempotencyKey: h.Key}
	fe := validateNew(in)
	if h.Key == "" {
		fe.Add("key", "casework.import_key_required")
	}
	if h.CreatedAt.IsZero() {
		fe.Add("created_at", "casework.import_time_missing")
	}
	if len(h.Events) > maxHistoricEvents {
		fe.Add("events", "casework.import_too_many_events", maxHistoricEvents)
	}
	if h.OrgID != 0 {
		if err := s.checkPlace(ctx, oc, h.OrgID, 0, 0, &fe); err != nil {
			return record{}, nil, err
		}
	}
	start := def.StartState()
	period := def.LegalClock
	if h.LegalClock != nil {
		period = h.LegalClock
	}
	if start.Name == "" || period == nil || period.Days <= 0 {
		return record{}, nil, fmt.Errorf("casework: process %s v%d has no start state or legal clock", v.Name, v.Version)
	}
	if err := fe.Err(); err != nil {
		return record{}, nil, err
	}

	created := sqldb.Now(h.CreatedAt)
	r := record{Case: Case{Kind: def.Kind, Process: v.Name, ProcessVersion: v.Version, ProcessID: v.ID,
		Version: 1, OrgID: h.OrgID, Subject: in.Subject, Channel: ChannelImport, Data: h.Data,
		CreatedAt: created, UpdatedAt: created}, createdBy: actor.Ref()}
	r.Legal = cal.Start(created, *period)
	if !h.LegalDue.IsZero() {
		r.Legal.Due = sqldb.Now(h.LegalDue).UTC()
	}
	arrive(cal, &r, start, created)
	es := make([]Event, 0, len(h.Events)+1)
	es = append(es, Event{Seq: 1, Kind: EventOpened, ToState: r.State, Actor: actor.Ref(), CitizenVisible: true, At: created})
	last := created
	for j, he := range h.Events {
		at := sqldb.Now(he.At)
		field := fmt.Sprintf("events[%d]", j)
		switch {
		case he.At.IsZero():
			fe.Add(field, "casework.import_time_missing")
		case at.Before(last):
			fe.Add(field, "casework.import_time_order")
		case !utf8.ValidString(he.Comment) || !utf8.ValidString(he.ActorName):
			fe.Add(field, "casework.data_invalid")
		case utf8.RuneCountInString(he.Comment) > s.d.Limits.MaxCommentLength:
			fe.Add(field, "casework.too_long", s.d.Limits.MaxCommentLength)
		case utf8.RuneCountInString(he.ActorName) > maxSubject:
			fe.Add(field, "casework.too_long", maxSubject)
		}
		e := Event{Seq: int64(j + 2), Kind: EventAction, Action: he.Action, FromState: r.State, ToState: r.State,
			Actor: actor.Ref(), ActorName: he.ActorName, Comment: he.Comment, CitizenVisible: true, At: at}
		if he.ToState != "" {
			st, ok := def.State(he.ToState)
			if !ok {
				fe.Add(field, "casework.import_state_unknown", he.ToState)
				continue
			}
			arrive(cal, &r, st, at)
			e.ToState = st.Name
		}
		if e.Action == "" {
			e.Action = actionBetween(def, e.FromState, e.ToState)
		}
		es = append(es, e)
		last = at
	}
	if err := fe.Err(); err != nil {
		return record{}, nil, err
	}
	r.Version = int64(len(es))
	r.UpdatedAt = last
	return r, es, nil
}

// actionBetween names the process action that leads from one state to
// another, or "" when none does (the other system moved the case in a way
// this process does not, e.g. back to moderation after an answer).
func actionBetween(def *process.Definition, from, to string) string {
	if from == to {
		return ""
	}
	for _, a := range def.ActionsFrom(from) {
		if a.To == to {
			return a.Name
		}
	}
	return ""
}

// markImported sets ECONFLICT on the cases whose Key actor imported
// before, and on repeats of a Key within hs.
func markImported(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, hs []Historic, out []Imported) error {
	seen := map[string]bool{}
	var keys []any
	for i, h := range hs {
		if out[i].Err != nil {
			continue
		}
		if seen[h.Key] {
			out[i].Err = okno.Errorf(okno.ECONFLICT, "casework.import_repeated")
			continue
		}
		seen[h.Key] = true
		keys = append(keys, h.Key)
	}
	have := map[string]bool{}
	for _, chunk := range sqldb.Chunks(len(keys), sqldb.MaxParams(tx)-1) {
		rows, err := tx.QueryContext(ctx, `SELECT idempotency_key FROM cases WHERE created_by = ? AND idempotency_key IN (`+
			sqldb.Placeholders(chunk.N, 1)+`)`, append([]any{actor.Ref()}, keys[chunk.From:chunk.From+chunk.N]...)...)
		if err != nil {
			return fmt.Errorf("casework: find imported cases: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			have[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for i, h := range hs {
		if out[i].Err == nil && have[h.Key] {
			out[i].Err = okno.Errorf(okno.ECONFLICT, "casework.import_repeated")
		}
	}
	return nil
}

// insertHistoric writes the cases rs[i] and their events for i in todo:
// ids are reserved first, so that the sealed data, bound to its row's
// id, goes in with the row.
func (s *Service) insertHistoric(ctx context.Context, tx *sqldb.Tx, hs []Historic, rs []record, events [][]Event, todo []int) error {
	if len(todo) == 0 {
		return nil
	}
	ids, err := reserveCaseIDs(ctx, tx, len(todo))
	if err != nil {
		return err
	}
	for k, i := range todo {
		rs[i].ID = ids[k]
	}
	if err := assignRefs(ctx, tx, s.d.Calendars.Current(), rs, todo); err != nil {
		return err
	}
	const caseCols = 24
	rows := make([]any, 0, len(todo)*caseCols)
	for _, i := range todo {
		r := &rs[i]
		var data []byte
		if len(r.Data) > 0 {
			b, err := json.Marshal(r.Data)
			if err != nil {
				return fmt.Errorf("casework: encode data: %w", err)
			}
			if data, err = s.d.Sealer.Seal(b, dataAAD(r.ID)); err != nil {
				return fmt.Errorf("casework: seal data: %w", err)
			}
		}
		rows = append(rows, r.ID, r.Ref, r.Kind, r.ProcessID, r.State, r.Version, r.OrgID, r.Subject, r.Channel, data,
			r.Legal.Period.String(), sqldb.Now(r.Legal.Due), nullTime(r.Legal.PausedAt), nullTime(r.LegalMetAt),
			r.Step.Period.String(), nullTime(r.Step.Due), nullTime(r.Step.PausedAt), nullTime(r.nextDue),
			r.Outcome, hs[i].Key, r.createdBy, r.CreatedAt, r.UpdatedAt, nullTime(r.ClosedAt))
	}
	if err := sqldb.InsertRows(ctx, tx, `INSERT INTO cases (id, ref, kind, process_id, state, version, org_id, subject, channel, data_enc,
		legal_period, legal_due_at, legal_paused_at, legal_met_at, step_period, step_due_at, step_paused_at, next_due_at,
		outcome, idempotency_key, created_by, created_at, updated_at, closed_at) VALUES `, caseCols, rows); err != nil {
		return fmt.Errorf("casework: insert imported cases: %w", err)
	}
	const eventCols = 11
	var evs []any
	for _, i := range todo {
		for _, e := range events[i] {
			e.CaseID = rs[i].ID
			var comment []byte
			if e.Comment != "" {
				var err error
				if comment, err = s.d.Sealer.Seal([]byte(e.Comment), eventAAD("comment_enc", e.CaseID, e.Seq)); err != nil {
					return fmt.Errorf("casework: seal comment: %w", err)
				}
			}
			evs = append(evs, e.CaseID, e.Seq, e.Kind, e.Action, e.FromState, e.ToState, e.Actor, e.ActorName,
				comment, e.CitizenVisible, sqldb.Now(e.At))
		}
	}
	if err := sqldb.InsertRows(ctx, tx, `INSERT INTO case_events
		(case_id, seq, kind, action, from_state, to_state, actor, actor_name, comment_enc, citizen_visible, at) VALUES `,
		eventCols, evs); err != nil {
		return fmt.Errorf("casework: insert imported timelines: %w", err)
	}
	return nil
}

// reserveCaseIDs takes n fresh ids of cases. On SQLite the transaction
// holds the database's write lock from its start, so the ids after the
// largest one stay free until it commits; on PostgreSQL they come from
// the identity column's sequence, as the rows' own would.
func reserveCaseIDs(ctx context.Context, tx *sqldb.Tx, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if tx.Dialect() == sqldb.Postgres {
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, ?)`, n)
		if err != nil {
			return nil, fmt.Errorf("casework: reserve case ids: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(ids) != n {
			return nil, fmt.Errorf("casework: reserved %d case ids of %d", len(ids), n)
		}
		return ids, nil
	}
	var top int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM cases`).Scan(&top); err != nil {
		return nil, fmt.Errorf("casework: reserve case ids: %w", err)
	}
	for k := range n {
		ids = append(ids, top+1+int64(k))
	}
	return ids, nil
}

// assignRefs gives rs[i], i in todo, fresh reference numbers of the year
// each was opened: random ones, drawn again while one is taken or repeats
// another of the batch.
func assignRefs(ctx context.Context, tx *sqldb.Tx, cal *calendar.Calendar, rs []record, todo []int) error {
	pending := todo
	taken := map[string]bool{}
	for range refAttempts {
		batch := map[string]bool{}
		for _, i := range pending {
			for {
				ref, err := newRef(rs[i].CreatedAt.In(cal.Location()).Year())
				if err != nil {
					return err
				}
				if !taken[ref] && !batch[ref] {
					rs[i].Ref, batch[ref] = ref, true
					break
				}
			}
		}
		refs := make([]any, 0, len(pending))
		for _, i := range pending {
			refs = append(refs, rs[i].Ref)
		}
		clash := map[string]bool{}
		for _, c := range sqldb.Chunks(len(refs), sqldb.MaxParams(tx)) {
			rows, err := tx.QueryContext(ctx, `SELECT ref FROM cases WHERE ref IN (`+sqldb.Placeholders(c.N, 1)+`)`, refs[c.From:c.From+c.N]...)
			if err != nil {
				return fmt.Errorf("casework: check reference numbers: %w", err)
			}
			for rows.Next() {
				var ref string
				if err := rows.Scan(&ref); err != nil {
					rows.Close()
					return err
				}
				clash[ref] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for ref := range batch {
			taken[ref] = true
		}
		var again []int
		for _, i := range pending {
			if clash[rs[i].Ref] {
				again = append(again, i)
			}
		}
		if len(again) == 0 {
			return nil
		}
		pending = again
	}
	return fmt.Errorf("casework: no free reference numbers after %d attempts", refAttempts)
}
