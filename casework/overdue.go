package casework

import (
	"context"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// This file answers the supervisor's view of overdue work by
// organisation.

// Limits of the supervisor's view.
const (
	maxOverdueDepth = 32   // levels of the organisation tree below the actor's
	maxOverdueOrgs  = 2000 // organisations listed; a region has hundreds
)

// mayOverview reports whether actor may see the overdue work of its
// organisation and everything below it: its supervisors, controlling
// bodies and administrators may.
func mayOverview(actor okno.Actor) bool {
	return actor.Kind == okno.ActorStaff && actor.OrgID > 0 &&
		(actor.Has(okno.RoleSupervisor) || actor.Has(okno.RoleController) || actor.Has(okno.RoleAdmin))
}

// Overdue returns the supervisor's view: for the actor's organisation and
// every one below it (the actor's first, then level by level, by name),
// the open cases, those whose legal clock ran out, those due by the end
// of today (legal or step clock, the overdue ones included, as the
// due-today inbox lists them), and those escalated to it. Anyone but a
// supervisor, controller or administrator gets EFORBIDDEN.
//
// Each count is read from the index its inbox view uses, so the view costs
// index range counts, not table scans; a region-wide report on millions of
// cases belongs to pre-aggregated tables (analytics), not here.
func (s *Service) Overdue(ctx context.Context, actor okno.Actor) ([]OrgOverdue, error) {
	if !mayOverview(actor) {
		return nil, okno.Errorf(okno.EFORBIDDEN, "casework.overdue.forbidden")
	}
	now := s.now()
	query, args := overdueQuery(actor.OrgID, now, sqldb.Now(endOfDay(now, s.location())))
	rows, err := s.d.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("casework: overdue: %w", err)
	}
	defer rows.Close()
	var out []OrgOverdue
	for rows.Next() {
		var o OrgOverdue
		var short string
		if err := rows.Scan(&o.OrgID, &o.OrgName, &short, &o.Open, &o.Overdue, &o.DueToday, &o.Escalated); err != nil {
			return nil, fmt.Errorf("casework: overdue: %w", err)
		}
		if short != "" {
			o.OrgName = short
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("casework: overdue: %w", err)
	}
	return out, nil
}

// overdueQuery counts, for organisation org and those below it, what
// Overdue lists: at now, with today ending at end. The open cases of each
// organisation are counted in one pass over cases_org_open, which holds
// every column the counts test.
func overdueQuery(org int64, now, end time.Time) (string, []any) {
	return `WITH RECURSIVE down (id, depth) AS (
			SELECT id, 0 FROM organisations WHERE id = ?
			UNION ALL
			SELECT o.id, down.depth + 1 FROM organisations o JOIN down ON o.parent_id = down.id WHERE down.depth < ?
		)
		SELECT o.id, o.name, o.short_name, COALESCE(k.open, 0), COALESCE(k.overdue, 0), COALESCE(k.due, 0),
			(SELECT COUNT(*) FROM cases c WHERE c.escalated_org_id = o.id AND c.closed_at IS NULL)
		FROM down CROSS JOIN organisations o
		LEFT JOIN (
			SELECT c.org_id, COUNT(*) AS open,
				SUM(CASE WHEN c.legal_due_at <= ? AND ` + legalRunning + ` THEN 1 ELSE 0 END) AS overdue,
				SUM(CASE WHEN ` + dueBy + ` THEN 1 ELSE 0 END) AS due
			FROM cases c WHERE c.org_id IN (SELECT id FROM down) AND c.closed_at IS NULL
			GROUP BY c.org_id
		) k ON k.org_id = o.id
		WHERE o.id = down.id
		ORDER BY down.depth, o.name, o.id LIMIT ?`,
		[]any{org, maxOverdueDepth, now, end, end, maxOverdueOrgs}
}
