package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/complaint"
	"github.com/okno/okno/rating"
)

// Complaints is package complaint's door: *complaint.Service implements
// it. Filing a pre-trial complaint from a case page uses it.
type Complaints interface {
	File(ctx context.Context, actor okno.Actor, in complaint.Filing) (complaint.Complaint, error)
	Of(ctx context.Context, actor okno.Actor, caseID int64) ([]complaint.Complaint, error)
	Original(ctx context.Context, actor okno.Actor, complaintCaseID int64) (complaint.Complaint, error)
}

// Ratings is package rating's door: *rating.Service implements it. The
// rating form after a result and the quality dashboards use it.
type Ratings interface {
	Rate(ctx context.Context, actor okno.Actor, in rating.Input) (rating.Rating, error)
	Of(ctx context.Context, actor okno.Actor, caseID int64) (rating.Rating, bool, error)
	MayView(ctx context.Context, actor okno.Actor) (all bool, err error)
	Services(ctx context.Context, actor okno.Actor, q rating.Query) ([]rating.Stat, error)
	Orgs(ctx context.Context, actor okno.Actor) ([]rating.Stat, error)
}
