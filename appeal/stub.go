package appeal

// This file holds the contract's placeholders while the files named in the
// package comment are written; each is removed by the file that
// implements it.

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

var errNotYet = errors.New("appeal: not implemented yet")

// ---- taxonomy.go ----

// Taxonomy is the category tree in force.
type Taxonomy struct {
	Categories []Category
}

// Reason finds a reason by its code.
func (t *Taxonomy) Reason(code string) (Reason, Category, bool) { return Reason{}, Category{}, false }

// ReasonByID finds a reason by its id.
func (t *Taxonomy) ReasonByID(id int64) (Reason, Category, bool) { return Reason{}, Category{}, false }

// Taxonomy returns the category tree (cached until it changes).
func (s *Service) Taxonomy(ctx context.Context) (*Taxonomy, error) { return nil, errNotYet }

// SeedTaxonomy loads the shipped taxonomy (embedded taxonomy.json) into
// the database, matched by code: idempotent; it reports what it added.
func (s *Service) SeedTaxonomy(ctx context.Context) (int, error) { return 0, nil }

// ---- routing.go ----

// Routes returns the routing table in force at at (zero: now).
func (s *Service) Routes(ctx context.Context, at time.Time) ([]Route, error) { return nil, errNotYet }

// SetRoute puts a rule in force, closing the one it replaces.
func (s *Service) SetRoute(ctx context.Context, actor okno.Actor, in RouteInput) (Route, error) {
	return Route{}, errNotYet
}

// EndRoute closes a rule.
func (s *Service) EndRoute(ctx context.Context, actor okno.Actor, id int64) error { return errNotYet }

// Resolve picks the most specific rule in force for a reason in a
// territory: reason+territory, reason anywhere, category+territory,
// category anywhere (and the territory's ancestors in between).
func (s *Service) Resolve(ctx context.Context, q sqldb.Querier, reasonID, territoryID int64) (Route, error) {
	return Route{}, errNotYet
}

// ---- submit.go ----

// Submit files a new appeal as actor: a citizen, an operator for a caller,
// an API client (JSON API, Open311).
func (s *Service) Submit(ctx context.Context, actor okno.Actor, in Submission) (Appeal, error) {
	return Appeal{}, errNotYet
}

// Get returns an appeal as actor may see it (the author, staff who see
// the case).
func (s *Service) Get(ctx context.Context, actor okno.Actor, caseID int64) (Appeal, error) {
	return Appeal{}, errNotYet
}

// Nearby lists open published appeals near a point with text similar to
// text, best first.
func (s *Service) Nearby(ctx context.Context, lat, lon float64, reasonCode, text string) ([]Candidate, error) {
	return nil, errNotYet
}

// Join records actor's support of an open appeal instead of a duplicate.
func (s *Service) Join(ctx context.Context, actor okno.Actor, caseID int64) (Appeal, error) {
	return Appeal{}, errNotYet
}

// Recategorise changes an appeal's reason (a timeline event), and its
// route when the new reason routes elsewhere and reroute is set.
func (s *Service) Recategorise(ctx context.Context, actor okno.Actor, caseID, version int64, reasonCode, comment string, reroute bool) (Appeal, error) {
	return Appeal{}, errNotYet
}

// observe keeps the appeals row in step with its case.
func (s *Service) observe(ctx context.Context, tx *sqldb.Tx, before, after casework.Case, e casework.Event) error {
	return nil
}

// ---- public.go ----

// List returns published appeals matching q, newest first, without
// personal data.
func (s *Service) List(ctx context.Context, q Query) (Page[Appeal], error) {
	return Page[Appeal]{}, errNotYet
}

// Public returns a published appeal's public view.
func (s *Service) Public(ctx context.Context, caseID int64) (Appeal, error) {
	return Appeal{}, errNotYet
}

// ByToken returns the appeal an Open311 token stands for.
func (s *Service) ByToken(ctx context.Context, token string) (Appeal, error) {
	return Appeal{}, errNotYet
}

// Updates lists public changes of appeals after the given time.
func (s *Service) Updates(ctx context.Context, q UpdateQuery) ([]Update, error) {
	return nil, errNotYet
}

// UpdateQuery filters Updates.
type UpdateQuery struct {
	CaseID   int64
	From, To time.Time
	Limit    int
}

// Responsiveness returns each organisation's figures over [from, to).
func (s *Service) Responsiveness(ctx context.Context, from, to time.Time) ([]OrgStats, error) {
	return nil, errNotYet
}

// ---- classify.go ----

type modelHolder struct{}

// Suggest returns the k likeliest reasons or categories for text.
func (s *Service) Suggest(text string, k int) []Suggestion { return nil }

// ---- import.go ----

// ImportReport says what Import did.
type ImportReport struct {
	Read, Imported, Skipped, Failed int
	Took                            time.Duration
}

// Import loads historic appeals (the Saint Petersburg portal's export
// format, JSON lines) as closed cases with their answers and timelines.
func (s *Service) Import(ctx context.Context, r io.Reader) (ImportReport, error) {
	return ImportReport{}, errNotYet
}
