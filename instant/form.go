package instant

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
)

// Form is what the page asking an instant service's questions shows: the
// service, its form declaration (nil without one), the answers prefilled
// from the citizen's profile, and for a demo registry what to try.
type Form struct {
	Service  catalog.Service
	Decl     *formdecl.Decl
	Data     map[string]any
	Demo     bool
	Examples []string
}

// Open prepares a citizen's form of an instant service after the checks
// Run makes before the data (the service, its rule, the registry, the
// citizen's assurance level), so a citizen who may not use the service is
// told before filling anything in.
func (s *Service) Open(ctx context.Context, actor okno.Actor, code string) (Form, error) {
	svc, _, p, err := s.prepare(ctx, actor, code)
	if err != nil {
		return Form{}, err
	}
	f := Form{Service: svc, Data: map[string]any{}, Demo: s.Demo(), Examples: s.Examples(svc.InstantRule)}
	if !svc.Form.Empty() {
		if f.Decl, err = s.d.Catalog.Decl(ctx, code); err != nil {
			return Form{}, err
		}
		f.Data = f.Decl.Prefill(f.Data, profileValues(p))
	}
	return f, nil
}
