package rating

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/okno/okno"
)

// maxStats bounds the aggregate rows a dashboard reads: one per service
// or organisation of a region, which is thousands, not millions.
const maxStats = 10000

// Stat is the aggregate of the ratings of one service or organisation.
type Stat struct {
	Service  string // the service's code (Services)
	OrgID    int64  // the organisation (Orgs)
	Count    int64
	Averages map[Criterion]float64
	Overall  float64 // the mean of the criteria's averages
	// Flagged: the overall average is under Threshold with at least
	// Deps.MinToFlag ratings.
	Flagged bool
}

// Query narrows the services' aggregates.
type Query struct {
	Services []string // only these service codes; nil: every service
}

// Viewing the dashboards: the region's view (every service and
// organisation) is for supervisors, controllers and administrators; a
// service owner sees the services they own. Aggregates hold no personal
// data, so a supervisor of any organisation may see the region's.
func (s *Service) scope(ctx context.Context, actor okno.Actor) (all bool, owned []string, err error) {
	if actor.Kind == okno.ActorSystem {
		return true, nil, nil
	}
	if actor.Kind != okno.ActorStaff {
		if actor.IsAnonymous() {
			return false, nil, okno.Errorf(okno.EUNAUTHORIZED, "rating.sign_in")
		}
		return false, nil, okno.Errorf(okno.EFORBIDDEN, "rating.dashboard_forbidden")
	}
	if actor.Has(okno.RoleSupervisor) || actor.Has(okno.RoleController) || actor.Has(okno.RoleAdmin) {
		return true, nil, nil
	}
	if !actor.Has(okno.RoleOwner) {
		return false, nil, okno.Errorf(okno.EFORBIDDEN, "rating.dashboard_forbidden")
	}
	if s.d.Owners == nil {
		return false, nil, nil
	}
	owned, err = s.d.Owners.OwnedBy(ctx, actor.UserID)
	if err != nil {
		return false, nil, fmt.Errorf("rating: services owned by %d: %w", actor.UserID, err)
	}
	return false, owned, nil
}

// MayView reports whether actor may open the dashboards, and whether
// they see the region (all) or only the services they own.
func (s *Service) MayView(ctx context.Context, actor okno.Actor) (all bool, err error) {
	all, _, err = s.scope(ctx, actor)
	return all, err
}

// Services returns the aggregates of the services actor may see that q
// selects: flagged first, then from the lowest overall average.
func (s *Service) Services(ctx context.Context, actor okno.Actor, q Query) ([]Stat, error) {
	all, owned, err := s.scope(ctx, actor)
	if err != nil {
		return nil, err
	}
	want := q.Services
	if !all {
		if q.Services == nil {
			want = owned
		} else {
			want = slices.DeleteFunc(slices.Clone(q.Services), func(c string) bool { return !slices.Contains(owned, c) })
		}
		if len(want) == 0 {
			return nil, nil
		}
	}
	stats, err := s.read(ctx, `SELECT service, 0, n, timeliness, courtesy, comfort, information, convenience
		FROM rating_service_stats ORDER BY service LIMIT ?`)
	if err != nil {
		return nil, err
	}
	if want != nil {
		stats = slices.DeleteFunc(stats, func(st Stat) bool { return !slices.Contains(want, st.Service) })
	}
	return stats, nil
}

// Orgs returns the aggregates of every organisation rated, flagged first;
// a service owner who sees only their services gets none.
func (s *Service) Orgs(ctx context.Context, actor okno.Actor) ([]Stat, error) {
	all, _, err := s.scope(ctx, actor)
	if err != nil || !all {
		return nil, err
	}
	return s.read(ctx, `SELECT '', org_id, n, timeliness, courtesy, comfort, information, convenience
		FROM rating_org_stats ORDER BY org_id LIMIT ?`)
}

// read reads aggregate rows and orders them for the dashboard.
func (s *Service) read(ctx context.Context, query string) ([]Stat, error) {
	rows, err := s.d.DB.QueryContext(ctx, query, maxStats)
	if err != nil {
		return nil, fmt.Errorf("rating: aggregates: %w", err)
	}
	defer rows.Close()
	var out []Stat
	for rows.Next() {
		var st Stat
		var sums [5]int64
		if err := rows.Scan(&st.Service, &st.OrgID, &st.Count, &sums[0], &sums[1], &sums[2], &sums[3], &sums[4]); err != nil {
			return nil, fmt.Errorf("rating: scan aggregate: %w", err)
		}
		if st.Count <= 0 {
			continue
		}
		st.Averages = map[Criterion]float64{}
		total := 0.0
		for i, c := range Criteria {
			st.Averages[c] = float64(sums[i]) / float64(st.Count)
			total += st.Averages[c]
		}
		st.Overall = total / float64(len(Criteria))
		st.Flagged = st.Overall < Threshold && st.Count >= s.d.MinToFlag
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rating: read aggregates: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Stat) int {
		if a.Flagged != b.Flagged {
			if a.Flagged {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Overall, b.Overall)
	})
	return out, nil
}
