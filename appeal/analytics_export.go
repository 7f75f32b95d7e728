package appeal

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/okno/okno"
)

// ExportRow is one appeal in an export of the analytics: what happened
// to it, where and when, and nothing that names or reaches a person — no
// author, no text (a text may hold what moderation missed), no address.
// The point is the one the public map shows.
type ExportRow struct {
	CaseID     int64
	Ref        string
	CreatedAt  time.Time
	Category   string
	Reason     string
	Territory  string
	Org        string
	Channel    string
	Status     Status
	Outcome    string
	DueAt      time.Time
	AnsweredAt time.Time // zero: not answered
	OnTime     bool      // answered by the due time
	ClosedAt   time.Time // zero: open
	Reroutes   int
	Reopened   int
	Supporters int
	Lat, Lon   float64
}

// ExportMax bounds the rows of one export: an XLSX sheet holds about a
// million, and a bigger file helps nobody at a desk.
const ExportMax = 1000000

const exportBatch = 2000

// ExportAppeals calls fn with every appeal of q in the actor's scope,
// oldest first, at most limit (ExportMax when 0 or more); it reads in
// keyset batches so that a slow reader holds no connection between them.
// It returns the rows written and whether more were left out.
func (s *Service) ExportAppeals(ctx context.Context, actor okno.Actor, q DensityQuery, limit int, fn func(ExportRow) error) (int, bool, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return 0, false, err
	}
	var fe okno.FieldErrors
	q.validate(&fe)
	if q.TerritoryID > 0 && !sc.allowsTerritory(q.TerritoryID) {
		fe.Add("territory", "appeal.analytics.unknown_territory")
	}
	if err := fe.Err(); err != nil {
		return 0, false, err
	}
	if limit <= 0 || limit > ExportMax {
		limit = ExportMax
	}
	conds := []string{"a.status <> ?"}
	args := []any{rejected}
	if !q.From.IsZero() {
		conds, args = append(conds, "a.created_at >= ?"), append(args, dayStart(DayNumber(q.From)))
	}
	if !q.To.IsZero() {
		conds, args = append(conds, "a.created_at < ?"), append(args, dayStart(DayNumber(q.To)+1))
	}
	if q.CategoryID > 0 {
		conds, args = append(conds, "a.category_id = ?"), append(args, q.CategoryID)
	}
	if q.TerritoryID > 0 {
		conds, args = append(conds, "a.territory_id = ?"), append(args, q.TerritoryID)
	}
	if c, a := sc.territoryFilter("a.territory_id"); c != "" {
		conds, args = append(conds, c), append(args, a...)
	}
	n := 0
	var afterAt time.Time
	var afterID int64
	for {
		page := append([]string{}, conds...)
		pargs := append([]any{}, args...)
		if afterID != 0 {
			page = append(page, "(a.created_at > ? OR (a.created_at = ? AND a.case_id > ?))")
			pargs = append(pargs, afterAt, afterAt, afterID)
		}
		batch, err := s.exportBatch(ctx, where(page...), append(pargs, min(exportBatch, limit-n+1)))
		if err != nil {
			return n, false, err
		}
		for _, r := range batch {
			if n == limit {
				return n, true, nil
			}
			if err := fn(r); err != nil {
				return n, false, err
			}
			n++
			afterAt, afterID = r.CreatedAt, r.CaseID
		}
		if len(batch) < exportBatch {
			return n, false, nil
		}
	}
}

func (s *Service) exportBatch(ctx context.Context, cond string, args []any) ([]ExportRow, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT a.case_id, a.ref, a.created_at, COALESCE(c.title, ''), COALESCE(r.title, ''),
		COALESCE(t.name, ''), COALESCE(o.name, ''), a.channel, a.status, a.outcome, a.due_at, a.answered_at, a.answered_on_time,
		a.closed_at, a.reroutes, a.reopened, a.supporters, a.lat, a.lon
		FROM appeals a LEFT JOIN appeal_categories c ON c.id = a.category_id LEFT JOIN appeal_reasons r ON r.id = a.reason_id
		LEFT JOIN territories t ON t.id = a.territory_id LEFT JOIN organisations o ON o.id = a.org_id`+cond+
		` ORDER BY a.created_at, a.case_id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("appeal: export: %w", err)
	}
	defer rows.Close()
	var out []ExportRow
	for rows.Next() {
		var r ExportRow
		var answered, closed sql.NullTime
		var onTime sql.NullBool
		if err := rows.Scan(&r.CaseID, &r.Ref, &r.CreatedAt, &r.Category, &r.Reason, &r.Territory, &r.Org, &r.Channel, &r.Status,
			&r.Outcome, &r.DueAt, &answered, &onTime, &closed, &r.Reroutes, &r.Reopened, &r.Supporters, &r.Lat, &r.Lon); err != nil {
			return nil, err
		}
		r.AnsweredAt, r.ClosedAt, r.OnTime = answered.Time, closed.Time, onTime.Valid && onTime.Bool
		out = append(out, r)
	}
	return out, rows.Err()
}
