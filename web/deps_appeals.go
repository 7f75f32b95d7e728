package web

import (
	"context"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
)

// Appeals is package appeal's door: *appeal.Service implements it. The
// pages of the feedback platform (submission, map, public pages,
// responsiveness, analytics), the appeals API and Open311 use it.
type Appeals interface {
	Taxonomy(ctx context.Context) (*appeal.Taxonomy, error)
	Submit(ctx context.Context, actor okno.Actor, in appeal.Submission) (appeal.Appeal, error)
	Get(ctx context.Context, actor okno.Actor, caseID int64) (appeal.Appeal, error)
	Nearby(ctx context.Context, lat, lon float64, reasonCode, text string) ([]appeal.Candidate, error)
	Join(ctx context.Context, actor okno.Actor, caseID int64) (appeal.Appeal, error)
	Recategorise(ctx context.Context, actor okno.Actor, caseID, version int64, reasonCode, comment string, reroute bool) (appeal.Appeal, error)
	Suggest(text string, k int) []appeal.Suggestion

	List(ctx context.Context, q appeal.Query) (appeal.Page[appeal.Appeal], error)
	Public(ctx context.Context, caseID int64) (appeal.Appeal, error)
	ByToken(ctx context.Context, token string) (appeal.Appeal, error)
	Updates(ctx context.Context, q appeal.UpdateQuery) ([]appeal.Update, error)
	Responsiveness(ctx context.Context, from, to time.Time) ([]appeal.OrgStats, error)

	Routes(ctx context.Context, at time.Time) ([]appeal.Route, error)
	SetRoute(ctx context.Context, actor okno.Actor, in appeal.RouteInput) (appeal.Route, error)
	EndRoute(ctx context.Context, actor okno.Actor, id int64) error
}
