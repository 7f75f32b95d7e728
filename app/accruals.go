package app

import (
	"context"

	"github.com/okno/okno/accrual"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/sqldb"
)

// openAccruals builds accruals (state fees and fines) and registers the
// case engine's "accrual" hook, so that a process action can bill a state
// fee. Fines are accepted only from the sources configured; a demo
// installation knows the demo's two issuers (without push secrets — the
// demo imports files), any other none until a region configures its own.
func (a *App) openAccruals(ctx context.Context) error {
	d := accrual.Deps{DB: a.DB, Sealer: a.Keys, Audit: a.Audit, Now: a.cfg.Now}
	if a.cfg.DemoMailbox {
		d.Sources = demo.DemoFineSources()
	}
	a.Accruals = accrual.New(d)
	a.Cases.RegisterHook(accrual.HookName, func(ctx context.Context, tx *sqldb.Tx, c casework.Case, p map[string]string) error {
		return a.Accruals.IssueForCaseTx(ctx, tx, accrual.CaseRef{ID: c.ID, ApplicantID: c.ApplicantID, OrgID: c.OrgID}, p)
	})
	return nil
}
