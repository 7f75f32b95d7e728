package app

import (
	"context"
	"fmt"

	"github.com/okno/okno/catalog"
)

// openCatalog builds the service catalogue and loads its search index.
func (a *App) openCatalog(ctx context.Context) error {
	a.Services = catalog.New(catalog.Deps{DB: a.DB, Audit: a.Audit, Orgs: a.Orgs, Admins: a.Orgs, Blobs: a.Blobs, Logger: a.log, Now: a.cfg.Now})
	if err := a.Services.Load(ctx); err != nil {
		return fmt.Errorf("loading the service catalogue: %w", err)
	}
	return nil
}
