package app

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/okno/okno/appeal"
)

// openAppeals builds the feedback platform on the case engine and loads
// the shipped taxonomy (idempotent).
func (a *App) openAppeals(ctx context.Context) error {
	a.Appeals = appeal.New(appeal.Deps{
		DB: a.DB, Audit: a.Audit, Outbox: a.Outbox, Cases: a.Cases, Territories: a.Geo, Orgs: a.Orgs,
		Index: a.Keys, Calendars: a.Calendar, ModelPath: filepath.Join(a.cfg.DataDir, "appeals-classifier.model"),
		Logger: a.log, Now: a.cfg.Now,
	})
	if _, err := a.Appeals.SeedTaxonomy(ctx); err != nil {
		return fmt.Errorf("loading the appeals taxonomy: %w", err)
	}
	return nil
}
