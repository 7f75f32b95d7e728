package process

import (
	"context"

	"github.com/okno/okno"
)

// CONTRACT STUBS — the process helper replaces this file with the real
// implementation (same signatures).

// Registry stores published versions and caches them.
type Registry struct{}

// Latest returns the latest published version of the named process.
func (r *Registry) Latest(ctx context.Context, name string) (Version, error) {
	return Version{}, okno.Errorf(okno.EINTERNAL, "internal")
}

// ByID returns a published version by its row id.
func (r *Registry) ByID(ctx context.Context, id int64) (Version, error) {
	return Version{}, okno.Errorf(okno.EINTERNAL, "internal")
}

// State returns the named state of d.
func (d *Definition) State(name string) (State, bool) {
	for _, s := range d.States {
		if s.Name == name {
			return s, true
		}
	}
	return State{}, false
}

// Action returns the named action of d.
func (d *Definition) Action(name string) (Action, bool) {
	for _, a := range d.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}
