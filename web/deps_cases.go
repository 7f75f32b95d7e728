package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/process"
)

// Cases is package casework's door: *casework.Service implements it.
type Cases interface {
	Open(ctx context.Context, actor okno.Actor, in casework.NewCase) (casework.Case, error)
	Get(ctx context.Context, actor okno.Actor, id int64) (casework.Case, error)
	ByRef(ctx context.Context, actor okno.Actor, ref string) (casework.Case, error)
	Definition(ctx context.Context, c casework.Case) (process.Version, error)
	Timeline(ctx context.Context, actor okno.Actor, id int64) ([]casework.Event, error)
	Documents(ctx context.Context, actor okno.Actor, id int64) ([]casework.Document, error)
	ReadDocument(ctx context.Context, actor okno.Actor, caseID, docID int64, preview bool) (casework.Document, []byte, error)
	Allowed(ctx context.Context, actor okno.Actor, c casework.Case) ([]casework.AllowedAction, error)
	Act(ctx context.Context, actor okno.Actor, in casework.ActionInput) (casework.Case, error)
	Assign(ctx context.Context, actor okno.Actor, caseID, version int64, a casework.Assignment) (casework.Case, error)
	AssignMany(ctx context.Context, actor okno.Actor, caseIDs []int64, a casework.Assignment) (int, error)
	Attach(ctx context.Context, actor okno.Actor, caseID, version int64, up casework.Upload) (casework.Document, error)
	Note(ctx context.Context, actor okno.Actor, caseID, version int64, text string) (casework.Case, error)
	Inbox(ctx context.Context, actor okno.Actor, q casework.InboxQuery) (casework.Page[casework.InboxItem], error)
	Overdue(ctx context.Context, actor okno.Actor) ([]casework.OrgOverdue, error)
	Responsible(ctx context.Context, actor okno.Actor, c casework.Case) (casework.Responsible, error)
	Mine(ctx context.Context, actor okno.Actor, after string, limit int) (casework.Page[casework.CitizenItem], error)
}
