package application

// Submitting a draft: the whole form checked at once, then the case on
// the service's process opened in one transaction with the applications
// row, the consent and the draft marked submitted.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/sqldb"
)

// maxIdempotencyKey bounds a caller's idempotency key (casework's bound).
const maxIdempotencyKey = 200

// Submit validates the draft in full and opens the application's case.
// Every problem — the form's, documents the data names that are not the
// draft's, a missing consent (field "consent") — is reported at once as
// Problems and nothing changes. Submitting a draft again, one after the
// other or at the same moment, returns the case the first made.
func (s *Service) Submit(ctx context.Context, actor okno.Actor, in Submission) (casework.Case, error) {
	r, err := s.load(ctx, s.d.DB, actor, in.DraftID)
	if err != nil {
		return casework.Case{}, err
	}
	if r.CaseID != 0 {
		return s.d.Cases.Get(ctx, actor, r.CaseID)
	}
	if in.Version != r.Version {
		return casework.Case{}, okno.Errorf(okno.ECONFLICT, "application.stale")
	}
	if len(in.IdempotencyKey) > maxIdempotencyKey {
		var fe okno.FieldErrors
		fe.Add("idempotency_key", "application.too_long", maxIdempotencyKey)
		return casework.Case{}, fe.Err()
	}
	svc := r.svc
	decl, err := s.applicable(ctx, svc)
	if err != nil {
		return casework.Case{}, err
	}
	data, err := shown(decl, r.Data)
	if err != nil {
		return casework.Case{}, err
	}
	errs := s.validate(ctx, decl, r, data)
	if svc.NeedsConsent && !in.Consent {
		errs = append(errs, formdecl.FieldError{Pointer: "consent", Field: "Согласие на обработку персональных данных",
			FieldEn: "Consent to personal data processing", Key: "application.consent_required"})
	}
	if len(errs) > 0 {
		return casework.Case{}, invalid(errs)
	}
	nc, err := s.newCase(ctx, r, data, svc, decl, in.IdempotencyKey)
	if err != nil {
		return casework.Case{}, err
	}
	// Checking who opens what and storing the documents happen before the
	// transaction, so the writer holds nothing while they run.
	prep, err := s.d.Cases.Prepare(ctx, actor, nc)
	if err != nil {
		return casework.Case{}, err
	}
	var c casework.Case
	// Submissions of different citizens are independent and come in
	// bursts: they share commits (group commit), each durable on return.
	err = s.d.DB.InTxGroup(ctx, func(tx *sqldb.Tx) error {
		var err error
		c, err = s.file(ctx, tx, actor, r, svc, prep)
		return err
	})
	if err != nil {
		return casework.Case{}, err
	}
	return c, nil
}

// newCase is the case a draft becomes: on the service's process with its
// organisation and legal period, the form data with the service's code,
// and the documents the data names, in its order.
func (s *Service) newCase(ctx context.Context, r draftRow, data map[string]any, svc catalog.Service, decl *formdecl.Decl, key string) (casework.NewCase, error) {
	var legal *calendar.Period
	if svc.LegalPeriod != "" {
		p, err := calendar.ParsePeriod(svc.LegalPeriod)
		if err != nil {
			return casework.NewCase{}, fmt.Errorf("application: legal period of %s: %w", svc.Code, err)
		}
		legal = &p
	}
	var docs []casework.Upload
	for _, ref := range decl.FileRefs(data) {
		for _, f := range r.Files {
			if f.Ref != ref.Value {
				continue
			}
			content, err := s.d.Blobs.Get(ctx, r.addresses[f.ID])
			if err != nil {
				return casework.NewCase{}, fmt.Errorf("application: read document %d: %w", f.ID, err)
			}
			docs = append(docs, casework.Upload{Kind: "attachment", Name: f.Name, Content: content})
		}
	}
	data["service"] = svc.Code
	if key == "" {
		key = "draft-" + strconv.FormatInt(r.ID, 10)
	}
	return casework.NewCase{Process: svc.Process, ApplicantID: r.UserID, OrgID: svc.OrgID, Subject: svc.Title.In("ru"),
		Channel: casework.ChannelWeb, Data: data, LegalClock: legal, Documents: docs, IdempotencyKey: key}, nil
}

// file opens the case in tx and records the application: the draft marked
// submitted, the applications row, the consent. When the draft was
// submitted meanwhile (a double click racing the first), the case the
// first made is the answer and nothing more is written.
func (s *Service) file(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r draftRow, svc catalog.Service, prep *casework.Prepared) (casework.Case, error) {
	c, err := s.d.Cases.OpenPreparedTx(ctx, tx, prep)
	if err != nil {
		return casework.Case{}, err
	}
	now := s.now()
	res, err := tx.ExecContext(ctx, `UPDATE drafts SET case_id = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? AND case_id IS NULL`, c.ID, now, r.ID, r.Version)
	if err != nil {
		return casework.Case{}, fmt.Errorf("application: mark draft %d submitted: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return casework.Case{}, fmt.Errorf("application: mark draft %d submitted: %w", r.ID, err)
	} else if n == 0 {
		var first sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT case_id FROM drafts WHERE id = ?`, r.ID).Scan(&first); err != nil {
			return casework.Case{}, fmt.Errorf("application: read draft %d: %w", r.ID, err)
		}
		switch {
		case first.Int64 == c.ID:
			return c, nil // the first submit's case, returned by its idempotency key
		case first.Valid:
			// Submitted with another idempotency key: the case just made
			// rolls back with this transaction.
			return casework.Case{}, okno.Errorf(okno.ECONFLICT, "application.submitted")
		default:
			return casework.Case{}, okno.Errorf(okno.ECONFLICT, "application.stale")
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO applications (case_id, service_id, draft_id, user_id, created_at)
		VALUES (?, ?, ?, ?, ?)`, c.ID, svc.ID, r.ID, r.UserID, now)
	if sqldb.ViolationOf(err) == sqldb.Unique {
		// The caller's idempotency key named the case of another draft.
		return casework.Case{}, okno.Wrap(okno.ECONFLICT, "application.submitted", err)
	}
	if err != nil {
		return casework.Case{}, fmt.Errorf("application: insert application of case %d: %w", c.ID, err)
	}
	if svc.NeedsConsent {
		if err := s.recordConsent(ctx, tx, actor, c.ID, svc.ID, now); err != nil {
			return casework.Case{}, err
		}
	}
	return c, nil
}
