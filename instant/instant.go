// Package instant answers instant services: a rule evaluates the
// citizen's data and registry data (through an adapter) and returns the
// result in the same request — fines, a certificate of no debt, the place
// in the kindergarten queue, water meter readings accepted.
package instant

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

// Service runs instant services.
type Service struct {
	d Deps
}

// New returns the service.
func New(d Deps) *Service { return &Service{d: d} }
