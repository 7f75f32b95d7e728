package app

import (
	"context"
	"fmt"

	"github.com/okno/okno/demo"
	"github.com/okno/okno/instant"
)

// openInstant builds the instant services. The demo registry (made-up
// records, every result labelled as demo data) is connected only to a
// demo installation — the one with the demo mailbox; otherwise no
// registry is connected until a region plugs its own in, and the instant
// pages say the registry is unavailable rather than answer from fake data.
func (a *App) openInstant(ctx context.Context) error {
	d := instant.Deps{DB: a.DB, Keys: a.Keys, Audit: a.Audit, Catalog: a.Services, Profiles: a.Identity,
		Location: a.Calendar.Current().Location(), Logger: a.log, Now: a.cfg.Now}
	if a.cfg.DemoMailbox {
		reg, err := demo.NewRegistry(a.cfg.Now)
		if err != nil {
			return fmt.Errorf("the demo registry: %w", err)
		}
		d.Registry = reg
	}
	a.Instant = instant.New(d)
	return nil
}
