package app

import (
	"context"

	"github.com/okno/okno/application"
)

// openApplications builds applying for services on the catalogue and the
// case engine.
func (a *App) openApplications(ctx context.Context) error {
	a.Applications = application.New(application.Deps{
		DB: a.DB, Keys: a.Keys, Blobs: a.Blobs, Audit: a.Audit,
		Catalog: a.Services, Cases: a.Cases, Profiles: a.Identity, Logger: a.log, Now: a.cfg.Now,
	})
	return nil
}
