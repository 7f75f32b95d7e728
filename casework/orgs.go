package casework

import (
	"context"
	"fmt"

	"github.com/okno/okno/org"
)

// orgCache remembers what one call asked of Orgs, so that checking many
// parties, recipients and ladders of one case — or of a batch of cases in
// a scan — reads each organisation's positions and staff once.
type orgCache struct {
	o         Orgs
	orgs      map[int64]org.Organisation
	ancestors map[int64][]org.Organisation
	positions map[int64][]org.Position
	staff     map[int64][]org.StaffMember
}

func newOrgCache(o Orgs) *orgCache {
	return &orgCache{o: o, orgs: map[int64]org.Organisation{}, ancestors: map[int64][]org.Organisation{},
		positions: map[int64][]org.Position{}, staff: map[int64][]org.StaffMember{}}
}

func (oc *orgCache) get(ctx context.Context, id int64) (org.Organisation, error) {
	if o, ok := oc.orgs[id]; ok {
		return o, nil
	}
	o, err := oc.o.Get(ctx, id)
	if err != nil {
		return org.Organisation{}, err
	}
	oc.orgs[id] = o
	return o, nil
}

// ancestorsOf returns the organisations above id, root first.
func (oc *orgCache) ancestorsOf(ctx context.Context, id int64) ([]org.Organisation, error) {
	if as, ok := oc.ancestors[id]; ok {
		return as, nil
	}
	as, err := oc.o.Ancestors(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("casework: organisations above %d: %w", id, err)
	}
	oc.ancestors[id] = as
	return as, nil
}

// above reports whether organisation upper is one of lower's ancestors.
func (oc *orgCache) above(ctx context.Context, upper, lower int64) (bool, error) {
	if upper == 0 || upper == lower {
		return false, nil
	}
	as, err := oc.ancestorsOf(ctx, lower)
	if err != nil {
		return false, err
	}
	for _, a := range as {
		if a.ID == upper {
			return true, nil
		}
	}
	return false, nil
}

func (oc *orgCache) positionsOf(ctx context.Context, orgID int64) ([]org.Position, error) {
	if ps, ok := oc.positions[orgID]; ok {
		return ps, nil
	}
	ps, err := oc.o.Positions(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("casework: positions of %d: %w", orgID, err)
	}
	oc.positions[orgID] = ps
	return ps, nil
}

func (oc *orgCache) staffOf(ctx context.Context, orgID int64) ([]org.StaffMember, error) {
	if ss, ok := oc.staff[orgID]; ok {
		return ss, nil
	}
	ss, err := oc.o.StaffOf(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("casework: staff of %d: %w", orgID, err)
	}
	oc.staff[orgID] = ss
	return ss, nil
}

// position finds position id in organisation orgID.
func (oc *orgCache) position(ctx context.Context, orgID, id int64) (org.Position, bool, error) {
	ps, err := oc.positionsOf(ctx, orgID)
	if err != nil {
		return org.Position{}, false, err
	}
	for _, p := range ps {
		if p.ID == id {
			return p, true, nil
		}
	}
	return org.Position{}, false, nil
}

// holds reports whether user holds position posID of organisation orgID,
// or, with posID 0, any position there.
func (oc *orgCache) holds(ctx context.Context, user, orgID, posID int64) (bool, error) {
	if user == 0 {
		return false, nil
	}
	ss, err := oc.staffOf(ctx, orgID)
	if err != nil {
		return false, err
	}
	for _, m := range ss {
		if m.UserID == user && (posID == 0 || m.Position.ID == posID) {
			return true, nil
		}
	}
	return false, nil
}

// holders returns the users holding position posID of orgID, or, with
// posID 0, everyone on its staff; each once, in StaffOf's order.
func (oc *orgCache) holders(ctx context.Context, orgID, posID int64) ([]org.StaffMember, error) {
	ss, err := oc.staffOf(ctx, orgID)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []org.StaffMember
	for _, m := range ss {
		if (posID == 0 || m.Position.ID == posID) && !seen[m.UserID] {
			seen[m.UserID] = true
			out = append(out, m)
		}
	}
	return out, nil
}
