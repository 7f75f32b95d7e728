package casework

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// record is a case row with the columns the engine needs besides Case.
type record struct {
	Case
	createdBy string
	nextDue   time.Time // zero: NULL
	dataEnc   []byte
}

// caseColumns are read by every query of one case; scanCase reads them.
const caseColumns = `c.id, c.ref, c.kind, c.process_id, c.state, c.version,
	c.applicant_id, c.org_id, c.position_id, c.assignee_id,
	c.escalation_level, c.escalated_org_id, c.escalated_position_id, c.parent_id,
	c.subject, c.channel, c.data_enc,
	c.legal_period, c.legal_due_at, c.legal_paused_at, c.legal_met_at,
	c.step_period, c.step_due_at, c.step_paused_at, c.next_due_at,
	c.outcome, c.created_by, c.created_at, c.updated_at, c.closed_at`

// caseFrom is the FROM clause that goes with caseColumns. The process's
// name and version come from its cached definition (definitionOf), which
// keeps the query short: it runs on every action.
const caseFrom = ` FROM cases c`

func scanCase(sc interface{ Scan(...any) error }) (record, error) {
	var r record
	var applicant, position, assignee, escOrg, escPos, parent sql.NullInt64
	var legalPaused, legalMet, stepDue, stepPaused, nextDue, closed sql.NullTime
	var legalPeriod, stepPeriod string
	err := sc.Scan(&r.ID, &r.Ref, &r.Kind, &r.ProcessID, &r.State, &r.Version,
		&applicant, &r.OrgID, &position, &assignee,
		&r.Escalation.Level, &escOrg, &escPos, &parent,
		&r.Subject, &r.Channel, &r.dataEnc,
		&legalPeriod, &r.Legal.Due, &legalPaused, &legalMet,
		&stepPeriod, &stepDue, &stepPaused, &nextDue,
		&r.Outcome, &r.createdBy, &r.CreatedAt, &r.UpdatedAt, &closed)
	if err != nil {
		return record{}, err
	}
	r.ApplicantID, r.PositionID, r.AssigneeID = applicant.Int64, position.Int64, assignee.Int64
	r.Escalation.OrgID, r.Escalation.PositionID, r.ParentID = escOrg.Int64, escPos.Int64, parent.Int64
	if r.Legal.Period, err = calendar.ParsePeriod(legalPeriod); err != nil {
		return record{}, fmt.Errorf("case %d: legal clock: %w", r.ID, err)
	}
	if r.Step.Period, err = calendar.ParsePeriod(stepPeriod); err != nil {
		return record{}, fmt.Errorf("case %d: step clock: %w", r.ID, err)
	}
	r.Legal.Due = r.Legal.Due.UTC()
	r.Legal.PausedAt, r.LegalMetAt = timeOf(legalPaused), timeOf(legalMet)
	r.Step.Due, r.Step.PausedAt = timeOf(stepDue), timeOf(stepPaused)
	r.nextDue, r.ClosedAt = timeOf(nextDue), timeOf(closed)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// loadCase reads one case; ENOTFOUND when there is none.
func loadCase(ctx context.Context, q sqldb.Querier, id int64) (record, error) {
	r, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return record{}, sqldb.NotFound(err, "casework.not_found")
	}
	return r, nil
}

// loadCases reads the cases with the given ids, in no particular order;
// missing ones are left out.
func loadCases(ctx context.Context, q sqldb.Querier, ids []int64) ([]record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE c.id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rs []record
	for rows.Next() {
		r, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// savedColumns are the columns of a case that change after it opens,
// with how to read each from a record in the form the row holds it.
var savedColumns = []struct {
	name  string
	value func(r record) any
}{
	{"state", func(r record) any { return r.State }},
	{"org_id", func(r record) any { return r.OrgID }},
	{"position_id", func(r record) any { return nullID(r.PositionID) }},
	{"assignee_id", func(r record) any { return nullID(r.AssigneeID) }},
	{"escalation_level", func(r record) any { return r.Escalation.Level }},
	{"escalated_org_id", func(r record) any { return nullID(r.Escalation.OrgID) }},
	{"escalated_position_id", func(r record) any { return nullID(r.Escalation.PositionID) }},
	{"legal_due_at", func(r record) any { return sqldb.Now(r.Legal.Due) }},
	{"legal_paused_at", func(r record) any { return nullTime(r.Legal.PausedAt) }},
	{"legal_met_at", func(r record) any { return nullTime(r.LegalMetAt) }},
	{"step_period", func(r record) any { return r.Step.Period.String() }},
	{"step_due_at", func(r record) any { return nullTime(r.Step.Due) }},
	{"step_paused_at", func(r record) any { return nullTime(r.Step.PausedAt) }},
	{"next_due_at", func(r record) any { return nullTime(r.nextDue) }},
	{"outcome", func(r record) any { return r.Outcome }},
	{"closed_at", func(r record) any { return nullTime(r.ClosedAt) }},
}

// save writes what changed from before to after, expecting the row at
// before's version; after.Version must be the new one. A row that moved on
// meanwhile is an ECONFLICT and nothing is written. Only changed columns
// are set, so that indexes on unchanged ones are left alone (SQLite
// rewrites every index on a column named in SET). Saving also drops the
// scheduler's lease: whatever was due has been dealt with or moved.
func save(ctx context.Context, tx *sqldb.Tx, before, after record) error {
	var q strings.Builder
	q.WriteString(`UPDATE cases SET version = ?, updated_at = ?, lease_until = NULL`)
	args := []any{after.Version, sqldb.Now(after.UpdatedAt)}
	for _, c := range savedColumns {
		if v := c.value(after); !same(v, c.value(before)) {
			q.WriteString(", " + c.name + " = ?")
			args = append(args, v)
		}
	}
	q.WriteString(` WHERE id = ? AND version = ?`)
	res, err := tx.ExecContext(ctx, q.String(), append(args, after.ID, before.Version)...)
	if err != nil {
		return fmt.Errorf("casework: save case %d: %w", after.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("casework: save case %d: %w", after.ID, err)
	}
	if n == 0 {
		return conflict()
	}
	return nil
}

// same compares two column values as savedColumns gives them.
func same(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// conflict is the error of an action on a stale version.
func conflict() error { return okno.Errorf(okno.ECONFLICT, "casework.conflict") }

// insertEvent appends e to its case's timeline and returns its id. The
// comment and fields are sealed, bound to the case and the event's seq.
func (s *Service) insertEvent(ctx context.Context, tx *sqldb.Tx, e Event) (int64, error) {
	var comment, fields []byte
	var err error
	if e.Comment != "" {
		if comment, err = s.d.Sealer.Seal([]byte(e.Comment), eventAAD("comment_enc", e.CaseID, e.Seq)); err != nil {
			return 0, fmt.Errorf("casework: seal comment: %w", err)
		}
	}
	if len(e.Fields) > 0 {
		b, err := json.Marshal(e.Fields)
		if err != nil {
			return 0, fmt.Errorf("casework: encode fields: %w", err)
		}
		if fields, err = s.d.Sealer.Seal(b, eventAAD("fields_enc", e.CaseID, e.Seq)); err != nil {
			return 0, fmt.Errorf("casework: seal fields: %w", err)
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO case_events
		(case_id, seq, kind, action, from_state, to_state, actor, actor_name, comment_enc, fields_enc, citizen_visible, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.CaseID, e.Seq, e.Kind, e.Action, e.FromState, e.ToState, e.Actor, e.ActorName,
		comment, fields, e.CitizenVisible, sqldb.Now(e.At)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("casework: insert %s event of case %d: %w", e.Kind, e.CaseID, err)
	}
	return id, nil
}

// eventAAD binds a sealed event column to its case and seq, which are
// unique together and known before the row is written.
func eventAAD(column string, caseID, seq int64) string {
	return "case_events." + column + ":" + strconv.FormatInt(caseID, 10) + "/" + strconv.FormatInt(seq, 10)
}

// dataAAD binds a case's sealed form data to its row.
func dataAAD(caseID int64) string { return "cases.data_enc:" + strconv.FormatInt(caseID, 10) }

// docAAD binds a document's sealed name to its row.
func docAAD(docID int64) string { return "case_documents.name_enc:" + strconv.FormatInt(docID, 10) }

// openData unseals the case's form data into r.Data.
func (s *Service) openData(r *record) error {
	if len(r.dataEnc) == 0 {
		return nil
	}
	b, err := s.d.Sealer.Open(r.dataEnc, dataAAD(r.ID))
	if err != nil {
		return fmt.Errorf("casework: open data of case %d: %w", r.ID, err)
	}
	return json.Unmarshal(b, &r.Data)
}

// definitionOf returns the process definition r runs on, and fills in
// r's process name and version.
func (s *Service) definitionOf(ctx context.Context, r *record) (*process.Definition, error) {
	v, err := s.d.Processes.ByID(ctx, r.ProcessID)
	if err != nil {
		return nil, fmt.Errorf("casework: process version %d: %w", r.ProcessID, err)
	}
	if v.Definition == nil {
		return nil, fmt.Errorf("casework: process version %d has no definition", r.ProcessID)
	}
	r.Process, r.ProcessVersion = v.Name, v.Version
	return v.Definition, nil
}

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return sqldb.Now(t)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
