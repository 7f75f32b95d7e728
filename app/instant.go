package app

import (
	"context"

	"github.com/okno/okno/instant"
)

// openInstant builds the instant services.
func (a *App) openInstant(ctx context.Context) error {
	a.Instant = instant.New(instant.Deps{DB: a.DB, Logger: a.log, Now: a.cfg.Now})
	return nil
}
