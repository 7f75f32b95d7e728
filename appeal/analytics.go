package appeal

// Analytics for the region: who sees what (the scope), the day the
// dashboards count in, and the recurring job. The parts are in
// analytics_*.go: the refresh of the pre-aggregates every dashboard reads
// (analytics_refresh.go, migration 0014), density (analytics_density.go), near-duplicate groups
// (analytics_groups.go, minhash.go), spikes (analytics_spikes.go), the
// efficiency of organisations (analytics_efficiency.go), initiatives
// (analytics_initiatives.go) and exports (analytics_export.go).

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
)

// analyticsOffset is the region's offset from UTC: a dashboard's day is
// the region's day (Moscow time, which has no daylight saving since 2014).
// A region in another zone is a one-line change here; a stored day number
// is only comparable with those computed with the same offset.
const analyticsOffset = 3 * time.Hour

// dayOf is the region's day number of t (days since 1970-01-01).
func dayOf(t time.Time) int64 {
	s := t.Unix() + int64(analyticsOffset/time.Second)
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return d
}

// dayStart is the instant day d begins in the region.
func dayStart(d int64) time.Time {
	return time.Unix(d*86400-int64(analyticsOffset/time.Second), 0).UTC()
}

// DayDate is the calendar date of day number d, at midnight UTC, for
// showing and for parsing back with DayNumber.
func DayDate(d int64) time.Time { return time.Unix(d*86400, 0).UTC() }

// DayNumber is the day number of a calendar date (its year, month and day
// are read; the clock and zone are ignored).
func DayNumber(date time.Time) int64 {
	y, m, d := date.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// monthOf is the month number (year × 12 + month − 1) of day d.
func monthOf(d int64) int64 {
	y, m, _ := DayDate(d).Date()
	return int64(y)*12 + int64(m) - 1
}

// monthFirstDay is the day number of month m's first day.
func monthFirstDay(m int64) int64 {
	return DayNumber(time.Date(int(m/12), time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC))
}

// Scope is what analytics an actor sees: the whole region, or the
// appeals in the territories their organisation and those under it serve
// (density, spikes, groups, initiatives, exports) and the organisations
// in that subtree (efficiency).
type Scope struct {
	Region      bool
	Territories []int64
	Orgs        []int64
}

// analyticsOrgs is what the scope needs of package org beyond Orgs;
// *org.Service implements it, and app passes that as Deps.Orgs.
type analyticsOrgs interface {
	Subtree(ctx context.Context, id int64) ([]org.Organisation, error)
	Territories(ctx context.Context, orgID int64) ([]int64, error)
}

// mayAnalyse reports whether actor holds a role that admits analytics:
// supervisors, controlling bodies and administrators.
func mayAnalyse(actor okno.Actor) bool {
	if actor.Kind == okno.ActorSystem {
		return true
	}
	return actor.Kind == okno.ActorStaff && actor.OrgID != 0 &&
		(actor.Has(okno.RoleSupervisor) || actor.Has(okno.RoleController) || actor.Has(okno.RoleAdmin))
}

// AnalyticsScope is the one rule of who sees which analytics:
//
//   - the system sees the region;
//   - staff acting with the supervisor, controller or admin role do, and
//     nobody else (EFORBIDDEN);
//   - those of the region government, or of any root organisation, see
//     the whole region;
//   - the others see their organisation's subtree: its organisations'
//     efficiency, and the appeals in the territories those organisations
//     serve (a district administration serves its district).
func (s *Service) AnalyticsScope(ctx context.Context, actor okno.Actor) (Scope, error) {
	if !mayAnalyse(actor) {
		return Scope{}, okno.Errorf(okno.EFORBIDDEN, "appeal.analytics.forbidden")
	}
	if actor.Kind == okno.ActorSystem {
		return Scope{Region: true}, nil
	}
	if s.d.Orgs == nil {
		return Scope{}, errors.New("appeal: analytics needs Orgs")
	}
	o, err := s.d.Orgs.Get(ctx, actor.OrgID)
	if err != nil {
		return Scope{}, err
	}
	if o.Kind == org.KindRegionGovernment || o.ParentID == 0 {
		return Scope{Region: true}, nil
	}
	tree, ok := s.d.Orgs.(analyticsOrgs)
	if !ok {
		return Scope{}, errors.New("appeal: analytics needs Orgs with Subtree and Territories (*org.Service)")
	}
	sub, err := tree.Subtree(ctx, actor.OrgID)
	if err != nil {
		return Scope{}, err
	}
	var sc Scope
	seen := map[int64]bool{}
	for _, o := range sub {
		sc.Orgs = append(sc.Orgs, o.ID)
		ts, err := tree.Territories(ctx, o.ID)
		if err != nil {
			return Scope{}, err
		}
		for _, t := range ts {
			if !seen[t] {
				seen[t] = true
				sc.Territories = append(sc.Territories, t)
			}
		}
	}
	return sc, nil
}

// territoryFilter is the SQL condition (with its arguments) keeping rows
// of column col inside the scope's territories; "" for the region.
func (sc Scope) territoryFilter(col string) (string, []any) {
	if sc.Region {
		return "", nil
	}
	return inList(col, sc.Territories)
}

// orgFilter keeps rows of column col inside the scope's organisations.
func (sc Scope) orgFilter(col string) (string, []any) {
	if sc.Region {
		return "", nil
	}
	return inList(col, sc.Orgs)
}

// allowsTerritory reports whether the scope holds territory id.
func (sc Scope) allowsTerritory(id int64) bool {
	if sc.Region {
		return true
	}
	for _, t := range sc.Territories {
		if t == id {
			return true
		}
	}
	return false
}

// inList is "col IN (?, ?, …)" with its arguments; an empty list keeps
// nothing.
func inList(col string, ids []int64) (string, []any) {
	if len(ids) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return col + " IN (?" + strings.Repeat(", ?", len(ids)-1) + ")", args
}

// where joins conditions with AND into a WHERE clause ("" when none).
func where(conds ...string) string {
	var keep []string
	for _, c := range conds {
		if c != "" {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(keep, " AND ")
}

// analyticsJobs registers the refresh of the pre-aggregates (every five
// minutes, scheduled by app) and, at most every GroupsEvery, the
// recomputation of near-duplicate groups. The first refresh of a large
// history rebuilds everything (a million appeals: tens of seconds), hence
// the long timeout.
func (s *Service) analyticsJobs(q *outbox.Queue) {
	q.Register(AnalyticsTopic, func(ctx context.Context, _ outbox.Message) error {
		if _, err := s.Refresh(ctx); err != nil {
			return err
		}
		st, _, err := s.analyticsState(ctx, s.d.DB)
		if err != nil {
			return err
		}
		if st.GroupsAt.IsZero() || s.now().Sub(st.GroupsAt) >= GroupsEvery {
			_, err = s.ComputeGroups(ctx, GroupOptions{})
		}
		return err
	}, outbox.Timeout(analyticsJobTimeout))
}

// analyticsJobTimeout bounds one run of the analytics job.
const analyticsJobTimeout = 15 * time.Minute

// GroupsEvery is how often the recurring job recomputes near-duplicate
// groups: grouping reads every published appeal of the window, which is
// too much to do every five minutes.
const GroupsEvery = time.Hour
