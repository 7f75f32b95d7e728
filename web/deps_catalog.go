package web

import (
	"context"

	"github.com/okno/okno/catalog"
)

// Services is package catalog's door: *catalog.Catalog implements it. The
// catalogue pages (service and agency cards, categories, life situations,
// search) and the catalogue API use it.
type Services interface {
	List(ctx context.Context, q catalog.Query) (catalog.Page[catalog.Summary], error)
	Search(ctx context.Context, text string, q catalog.Query, limit int) ([]catalog.Hit, error)
	Get(ctx context.Context, code string) (catalog.Service, error)
	Categories(ctx context.Context) ([]catalog.Category, error)
	Situations(ctx context.Context) ([]catalog.Situation, error)
	Situation(ctx context.Context, code string) (catalog.Situation, []catalog.Summary, error)
	Agency(ctx context.Context, orgID int64) (catalog.Agency, error)
	Agencies(ctx context.Context) ([]catalog.AgencyEntry, error)
	Offices(ctx context.Context, ids []int64) ([]catalog.Office, error)
	OwnerPhoto(ctx context.Context, code string) ([]byte, string, error)
}
