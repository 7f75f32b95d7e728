package appeal

// Placeholder of the contract: the change that writes this file replaces it.

import (
	"context"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

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
