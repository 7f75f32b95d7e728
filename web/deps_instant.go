package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/instant"
)

// Instant is package instant's door: *instant.Service implements it. The
// instant services' pages (the form, the result, the citizen's history)
// use it.
type Instant interface {
	Open(ctx context.Context, actor okno.Actor, code string) (instant.Form, error)
	Run(ctx context.Context, actor okno.Actor, code string, data map[string]any) (instant.Result, error)
	History(ctx context.Context, actor okno.Actor, after string, limit int) (instant.Page[instant.Request], error)
	Request(ctx context.Context, actor okno.Actor, id int64) (instant.Request, error)
}
