package catalog

import (
	"context"
	"sync"

	"github.com/okno/okno"
	"github.com/okno/okno/formdecl"
)

// forms caches parsed form declarations by service code: parsing a schema
// costs far more than validating a form with it. Put forgets the service
// it changed; gen keeps a parse that raced with a Put from being cached.
type forms struct {
	mu    sync.Mutex
	gen   uint64
	decls map[string]*formdecl.Decl
}

func (f *forms) reset() {
	f.mu.Lock()
	f.decls = nil
	f.gen++
	f.mu.Unlock()
}

func (f *forms) get(code string) (*formdecl.Decl, uint64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.decls[code]
	return d, f.gen, ok
}

func (f *forms) put(code string, d *formdecl.Decl, gen uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if gen != f.gen {
		return
	}
	if f.decls == nil {
		f.decls = map[string]*formdecl.Decl{}
	}
	f.decls[code] = d
}

func (f *forms) drop(code string) {
	f.mu.Lock()
	delete(f.decls, code)
	f.gen++
	f.mu.Unlock()
}

// Decl returns a published service's parsed form declaration (cached); a
// service without a form is ENOTFOUND with catalog.form_none.
func (s *Catalog) Decl(ctx context.Context, code string) (*formdecl.Decl, error) {
	d, gen, ok := s.forms.get(code)
	if ok {
		return d, nil
	}
	sv, err := s.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	if sv.Form.Empty() {
		return nil, okno.Errorf(okno.ENOTFOUND, "catalog.form_none")
	}
	d, err = formdecl.Parse(sv.Form.Schema, sv.Form.Layout)
	if err != nil {
		// Put parsed it; a declaration that no longer parses means
		// formdecl changed under stored data.
		return nil, okno.Wrap(okno.EINTERNAL, "catalog.form_bad", err)
	}
	s.forms.put(code, d, gen)
	return d, nil
}
