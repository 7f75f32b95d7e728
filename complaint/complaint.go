// Package complaint files pre-trial complaints (досудебные жалобы) against
// a decision, an action or an inaction in an application or any other
// case: the complaint goes to the controlling body on its own process
// with a 15-working-day clock and the full history of the original case.
package complaint

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

// Service files and finds complaints.
type Service struct {
	d Deps
}

// New returns the service.
func New(d Deps) *Service { return &Service{d: d} }
