// Package rating keeps citizens' ratings of the services they received,
// on the criteria Gosuslugi uses ("Ваш контроль"), and their aggregates
// per service and per organisation; services under the threshold are
// flagged for their owners and the region.
package rating

import (
	"log/slog"
	"time"

	"github.com/okno/okno/sqldb"
)

// Deps is what the package is built from.
type Deps struct {
	DB     *sqldb.DB
	Logger *slog.Logger
	Now    func() time.Time
}

// Service records and aggregates ratings.
type Service struct {
	d Deps
}

// New returns the service.
func New(d Deps) *Service { return &Service{d: d} }
