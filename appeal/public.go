package appeal

// Placeholder of the contract: the change that writes this file replaces it.

import (
	"context"
	"time"
)

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
