package app

import (
	"context"

	"github.com/okno/okno/complaint"
	"github.com/okno/okno/rating"
)

// openComplaints builds pre-trial complaints and quality ratings, on the
// case engine and the applications (which service a case was for). A
// rating flags a service from its first rating (rating.Deps.MinToFlag
// 0): right for the demo; a region sets a larger minimum.
func (a *App) openComplaints(ctx context.Context) error {
	a.Complaints = complaint.New(complaint.Deps{DB: a.DB, Cases: a.Cases, Applications: a.Applications,
		Orgs: a.Orgs, Audit: a.Audit, Logger: a.log, Now: a.cfg.Now})
	a.Ratings = rating.New(rating.Deps{DB: a.DB, Cases: a.Cases, Applications: a.Applications,
		Owners: a.Services, Sealer: a.Keys, Audit: a.Audit, Logger: a.log, Now: a.cfg.Now})
	return nil
}
