package appeal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

// Get returns an appeal as actor may see it: the author and staff who see
// the case in full get the author's text; flags and the classifier's
// suggestion are for staff only. Whoever may not see the case gets
// ENOTFOUND, as for one that does not exist.
func (s *Service) Get(ctx context.Context, actor okno.Actor, caseID int64) (Appeal, error) {
	c, err := s.d.Cases.Get(ctx, actor, caseID)
	if err != nil {
		return Appeal{}, err
	}
	return s.view(ctx, actor, c)
}

// view is the appeals row of case c as actor sees it, c being what
// casework let actor see.
func (s *Service) view(ctx context.Context, actor okno.Actor, c casework.Case) (Appeal, error) {
	a, p, err := s.load(ctx, s.d.DB, c.ID)
	if err != nil {
		return Appeal{}, err
	}
	a.Version = c.Version
	if len(c.Data) > 0 {
		a.Text, _ = c.Data["text"].(string)
		a.AuthorName, _ = c.Data["author_name"].(string)
		a.Token = p.token
	}
	if isStaff(actor) {
		a.Flags = decodeFlags(p.flags)
		a.Suggested = s.suggestion(ctx, a.Flags, p)
	}
	return a, nil
}

// suggestion is the classifier's suggestion stored with an appeal: its
// reason, or the category its flag names.
func (s *Service) suggestion(ctx context.Context, flags []Flag, p private) *Suggestion {
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		return nil
	}
	if r, cat, ok := tax.ReasonByID(p.suggestedReason); ok && p.suggestedReason != 0 {
		return &Suggestion{CategoryCode: cat.Code, CategoryTitle: cat.Title, ReasonCode: r.Code, ReasonTitle: r.Title,
			Confidence: p.suggestedConfidence}
	}
	for _, f := range flags {
		if cat, ok := tax.CategoryByCode(f.Detail); ok && f.Kind == FlagCategory {
			return &Suggestion{CategoryCode: cat.Code, CategoryTitle: cat.Title, Confidence: p.suggestedConfidence}
		}
	}
	return nil
}

// retried is the appeal a retried submission filed the first time, with
// the text it had then.
func (s *Service) retried(ctx context.Context, actor okno.Actor, f filed) (Appeal, error) {
	var text string
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		d, err := s.d.Cases.DataTx(ctx, tx, f.caseID)
		text, _ = d["text"].(string)
		return err
	})
	if err != nil {
		return Appeal{}, err
	}
	return s.authorView(ctx, actor, f, text)
}

// authorView is the appeal just filed (or found again by its idempotency
// key) as its author sees it.
func (s *Service) authorView(ctx context.Context, actor okno.Actor, f filed, text string) (Appeal, error) {
	a, p, err := s.load(ctx, s.d.DB, f.caseID)
	if err != nil {
		return Appeal{}, err
	}
	a.Text, a.Token, a.Version = text, p.token, f.version
	if isStaff(actor) {
		a.Flags = decodeFlags(p.flags)
	}
	return a, nil
}

func isStaff(actor okno.Actor) bool {
	return actor.Kind == okno.ActorStaff || actor.Kind == okno.ActorAPIKey || actor.Kind == okno.ActorSystem
}

// private is what only those who see an appeal in full get of its row.
type private struct {
	flags               string
	token               string
	suggestedReason     int64
	suggestedConfidence float64
}

// load reads an appeals row: its public part (public.go's columns) and its
// private part.
func (s *Service) load(ctx context.Context, q sqldb.Querier, caseID int64) (Appeal, private, error) {
	var p private
	row := q.QueryRowContext(ctx, `SELECT `+publicColumns+`, a.flags, COALESCE(a.token, ''),
		COALESCE(a.suggested_reason_id, 0), a.suggested_confidence`+publicFrom+` WHERE a.case_id = ?`, caseID)
	a, err := scanPublic(withExtra{row, []any{&p.flags, &p.token, &p.suggestedReason, &p.suggestedConfidence}})
	if errors.Is(err, sql.ErrNoRows) {
		return Appeal{}, p, okno.Errorf(okno.ENOTFOUND, "appeal.not_found")
	}
	if err != nil {
		return Appeal{}, p, fmt.Errorf("appeal: load appeal %d: %w", caseID, err)
	}
	return a, p, nil
}

// withExtra scans the columns scanPublic knows and then extra ones.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }
