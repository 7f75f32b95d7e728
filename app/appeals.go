package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/okno/okno/appeal"
)

// openAppeals builds the feedback platform on the case engine and loads
// the shipped taxonomy (idempotent).
func (a *App) openAppeals(ctx context.Context) error {
	a.Appeals = appeal.New(appeal.Deps{
		DB: a.DB, Audit: a.Audit, Outbox: a.Outbox, Cases: a.Cases, Territories: a.Geo, Orgs: a.Orgs, Admins: a.Orgs,
		Index: a.Keys, Calendars: a.Calendar, ModelPath: filepath.Join(a.cfg.DataDir, "appeals-classifier.model"),
		Logger: a.log, Now: a.cfg.Now,
	})
	a.Appeals.Register(a.Outbox)
	if _, err := a.Appeals.SeedTaxonomy(ctx); err != nil {
		return fmt.Errorf("loading the appeals taxonomy: %w", err)
	}
	return nil
}

// How often the appeals' recurring jobs run: the classifier learns from
// the officials' final categories once a day; analytics' pre-aggregates
// are refreshed every few minutes.
const (
	classifierEvery = 24 * time.Hour
	analyticsEvery  = 5 * time.Minute
)

// scheduleAppeals schedules the appeals' recurring jobs (idempotent across
// restarts and nodes: outbox.Every).
func (a *App) scheduleAppeals(ctx context.Context) error {
	if err := a.Outbox.Every(ctx, appeal.ClassifierTopic, classifierEvery); err != nil {
		return err
	}
	return a.Outbox.Every(ctx, appeal.AnalyticsTopic, analyticsEvery)
}
