package appeal

// Placeholder of the contract: the change that writes this file replaces it.

import (
	"context"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"time"
)

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
