package rating

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// Eligible decides whether actor may rate case c (as actor sees it): its
// applicant, a citizen, once the case is closed with an outcome (a result
// issued or a refusal: both are the service received), but not one they
// withdrew (they received nothing to rate). Complaints are not rated: the
// service is rated on its own case.
func Eligible(actor okno.Actor, c casework.Case) error {
	if err := citizen(actor); err != nil {
		return err
	}
	switch {
	case c.ApplicantID != actor.UserID:
		return okno.Errorf(okno.ENOTFOUND, "error.not_found")
	case c.Kind == process.KindComplaint:
		return okno.Errorf(okno.EFORBIDDEN, "rating.not_rateable")
	case c.Open() || c.Outcome == "":
		return okno.Errorf(okno.EFORBIDDEN, "rating.not_yet")
	case c.Outcome == "withdrawn":
		return okno.Errorf(okno.EFORBIDDEN, "rating.withdrawn")
	}
	return nil
}

// citizen lets only a signed-in citizen rate.
func citizen(actor okno.Actor) error {
	switch {
	case actor.IsAnonymous():
		return okno.Errorf(okno.EUNAUTHORIZED, "rating.sign_in")
	case actor.Kind != okno.ActorCitizen || actor.UserID == 0:
		return okno.Errorf(okno.EFORBIDDEN, "rating.citizens_only")
	}
	return nil
}

// Rate records the applicant's rating of a closed case, or changes the
// one they gave within ChangeWindow (later: ECONFLICT rating.locked), and
// keeps the service's and the organisation's aggregates in the same
// transaction, with the audit entry last.
func (s *Service) Rate(ctx context.Context, actor okno.Actor, in Input) (Rating, error) {
	if err := citizen(actor); err != nil {
		return Rating{}, err
	}
	c, err := s.d.Cases.Get(ctx, actor, in.CaseID)
	if err != nil {
		return Rating{}, err
	}
	if err := Eligible(actor, c); err != nil {
		return Rating{}, err
	}
	if in, err = validate(in); err != nil {
		return Rating{}, err
	}
	service, err := s.serviceOf(ctx, c)
	if err != nil {
		return Rating{}, err
	}
	var sealed []byte
	if in.Comment != "" {
		if sealed, err = s.d.Sealer.Seal([]byte(in.Comment), commentAAD(c.ID)); err != nil {
			return Rating{}, fmt.Errorf("rating: seal comment: %w", err)
		}
	}
	now := sqldb.Now(s.d.Now())
	r := Rating{CaseID: c.ID, UserID: actor.UserID, Service: service, OrgID: c.OrgID, Scores: in.Scores,
		Problems: in.Problems, Comment: in.Comment, CreatedAt: now, UpdatedAt: now}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		return s.rateTx(ctx, tx, actor, &r, sealed)
	})
	return r, err
}

// rateTx stores r (a new rating, or a change of the stored one) and adds
// the difference to the aggregates.
func (s *Service) rateTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r *Rating, sealed []byte) error {
	sc := r.Scores
	res, err := tx.ExecContext(ctx, `INSERT INTO ratings (case_id, user_id, service, org_id, timeliness, courtesy,
			comfort, information, convenience, problems, comment_enc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING`,
		r.CaseID, r.UserID, r.Service, r.OrgID, sc[Time], sc[Courtesy], sc[Comfort], sc[Information], sc[Convenience],
		strings.Join(r.Problems, ","), sealed, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("rating: insert: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rating: insert: %w", err)
	}
	delta, count, action := sc, int64(1), "rating.rate"
	var before []byte
	if n == 0 {
		old, err := s.load(ctx, tx, r.CaseID, true)
		if err != nil {
			return err
		}
		if r.UpdatedAt.Sub(old.CreatedAt) > ChangeWindow {
			return okno.Errorf(okno.ECONFLICT, "rating.locked", int(ChangeWindow/(24*time.Hour)))
		}
		r.CreatedAt = old.CreatedAt
		if _, err := tx.ExecContext(ctx, `UPDATE ratings SET timeliness = ?, courtesy = ?, comfort = ?, information = ?,
				convenience = ?, problems = ?, comment_enc = ?, updated_at = ? WHERE case_id = ?`,
			sc[Time], sc[Courtesy], sc[Comfort], sc[Information], sc[Convenience],
			strings.Join(r.Problems, ","), sealed, r.UpdatedAt, r.CaseID); err != nil {
			return fmt.Errorf("rating: update: %w", err)
		}
		delta, count, action = Scores{}, 0, "rating.change"
		for _, c := range Criteria {
			delta[c] = sc[c] - old.Scores[c]
		}
		before = audit.Digest(old.Scores)
	}
	if r.Service != "" {
		if err := s.add(ctx, tx, "rating_service_stats", "service", r.Service, count, delta, r.UpdatedAt); err != nil {
			return err
		}
	}
	if err := s.add(ctx, tx, "rating_org_stats", "org_id", r.OrgID, count, delta, r.UpdatedAt); err != nil {
		return err
	}
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "rating", ObjectID: strconv.FormatInt(r.CaseID, 10),
		Before: before, After: audit.Digest(sc)}
	if _, err := s.d.Audit.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("rating: audit: %w", err)
	}
	return nil
}

// add adds count ratings and the score sums delta to an aggregate row.
// table and column are constants of this file, never input.
func (s *Service) add(ctx context.Context, tx *sqldb.Tx, table, column string, key any, count int64, delta Scores, at time.Time) error {
	q := `INSERT INTO ` + table + ` (` + column + `, n, timeliness, courtesy, comfort, information, convenience, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (` + column + `) DO UPDATE SET n = ` + table + `.n + excluded.n,
			timeliness = ` + table + `.timeliness + excluded.timeliness,
			courtesy = ` + table + `.courtesy + excluded.courtesy,
			comfort = ` + table + `.comfort + excluded.comfort,
			information = ` + table + `.information + excluded.information,
			convenience = ` + table + `.convenience + excluded.convenience,
			updated_at = excluded.updated_at`
	if _, err := tx.ExecContext(ctx, q, key, count, delta[Time], delta[Courtesy], delta[Comfort], delta[Information],
		delta[Convenience], at); err != nil {
		return fmt.Errorf("rating: aggregate %s: %w", table, err)
	}
	return nil
}

// validate checks the scores, problems and comment, and normalises them.
func validate(in Input) (Input, error) {
	var fe okno.FieldErrors
	for _, c := range Criteria {
		switch v, ok := in.Scores[c]; {
		case !ok || v == 0:
			fe.Add(string(c), "rating.score_required")
		case v < 1 || v > 5:
			fe.Add(string(c), "rating.score_range")
		}
	}
	for c := range in.Scores {
		if !slices.Contains(Criteria, c) {
			fe.Add("scores", "rating.criterion_unknown")
			break
		}
	}
	var problems []string
	if len(in.Problems) > len(Problems) {
		// More boxes than there are: not from our form.
		fe.Add("problems", "rating.problem_unknown")
	} else {
		for _, p := range in.Problems {
			if !slices.Contains(Problems, p) {
				fe.Add("problems", "rating.problem_unknown")
				break
			}
			if !slices.Contains(problems, p) {
				problems = append(problems, p)
			}
		}
	}
	if len(fe) == 0 && in.Scores.Low() && len(problems) == 0 {
		fe.Add("problems", "rating.problems_required")
	}
	in.Comment = strings.TrimSpace(in.Comment)
	switch {
	case !utf8.ValidString(in.Comment):
		fe.Add("comment", "rating.comment_encoding")
	case utf8.RuneCountInString(in.Comment) > MaxComment:
		fe.Add("comment", "rating.comment_long", MaxComment)
	}
	if err := fe.Err(); err != nil {
		return in, err
	}
	slices.SortFunc(problems, func(a, b string) int { return slices.Index(Problems, a) - slices.Index(Problems, b) })
	in.Problems = problems
	return in, nil
}

// serviceOf is the catalogue service code of an application's case, ""
// for other cases.
func (s *Service) serviceOf(ctx context.Context, c casework.Case) (string, error) {
	if c.Kind != process.KindApplication || s.d.Applications == nil {
		return "", nil
	}
	svc, err := s.d.Applications.ServiceOf(ctx, c.ID)
	switch {
	case okno.IsCode(err, okno.ENOTFOUND):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("rating: service of case %d: %w", c.ID, err)
	}
	return svc.Code, nil
}

// Of returns the rating of case caseID to whoever may see the case (its
// applicant, the staff who see it); ok is false when it is not rated.
func (s *Service) Of(ctx context.Context, actor okno.Actor, caseID int64) (r Rating, ok bool, err error) {
	if _, err := s.d.Cases.Get(ctx, actor, caseID); err != nil {
		return Rating{}, false, err
	}
	r, err = s.load(ctx, s.d.DB, caseID, false)
	if okno.IsCode(err, okno.ENOTFOUND) {
		return Rating{}, false, nil
	}
	return r, err == nil, err
}

// load reads a rating, locking its row on PostgreSQL when lock is set
// (SQLite's one writer needs no lock).
func (s *Service) load(ctx context.Context, q sqldb.Querier, caseID int64, lock bool) (Rating, error) {
	query := `SELECT case_id, user_id, service, org_id, timeliness, courtesy, comfort, information, convenience,
		problems, comment_enc, created_at, updated_at FROM ratings WHERE case_id = ?`
	if lock && s.d.DB.Dialect() == sqldb.Postgres {
		query += ` FOR UPDATE`
	}
	r := Rating{Scores: Scores{}}
	var t, co, cf, inf, cv int
	var problems string
	var sealed []byte
	err := q.QueryRowContext(ctx, query, caseID).Scan(&r.CaseID, &r.UserID, &r.Service, &r.OrgID, &t, &co, &cf, &inf, &cv,
		&problems, &sealed, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Rating{}, okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	if err != nil {
		return Rating{}, fmt.Errorf("rating: load %d: %w", caseID, err)
	}
	r.Scores = Scores{Time: t, Courtesy: co, Comfort: cf, Information: inf, Convenience: cv}
	if problems != "" {
		r.Problems = strings.Split(problems, ",")
	}
	if len(sealed) > 0 {
		b, err := s.d.Sealer.Open(sealed, commentAAD(caseID))
		if err != nil {
			return Rating{}, fmt.Errorf("rating: open comment of %d: %w", caseID, err)
		}
		r.Comment = string(b)
	}
	return r, nil
}

// commentAAD binds a sealed comment to its row.
func commentAAD(caseID int64) string { return "ratings.comment_enc:" + strconv.FormatInt(caseID, 10) }
