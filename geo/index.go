package geo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// index is an immutable snapshot of every territory, sorted by the west edge
// of its bounding box, so that a lookup binary-searches the territories that
// start west of the point and tests only their boxes before any polygon.
type index struct {
	gen     uint64
	builtAt time.Time
	entries []Territory // sorted by BBox.MinLon
	maxSpan float64     // widest box in longitude, to bound the scan westwards
}

func newIndex(ts []Territory, gen uint64, at time.Time) *index {
	slices.SortFunc(ts, func(a, b Territory) int {
		switch {
		case a.BBox.MinLon < b.BBox.MinLon:
			return -1
		case a.BBox.MinLon > b.BBox.MinLon:
			return 1
		}
		return int(a.ID - b.ID)
	})
	ix := &index{gen: gen, builtAt: at, entries: ts}
	for _, t := range ts {
		ix.maxSpan = max(ix.maxSpan, t.BBox.MaxLon-t.BBox.MinLon)
	}
	return ix
}

// lookup appends to dst every territory holding p, widest level first.
func (ix *index) lookup(dst []Territory, p Point) []Territory {
	// Territories whose box starts east of p cannot hold it; neither can those
	// starting more than maxSpan west of it.
	hi := sort.Search(len(ix.entries), func(i int) bool { return ix.entries[i].BBox.MinLon > p.Lon })
	for i := hi - 1; i >= 0; i-- {
		t := &ix.entries[i]
		if p.Lon-t.BBox.MinLon > ix.maxSpan {
			break
		}
		if t.BBox.Contains(p) && t.Geometry.Contains(p) {
			dst = append(dst, *t)
		}
	}
	slices.SortFunc(dst, func(a, b Territory) int {
		if d := a.Level.rank() - b.Level.rank(); d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	return dst
}

// Lookup returns every territory holding the point (lat, lon), from the
// widest level to the narrowest (region, city, district, municipality). A
// point outside every territory gives an empty slice, not an error. The
// territories share their geometry with the index: read it, never modify it.
func (s *Service) Lookup(ctx context.Context, lat, lon float64) ([]Territory, error) {
	ix, err := s.currentIndex(ctx)
	if err != nil {
		return nil, err
	}
	return ix.lookup(nil, Point{Lon: lon, Lat: lat}), nil
}

// currentIndex returns the index, loading it when there is none, when this
// Service changed territories since it was built, or when it is older than
// IndexMaxAge.
func (s *Service) currentIndex(ctx context.Context) (*index, error) {
	if ix := s.index.Load(); s.fresh(ix) {
		return ix, nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if ix := s.index.Load(); s.fresh(ix) {
		return ix, nil // another caller loaded it while we waited
	}
	// Read the generation before the rows: a change committing during the
	// load bumps it, so this snapshot is not mistaken for a fresh one later.
	gen := s.gen.Load()
	var all []Territory
	q := ListQuery{Limit: 1000}
	for {
		page, err := s.List(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("geo: load lookup index: %w", err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		q.AfterID = page[len(page)-1].ID
	}
	ix := newIndex(all, gen, s.now())
	if s.gen.Load() == gen {
		s.index.Store(ix)
	}
	return ix, nil
}

func (s *Service) fresh(ix *index) bool {
	return ix != nil && ix.gen == s.gen.Load() && s.now().Sub(ix.builtAt) < s.IndexMaxAge
}
