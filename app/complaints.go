package app

import (
	"context"

	"github.com/okno/okno/complaint"
	"github.com/okno/okno/rating"
)

// openComplaints builds pre-trial complaints and quality ratings.
func (a *App) openComplaints(ctx context.Context) error {
	a.Complaints = complaint.New(complaint.Deps{DB: a.DB, Logger: a.log, Now: a.cfg.Now})
	a.Ratings = rating.New(rating.Deps{DB: a.DB, Logger: a.log, Now: a.cfg.Now})
	return nil
}
