package casework

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/process"
)

// This file answers the citizen's "my cases": the cases a person applied
// with, as a list that says in plain words where each stands and whether
// it waits for them.

// The size of a page of "my cases".
const (
	MineDefaultLimit = 20  // what a limit of 0 gives
	MineMaxLimit     = 100 // the most one page holds
)

type languageKey struct{}

// WithLanguage returns ctx asking for the texts of process definitions
// (state titles) in lang ("ru", "en"): the service has no other way to know
// whom it answers. Russian is the default and the fallback of every text.
func WithLanguage(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, languageKey{}, lang)
}

// languageOf is the language WithLanguage put in ctx, else Russian.
func languageOf(ctx context.Context) string {
	if l, ok := ctx.Value(languageKey{}).(string); ok && l != "" {
		return l
	}
	return "ru"
}

// Mine returns a page of the citizen's own cases (those they are the
// applicant of), newest first. after is the previous page's Next; limit 0
// means MineDefaultLimit and more than MineMaxLimit is cut to it. Only a
// citizen has cases of their own: anyone else gets EFORBIDDEN.
func (s *Service) Mine(ctx context.Context, actor okno.Actor, after string, limit int) (Page[CitizenItem], error) {
	if actor.Kind != okno.ActorCitizen || actor.UserID <= 0 {
		return Page[CitizenItem]{}, okno.Errorf(okno.EFORBIDDEN, "casework.mine_forbidden")
	}
	before, err := parseCursor(after)
	if err != nil {
		return Page[CitizenItem]{}, err
	}
	switch {
	case limit <= 0:
		limit = MineDefaultLimit
	case limit > MineMaxLimit:
		limit = MineMaxLimit
	}
	items, procs, err := s.mineRows(ctx, actor.UserID, before, limit+1)
	if err != nil {
		return Page[CitizenItem]{}, err
	}
	var p Page[CitizenItem]
	if len(items) > limit {
		items, procs = items[:limit], procs[:limit]
		p.Next = strconv.FormatInt(items[limit-1].ID, 10)
	}
	if err := s.titleStates(ctx, items, procs); err != nil {
		return Page[CitizenItem]{}, err
	}
	p.Items = items
	return p, nil
}

// parseCursor reads a keyset cursor: the id to continue below; "" starts
// from the newest.
func parseCursor(after string) (int64, error) {
	if after == "" {
		return math.MaxInt64, nil
	}
	id, err := strconv.ParseInt(after, 10, 64)
	if err != nil || id <= 0 {
		var fe okno.FieldErrors
		fe.Add("after", "casework.cursor_invalid")
		return 0, fe.Err()
	}
	return id, nil
}

// mineRows reads up to n of the applicant's cases with ids below before,
// newest first, and the process version of each. The cases_applicant
// index (applicant_id, id) serves it.
func (s *Service) mineRows(ctx context.Context, applicantID, before int64, n int) ([]CitizenItem, []int64, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT id, ref, kind, process_id, state, subject, legal_due_at, legal_met_at, updated_at, closed_at, outcome
		FROM cases WHERE applicant_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, applicantID, before, n)
	if err != nil {
		return nil, nil, fmt.Errorf("casework: my cases: %w", err)
	}
	defer rows.Close()
	items, procs := []CitizenItem{}, []int64{}
	for rows.Next() {
		var it CitizenItem
		var procID int64
		var met, closed sql.NullTime
		if err := rows.Scan(&it.ID, &it.Ref, &it.Kind, &procID, &it.State, &it.Subject, &it.LegalDue, &met, &it.UpdatedAt, &closed, &it.Outcome); err != nil {
			return nil, nil, fmt.Errorf("casework: my cases: %w", err)
		}
		it.LegalDue, it.UpdatedAt = it.LegalDue.UTC(), it.UpdatedAt.UTC()
		if met.Valid {
			it.LegalMetAt = met.Time.UTC()
		}
		if closed.Valid {
			it.ClosedAt = closed.Time.UTC()
		}
		items, procs = append(items, it), append(procs, procID)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("casework: my cases: %w", err)
	}
	return items, procs, nil
}

// titleStates fills each item's state title and whether it waits for the
// citizen from its process version (procs[i] is items[i]'s), asking the
// registry once per version however many cases run on it.
func (s *Service) titleStates(ctx context.Context, items []CitizenItem, procs []int64) error {
	lang := languageOf(ctx)
	versions := map[int64]process.Version{}
	for i := range items {
		v, ok := versions[procs[i]]
		if !ok {
			var err error
			if v, err = s.d.Processes.ByID(ctx, procs[i]); err != nil {
				return fmt.Errorf("casework: my cases: process version %d: %w", procs[i], err)
			}
			versions[procs[i]] = v
		}
		it := &items[i]
		it.StateTitle = it.State
		if v.Definition == nil {
			continue
		}
		st, ok := v.Definition.State(it.State)
		if !ok {
			continue
		}
		it.StateTitle = CitizenText(st, lang)
		it.WaitingForMe = st.Waiting && it.ClosedAt.IsZero()
	}
	return nil
}

// CitizenText is how state st is told to the citizen in lang: its citizen
// text when the process declares one, else its title, else its name.
func CitizenText(st process.State, lang string) string {
	if t := st.Citizen.In(lang); t != "" {
		return t
	}
	if t := st.Title.In(lang); t != "" {
		return t
	}
	return st.Name
}
