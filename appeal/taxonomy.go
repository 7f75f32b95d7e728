package appeal

// Placeholder of the contract: the change that writes this file replaces it.

import (
	"context"
)

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
