package app

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/process"
)

// calendarRefreshEvery is how often each node reloads the production
// calendar, so that a correction made on another node takes effect.
const calendarRefreshEvery = time.Minute

// deadlinesEvery is how often the deadline scan runs. Any node may run it:
// due cases are claimed with leases.
const deadlinesEvery = time.Minute

// openCasework builds the case engine and what it stands on: the process
// registry (with the shipped definitions published), the production
// calendar, the blob store, notices and webhooks.
func (a *App) openCasework(ctx context.Context, router *notify.Router) error {
	cfg := a.cfg
	a.Processes = process.NewRegistry(a.DB, a.Audit, cfg.Now)
	if err := a.Processes.PublishShipped(ctx); err != nil {
		return fmt.Errorf("publishing the shipped process definitions: %w", err)
	}
	var loc *time.Location
	if cfg.TimeZone != "" {
		var err error
		if loc, err = time.LoadLocation(cfg.TimeZone); err != nil {
			return fmt.Errorf("time zone %q: %w", cfg.TimeZone, err)
		}
	}
	var err error
	if a.Calendar, err = calendar.New(a.DB, a.Audit, cfg.Now, loc); err != nil {
		return err
	}
	a.Calendar.Admins = a.Orgs
	if a.Blobs, err = blob.NewFS(filepath.Join(cfg.DataDir, "blobs"), a.Keys); err != nil {
		return err
	}
	caseTemplates, err := fs.Sub(casework.Templates, "templates")
	if err != nil {
		return err
	}
	tmpl, err := notify.LoadTemplates(notify.TemplateFiles(), caseTemplates, appointment.TemplateFiles())
	if err != nil {
		return err
	}
	a.Channels = notify.NewPreferences(a.DB, cfg.Now)
	base := cfg.BaseURL
	if base == "" {
		base = "http://localhost"
	}
	a.Notices, err = notify.NewNotices(notify.NoticesConfig{
		DB: a.DB, Outbox: a.Outbox, Templates: tmpl, Contacts: contacts{a.Identity}, Sender: router,
		BaseURL: base, Now: cfg.Now, Logger: a.log,
	})
	if err != nil {
		return err
	}
	a.Notices.Register(a.Outbox)
	a.Webhooks = notify.NewWebhooks(notify.WebhooksConfig{
		DB: a.DB, Outbox: a.Outbox, Sealer: a.Keys, Audit: a.Audit, Admins: a.Orgs,
		Ancestors: a.ancestorIDs, Now: cfg.Now, Logger: a.log,
	})
	a.Webhooks.Register(a.Outbox)
	a.Cases = casework.New(casework.Deps{
		DB: a.DB, Sealer: a.Keys, Audit: a.Audit, Outbox: a.Outbox,
		Processes: a.Processes, Calendars: a.Calendar, Orgs: a.Orgs, Blobs: a.Blobs,
		Notices: a.Notices, Webhooks: a.Webhooks, Logger: a.log, Now: cfg.Now,
		// A submitted application brings all its documents in one call.
		Limits: casework.Limits{MaxFilesPerCall: application.MaxFiles},
	})
	a.Cases.Register(a.Outbox)
	return nil
}

// refreshCalendar reloads the production calendar every
// calendarRefreshEvery until ctx ends. Every node needs its own reload, so
// this is a ticker of the node and not an outbox job (which one node runs).
func (a *App) refreshCalendar(ctx context.Context) {
	t := time.NewTicker(calendarRefreshEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Calendar.Refresh(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("calendar refresh failed", "err", err)
			}
		}
	}
}

// ancestorIDs lists the organisations above orgID, for webhooks that
// subscribers of a higher body hear.
func (a *App) ancestorIDs(ctx context.Context, orgID int64) ([]int64, error) {
	os, err := a.Orgs.Ancestors(ctx, orgID)
	ids := make([]int64, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	return ids, err
}

// contacts gives notify a person's addresses at delivery time.
type contacts struct{ id *identity.Service }

func (c contacts) Contact(ctx context.Context, userID int64, ch notify.Channel) (string, error) {
	p, err := c.id.Profile(ctx, userID)
	if err != nil {
		return "", err
	}
	switch ch {
	case notify.ChannelEmail:
		return p.Email, nil
	case notify.ChannelSMS:
		return p.Phone, nil
	case notify.ChannelCabinet:
		return "", nil
	}
	return "", okno.Errorf(okno.ENOTFOUND, "notify.channel_unknown", string(ch))
}

// Language is Russian for everyone until people can choose theirs.
func (c contacts) Language(ctx context.Context, userID int64) string { return "ru" }
