package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
)

// Applications is package application's door: *application.Service
// implements it. The form pages (one question per page, check your
// answers, confirmation), drafts and attachments, and "Мои заявки" use it.
type Applications interface {
	Start(ctx context.Context, actor okno.Actor, service string) (application.Draft, error)
	Draft(ctx context.Context, actor okno.Actor, id int64) (application.Draft, error)
	Save(ctx context.Context, actor okno.Actor, id, version int64, page string, answers map[string]any) (application.Draft, []formdecl.FieldError, error)
	Check(ctx context.Context, actor okno.Actor, id int64) (application.Draft, []formdecl.FieldError, error)
	Attach(ctx context.Context, actor okno.Actor, id int64, pointer, name string, content []byte) (application.File, error)
	Detach(ctx context.Context, actor okno.Actor, id, fileID int64) error
	ReadFile(ctx context.Context, actor okno.Actor, id, fileID int64) (application.File, []byte, error)
	Delete(ctx context.Context, actor okno.Actor, id int64) error
	Submit(ctx context.Context, actor okno.Actor, in application.Submission) (casework.Case, error)
	Mine(ctx context.Context, actor okno.Actor, after string, limit int) (application.Page[application.Item], error)
	ServiceOf(ctx context.Context, caseID int64) (catalog.Service, error)
}

// applyCatalog is what the form pages read of the catalogue: the service,
// its parsed form declaration and the directories its fields choose from.
// *catalog.Catalog implements it; the pages reach it through
// Deps.Services, whose interface the catalogue pages own.
type applyCatalog interface {
	Get(ctx context.Context, code string) (catalog.Service, error)
	Decl(ctx context.Context, code string) (*formdecl.Decl, error)
	Directory(ctx context.Context, code string) (catalog.Directory, error)
}

// applyServices returns the catalogue as the form pages need it, or an
// internal error when the server was built without one.
func (s *Server) applyServices() (applyCatalog, error) {
	c, ok := s.deps.Services.(applyCatalog)
	if !ok || c == nil {
		return nil, okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	return c, nil
}
