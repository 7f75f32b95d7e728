package casework

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// Limits of what opening a case takes.
const (
	maxSubject        = 300
	maxDataBytes      = 256 << 10 // the form data as JSON
	maxIdempotencyKey = 200
	maxLegalDays      = 3650
	refAttempts       = 10 // fresh reference numbers to try when one is taken
)

// Open opens a case on the latest published version of the process, as
// actor (the citizen applying, an operator for a caller, an API client,
// the system for child cases). One transaction.
func (s *Service) Open(ctx context.Context, actor okno.Actor, in NewCase) (Case, error) {
	v, err := s.prepareOpen(ctx, actor, &in)
	if err != nil {
		return Case{}, err
	}
	// A retried open returns the first case before storing anything again.
	if c, ok, err := s.byIdempotency(ctx, s.d.DB, actor, in.IdempotencyKey); ok || err != nil {
		return c, err
	}
	files, err := s.store(ctx, v.Definition, 0, in.Documents)
	if err != nil {
		return Case{}, err
	}
	var c Case
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		c, err = s.open(ctx, tx, actor, in, v, files)
		return err
	})
	return c, err
}

// OpenTx is Open inside the caller's transaction, for features that make
// a case together with their own rows (an appeal, an application). Files
// are stored while the transaction is open; a feature that opens cases at
// a high rate should Prepare first, outside its transaction, and then
// OpenPreparedTx inside it.
func (s *Service) OpenTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, in NewCase) (Case, error) {
	p, err := s.Prepare(ctx, actor, in)
	if err != nil {
		return Case{}, err
	}
	return s.OpenPreparedTx(ctx, tx, p)
}

// Prepared is a case checked and with its files stored, ready to be
// opened in a transaction.
type Prepared struct {
	actor okno.Actor
	in    NewCase
	v     process.Version
	files []stored
}

// Prepare does what opening a case needs outside the transaction: it
// checks who opens what (reading organisations and the process), and
// stores the files (content-addressed: a file stored for a case that is
// then not opened is only an orphan for the collector). Keeping this out
// of the transaction keeps the writer free and a pooled connection never
// waits for another while holding one.
func (s *Service) Prepare(ctx context.Context, actor okno.Actor, in NewCase) (*Prepared, error) {
	v, err := s.prepareOpen(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	files, err := s.store(ctx, v.Definition, 0, in.Documents)
	if err != nil {
		return nil, err
	}
	return &Prepared{actor: actor, in: in, v: v, files: files}, nil
}

// OpenPreparedTx opens a prepared case in the caller's transaction: a
// retried open (its idempotency key) returns the case the first one made.
func (s *Service) OpenPreparedTx(ctx context.Context, tx *sqldb.Tx, p *Prepared) (Case, error) {
	if c, ok, err := s.byIdempotency(ctx, tx, p.actor, p.in.IdempotencyKey); ok || err != nil {
		return c, err
	}
	return s.open(ctx, tx, p.actor, p.in, p.v, p.files)
}

// prepareOpen checks who opens and what, and finds the process version.
func (s *Service) prepareOpen(ctx context.Context, actor okno.Actor, in *NewCase) (process.Version, error) {
	if err := mayOpen(actor, in); err != nil {
		return process.Version{}, err
	}
	in.Subject = strings.TrimSpace(in.Subject)
	fe := validateNew(*in)
	var v process.Version
	if in.Process != "" {
		var err error
		v, err = s.d.Processes.Latest(ctx, in.Process)
		switch {
		case okno.IsCode(err, okno.ENOTFOUND):
			fe.Add("process", "casework.process_unknown")
		case err != nil:
			return process.Version{}, fmt.Errorf("casework: process %q: %w", in.Process, err)
		case v.Definition == nil:
			return process.Version{}, fmt.Errorf("casework: process %q has no definition", in.Process)
		}
	}
	if in.OrgID != 0 {
		if err := s.checkPlace(ctx, newOrgCache(s.d.Orgs), in.OrgID, in.PositionID, 0, &fe); err != nil {
			return process.Version{}, err
		}
	}
	return v, fe.Err()
}

// validateNew checks what opening takes without asking anyone.
func validateNew(in NewCase) okno.FieldErrors {
	var fe okno.FieldErrors
	if in.Process == "" {
		fe.Add("process", "casework.process_required")
	}
	if in.OrgID == 0 {
		fe.Add("org", "casework.org_required")
	}
	switch n := utf8.RuneCountInString(in.Subject); {
	case n == 0:
		fe.Add("subject", "casework.subject_required")
	case n > maxSubject:
		fe.Add("subject", "casework.too_long", maxSubject)
	}
	if len(in.Data) > 0 {
		if b, err := json.Marshal(in.Data); err != nil {
			fe.Add("data", "casework.data_invalid")
		} else if len(b) > maxDataBytes {
			fe.Add("data", "casework.data_too_large", maxDataBytes>>10)
		}
	}
	if len(in.IdempotencyKey) > maxIdempotencyKey {
		fe.Add("idempotency_key", "casework.too_long", maxIdempotencyKey)
	}
	if p := in.LegalClock; p != nil && (p.Days < 1 || p.Days > maxLegalDays) {
		fe.Add("legal_clock", "casework.legal_clock_invalid", maxLegalDays)
	}
	return fe
}

// checkPlace checks that organisation orgID exists, that position posID
// (when set) is one of its positions, and that person (when set) holds a
// position there; problems are field errors "org", "position", "assignee".
func (s *Service) checkPlace(ctx context.Context, oc *orgCache, orgID, posID, person int64, fe *okno.FieldErrors) error {
	_, err := oc.get(ctx, orgID)
	if okno.IsCode(err, okno.ENOTFOUND) {
		fe.Add("org", "casework.org_unknown")
		return nil
	}
	if err != nil {
		return fmt.Errorf("casework: organisation %d: %w", orgID, err)
	}
	if posID != 0 {
		_, ok, err := oc.position(ctx, orgID, posID)
		if err != nil {
			return err
		}
		if !ok {
			fe.Add("position", "casework.position_unknown")
		}
	}
	if person != 0 {
		ok, err := oc.holds(ctx, person, orgID, 0)
		if err != nil {
			return err
		}
		if !ok {
			fe.Add("assignee", "casework.assignee_not_staff")
		}
	}
	return nil
}

// byIdempotency finds the case actor opened with key before; ok is false
// when there is none (or no key).
func (s *Service) byIdempotency(ctx context.Context, q sqldb.Querier, actor okno.Actor, key string) (Case, bool, error) {
	if key == "" {
		return Case{}, false, nil
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM cases WHERE created_by = ? AND idempotency_key = ?`, actor.Ref(), key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, false, nil
	}
	if err != nil {
		return Case{}, false, fmt.Errorf("casework: find case by idempotency key: %w", err)
	}
	r, _, sg, err := s.visible(ctx, q, actor, id, newOrgCache(s.d.Orgs))
	if err != nil {
		return Case{}, false, err
	}
	if sg == sightFull {
		if err := s.openData(&r); err != nil {
			return Case{}, false, err
		}
	}
	return r.Case, true, nil
}

// open writes a new case in tx: the row (with a fresh reference number),
// its sealed data, the "opened" event, its documents, the effects of
// opening and the audit entry.
func (s *Service) open(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, in NewCase, v process.Version, files []stored) (Case, error) {
	def := v.Definition
	start := def.StartState()
	if start.Name == "" {
		return Case{}, fmt.Errorf("casework: process %s v%d has no start state", v.Name, v.Version)
	}
	period := def.LegalClock
	if in.LegalClock != nil {
		period = in.LegalClock
	}
	if period == nil || period.Days <= 0 {
		return Case{}, fmt.Errorf("casework: process %s v%d has no legal clock", v.Name, v.Version)
	}
	if in.ParentID != 0 {
		if _, err := loadCase(ctx, tx, in.ParentID); err != nil {
			return Case{}, err
		}
	}
	now, cal := s.now(), s.d.Calendars.Current()
	r := record{Case: Case{Kind: def.Kind, Process: v.Name, ProcessVersion: v.Version, ProcessID: v.ID,
		Version: 1, ApplicantID: in.ApplicantID, OrgID: in.OrgID, PositionID: in.PositionID,
		ParentID: in.ParentID, Subject: in.Subject, Channel: in.Channel, Data: in.Data,
		CreatedAt: now, UpdatedAt: now}, createdBy: actor.Ref()}
	r.Legal = cal.Start(now, *period)
	arrive(cal, &r, start, now)
	year := now.In(cal.Location()).Year()
	first, dup, err := s.insertCase(ctx, tx, actor, &r, in.IdempotencyKey, year)
	if err != nil || dup {
		return first, err
	}
	if err := s.sealData(ctx, tx, r); err != nil {
		return Case{}, err
	}
	ev, err := s.insertEvent(ctx, tx, Event{CaseID: r.ID, Seq: 1, Kind: EventOpened, ToState: r.State,
		Actor: actor.Ref(), ActorName: actor.Name, CitizenVisible: true, At: now})
	if err != nil {
		return Case{}, err
	}
	if err := s.insertDocuments(ctx, tx, r.ID, ev, actor.Ref(), true, files); err != nil {
		return Case{}, err
	}
	if err := s.openEffects(ctx, tx, r, def, ev); err != nil {
		return Case{}, err
	}
	if err := s.audit(ctx, tx, actor, "case.open", record{}, r); err != nil {
		return Case{}, err
	}
	return r.Case, nil
}

// insertCase inserts r under a fresh reference number, retrying when the
// number is taken. When a case with the same idempotency key got there
// first, it returns that case and dup.
func (s *Service) insertCase(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r *record, key string, year int) (first Case, dup bool, err error) {
	for range refAttempts {
		if r.Ref, err = newRef(year); err != nil {
			return Case{}, false, err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO cases (ref, kind, process_id, state, version,
				applicant_id, org_id, position_id, parent_id, subject, channel,
				legal_period, legal_due_at, legal_paused_at, legal_met_at,
				step_period, step_due_at, step_paused_at, next_due_at,
				outcome, idempotency_key, created_by, created_at, updated_at, closed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING RETURNING id`,
			r.Ref, r.Kind, r.ProcessID, r.State, r.Version,
			nullID(r.ApplicantID), r.OrgID, nullID(r.PositionID), nullID(r.ParentID), r.Subject, r.Channel,
			r.Legal.Period.String(), sqldb.Now(r.Legal.Due), nullTime(r.Legal.PausedAt), nullTime(r.LegalMetAt),
			r.Step.Period.String(), nullTime(r.Step.Due), nullTime(r.Step.PausedAt), nullTime(r.nextDue),
			r.Outcome, nullString(key), r.createdBy, r.CreatedAt, r.UpdatedAt, nullTime(r.ClosedAt)).Scan(&r.ID)
		if err == nil {
			return Case{}, false, nil
		}
		if sqldb.ViolationOf(err) == sqldb.ForeignKey {
			// The organisation, position and parent were checked: what is
			// left is an applicant who has no account.
			return Case{}, false, &okno.Error{Code: okno.EINVALID, Key: "error.invalid",
				Fields: []okno.FieldError{{Field: "applicant", Key: "casework.applicant_unknown"}}, Err: err}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return Case{}, false, fmt.Errorf("casework: insert case: %w", err)
		}
		// Nothing inserted: the reference number or the idempotency key is taken.
		if c, ok, err := s.byIdempotency(ctx, tx, actor, key); ok || err != nil {
			return c, ok, err
		}
	}
	return Case{}, false, fmt.Errorf("casework: no free reference number after %d attempts", refAttempts)
}

// newRef makes a reference number: the year and eight random digits, so
// that numbers say nothing about how many cases there are and cannot be
// guessed one from another.
func newRef(year int) (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		return "", fmt.Errorf("casework: reference number: %w", err)
	}
	return fmt.Sprintf("%d-%08d", year, n.Int64()), nil
}

// sealData seals the case's form data bound to its row.
func (s *Service) sealData(ctx context.Context, tx *sqldb.Tx, r record) error {
	if len(r.Data) == 0 {
		return nil
	}
	b, err := json.Marshal(r.Data)
	if err != nil {
		return fmt.Errorf("casework: encode data: %w", err)
	}
	enc, err := s.d.Sealer.Seal(b, dataAAD(r.ID))
	if err != nil {
		return fmt.Errorf("casework: seal data: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET data_enc = ? WHERE id = ?`, enc, r.ID); err != nil {
		return fmt.Errorf("casework: store data of case %d: %w", r.ID, err)
	}
	return nil
}

// idString is an id as text, for keys and audit entries.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
