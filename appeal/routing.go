package appeal

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/sqldb"
)

// routeMaxAge bounds how long a process trusts its in-memory routing
// table: changes made here invalidate it at once; the age bound is for
// changes made by other replicas sharing the database.
const routeMaxAge = 30 * time.Second

// routeKey is what a rule applies to; 0 is "every reason" / "anywhere".
type routeKey struct{ category, reason, territory int64 }

func (r Route) key() routeKey { return routeKey{r.CategoryID, r.ReasonID, r.TerritoryID} }

// routeTable is the routing table in force, read once and shared by every
// submission until a change or routeMaxAge.
type routeTable struct {
	gen      uint64
	loadedAt time.Time
	rules    map[routeKey]Route
	parents  map[int64]int64 // territory → its parent (0: none)
	category map[int64]int64 // reason → its category
}

// routeCache holds the table and the generation that invalidates it.
type routeCache struct {
	gen   atomic.Uint64
	table atomic.Pointer[routeTable]
	mu    sync.Mutex // one load at a time
}

func (s *Service) routeCacheOf() *routeCache { return &s.routes }

// invalidateRoutes makes the next Resolve reload the table; call it after
// commit.
func (s *Service) invalidateRoutes() {
	c := s.routeCacheOf()
	c.gen.Add(1)
	c.table.Store(nil)
}

const routeColumns = `id, category_id, reason_id, territory_id, org_id, position_id, valid_from, valid_to, created_by`

func scanRoute(sc interface{ Scan(...any) error }) (Route, error) {
	var r Route
	var reason, territory, position sql.NullInt64
	var to sql.NullTime
	if err := sc.Scan(&r.ID, &r.CategoryID, &reason, &territory, &r.OrgID, &position, &r.ValidFrom, &to, &r.CreatedBy); err != nil {
		return Route{}, err
	}
	r.ReasonID, r.TerritoryID, r.PositionID = reason.Int64, territory.Int64, position.Int64
	r.ValidFrom = r.ValidFrom.UTC()
	if to.Valid {
		r.ValidTo = to.Time.UTC()
	}
	return r, nil
}

func queryRoutes(ctx context.Context, q sqldb.Querier, where string, args ...any) ([]Route, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+routeColumns+` FROM appeal_routes WHERE `+where+
		` ORDER BY category_id, COALESCE(reason_id, 0), COALESCE(territory_id, 0), valid_from, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("appeal: routes: %w", err)
	}
	return scanRoutes(rows)
}

// scanRoutes reads every row of rows (routeColumns) and closes them.
func scanRoutes(rows *sql.Rows) ([]Route, error) {
	defer rows.Close()
	var out []Route
	for rows.Next() {
		r, err := scanRoute(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Routes returns the routing table in force at at (zero: now).
func (s *Service) Routes(ctx context.Context, at time.Time) ([]Route, error) {
	if at.IsZero() {
		return queryRoutes(ctx, s.d.DB, `valid_to IS NULL`)
	}
	at = sqldb.Now(at)
	return queryRoutes(ctx, s.d.DB, `valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)`, at, at)
}

// RouteHistory returns every rule ever set for a category (0: all),
// closed ones included, oldest first: what the history page shows.
func (s *Service) RouteHistory(ctx context.Context, categoryID int64, limit int) ([]Route, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT `+routeColumns+` FROM appeal_routes
		WHERE (? = 0 OR category_id = ?) ORDER BY id DESC LIMIT ?`, categoryID, categoryID, limit)
	if err != nil {
		return nil, fmt.Errorf("appeal: route history: %w", err)
	}
	return scanRoutes(rows)
}

// Route returns one rule, in force or closed.
func (s *Service) Route(ctx context.Context, id int64) (Route, error) {
	r, err := scanRoute(s.d.DB.QueryRowContext(ctx, `SELECT `+routeColumns+` FROM appeal_routes WHERE id = ?`, id))
	if err != nil {
		return Route{}, sqldb.NotFound(err, "appeal.route_not_found")
	}
	return r, nil
}

// validateRoute checks a rule against the taxonomy, the territories and
// the organisations, naming the field at fault.
func (s *Service) validateRoute(ctx context.Context, in RouteInput) error {
	var fe okno.FieldErrors
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		return err
	}
	if _, ok := tax.Category(in.CategoryID); !ok {
		fe.Add("category_id", "appeal.category_unknown")
	} else if in.ReasonID != 0 {
		if r, _, ok := tax.ReasonByID(in.ReasonID); !ok || r.CategoryID != in.CategoryID {
			fe.Add("reason_id", "appeal.route_reason_not_in_category")
		}
	}
	if in.TerritoryID < 0 {
		fe.Add("territory_id", "appeal.route_territory_unknown")
	} else if in.TerritoryID != 0 {
		if _, err := s.d.Territories.Get(ctx, in.TerritoryID); okno.IsCode(err, okno.ENOTFOUND) {
			fe.Add("territory_id", "appeal.route_territory_unknown")
		} else if err != nil {
			return err
		}
	}
	if in.OrgID <= 0 {
		fe.Add("org_id", "appeal.route_org_required")
	} else if _, err := s.d.Orgs.Get(ctx, in.OrgID); okno.IsCode(err, okno.ENOTFOUND) {
		fe.Add("org_id", "appeal.route_org_unknown")
	} else if err != nil {
		return err
	} else if in.PositionID != 0 {
		ps, err := s.d.Orgs.Positions(ctx, in.OrgID)
		if err != nil {
			return err
		}
		found := false
		for _, p := range ps {
			found = found || p.ID == in.PositionID
		}
		if !found {
			fe.Add("position_id", "appeal.route_position_not_in_org")
		}
	}
	return fe.Err()
}

// SetRoute puts a rule in force, closing the one it replaces: the rule in
// force with the same category, reason and territory gets valid_to = now
// and the new one valid_from = now, so appeals routed by the old rule keep
// pointing at it. Setting what is already in force changes nothing and
// returns the rule in force. Region administrators only; audited.
func (s *Service) SetRoute(ctx context.Context, actor okno.Actor, in RouteInput) (Route, error) {
	if err := s.mayAdminister(ctx, actor); err != nil {
		return Route{}, err
	}
	if err := s.validateRoute(ctx, in); err != nil {
		return Route{}, err
	}
	var out Route
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		out, _, err = s.setRouteTx(ctx, tx, actor, in)
		return err
	})
	return out, err
}

// setRouteTx is SetRoute's transaction; set says whether it put a new
// rule in force.
func (s *Service) setRouteTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, in RouteInput) (r Route, set bool, err error) {
	now := s.now()
	cur, err := queryRoutes(ctx, tx, `valid_to IS NULL AND category_id = ? AND COALESCE(reason_id, 0) = ? AND COALESCE(territory_id, 0) = ?`,
		in.CategoryID, in.ReasonID, in.TerritoryID)
	if err != nil {
		return Route{}, false, err
	}
	if len(cur) == 1 && cur[0].OrgID == in.OrgID && cur[0].PositionID == in.PositionID {
		return cur[0], false, nil
	}
	var audits []audit.Entry
	for _, c := range cur {
		if _, err := tx.ExecContext(ctx, `UPDATE appeal_routes SET valid_to = ? WHERE id = ? AND valid_to IS NULL`, now, c.ID); err != nil {
			return Route{}, false, fmt.Errorf("appeal: close route: %w", err)
		}
		closed := c
		closed.ValidTo = now
		audits = append(audits, routeEntry(actor, "appeal.route.end", c, &c, &closed))
	}
	r = Route{CategoryID: in.CategoryID, ReasonID: in.ReasonID, TerritoryID: in.TerritoryID, OrgID: in.OrgID,
		PositionID: in.PositionID, ValidFrom: now, CreatedBy: actor.Ref()}
	err = tx.QueryRowContext(ctx, `INSERT INTO appeal_routes (category_id, reason_id, territory_id, org_id, position_id, valid_from, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.CategoryID, optionalID(r.ReasonID), optionalID(r.TerritoryID), r.OrgID, optionalID(r.PositionID),
		r.ValidFrom, r.CreatedBy).Scan(&r.ID)
	if err != nil {
		return Route{}, false, fmt.Errorf("appeal: insert route: %w", err)
	}
	audits = append(audits, routeEntry(actor, "appeal.route.set", r, nil, &r))
	tx.AfterCommit(s.invalidateRoutes)
	for _, e := range audits {
		if _, err := s.d.Audit.Append(ctx, tx, e); err != nil {
			return Route{}, false, fmt.Errorf("appeal: audit route: %w", err)
		}
	}
	return r, true, nil
}

func routeEntry(actor okno.Actor, action string, r Route, before, after *Route) audit.Entry {
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "appeal_route", ObjectID: strconv.FormatInt(r.ID, 10)}
	if before != nil {
		e.Before = audit.Digest(*before)
	}
	if after != nil {
		e.After = audit.Digest(*after)
	}
	return e
}

func optionalID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// EndRoute closes a rule: appeals it routed keep it; new ones fall back to
// a less specific rule. Region administrators only; audited.
func (s *Service) EndRoute(ctx context.Context, actor okno.Actor, id int64) error {
	if err := s.mayAdminister(ctx, actor); err != nil {
		return err
	}
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		r, err := scanRoute(tx.QueryRowContext(ctx, `SELECT `+routeColumns+` FROM appeal_routes WHERE id = ?`, id))
		if err != nil {
			return sqldb.NotFound(err, "appeal.route_not_found")
		}
		if !r.ValidTo.IsZero() {
			return okno.Errorf(okno.ECONFLICT, "appeal.route_closed")
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE appeal_routes SET valid_to = ? WHERE id = ? AND valid_to IS NULL`, now, id); err != nil {
			return fmt.Errorf("appeal: end route: %w", err)
		}
		closed := r
		closed.ValidTo = now
		tx.AfterCommit(s.invalidateRoutes)
		_, err = s.d.Audit.Append(ctx, tx, routeEntry(actor, "appeal.route.end", r, &r, &closed))
		return err
	})
}

// Resolve picks the most specific rule in force for a reason in a
// territory: reason+territory, reason in the territory's ancestors
// (nearest first), reason anywhere, then the same for the reason's
// category. No rule: an ENOTFOUND error "appeal.no_route". It reads an
// in-memory table (loaded through q when stale), so it is cheap on every
// submission.
func (s *Service) Resolve(ctx context.Context, q sqldb.Querier, reasonID, territoryID int64) (Route, error) {
	t, err := s.routeTable(ctx, q)
	if err != nil {
		return Route{}, err
	}
	return t.resolve(reasonID, territoryID)
}

// maxTerritoryDepth bounds the walk up the parent chain (region → city →
// district → municipality is four), so a cycle in bad data cannot hang.
const maxTerritoryDepth = 8

func (t *routeTable) resolve(reasonID, territoryID int64) (Route, error) {
	cat, ok := t.category[reasonID]
	if !ok {
		return Route{}, okno.Errorf(okno.ENOTFOUND, "appeal.reason_not_found")
	}
	var chain [maxTerritoryDepth + 1]int64
	n := 0
	for id := territoryID; id != 0 && n < maxTerritoryDepth; id = t.parents[id] {
		chain[n] = id
		n++
	}
	chain[n] = 0 // anywhere
	for _, reason := range [2]int64{reasonID, 0} {
		for _, terr := range chain[:n+1] {
			if r, ok := t.rules[routeKey{cat, reason, terr}]; ok {
				return r, nil
			}
		}
	}
	return Route{}, okno.Errorf(okno.ENOTFOUND, "appeal.no_route")
}

// routeTable returns the cached table, loading it when it is missing or
// older than routeMaxAge.
func (s *Service) routeTable(ctx context.Context, q sqldb.Querier) (*routeTable, error) {
	c := s.routeCacheOf()
	now := s.d.Now()
	if t := c.table.Load(); t != nil && now.Sub(t.loadedAt) < routeMaxAge && t.gen == c.gen.Load() {
		return t, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := c.gen.Load()
	if t := c.table.Load(); t != nil && now.Sub(t.loadedAt) < routeMaxAge && t.gen == gen {
		return t, nil
	}
	t, err := s.loadRouteTable(ctx, q)
	if err != nil {
		return nil, err
	}
	t.gen, t.loadedAt = gen, now
	if c.gen.Load() == gen { // no change committed while loading
		c.table.Store(t)
	}
	return t, nil
}

func (s *Service) loadRouteTable(ctx context.Context, q sqldb.Querier) (*routeTable, error) {
	if q == nil {
		q = s.d.DB
	}
	t := &routeTable{rules: map[routeKey]Route{}, parents: map[int64]int64{}, category: map[int64]int64{}}
	rules, err := queryRoutes(ctx, q, `valid_to IS NULL`)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		// Two rules in force for one key can only come from a race of two
		// administrators; the later one wins, as it would have.
		if have, ok := t.rules[r.key()]; !ok || have.ID < r.ID {
			t.rules[r.key()] = r
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT id, category_id FROM appeal_reasons`)
	if err != nil {
		return nil, fmt.Errorf("appeal: routing reasons: %w", err)
	}
	for rows.Next() {
		var id, cat int64
		if err := rows.Scan(&id, &cat); err != nil {
			rows.Close()
			return nil, err
		}
		t.category[id] = cat
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if s.d.Territories != nil {
		for after := int64(0); ; {
			page, err := s.d.Territories.List(ctx, geo.ListQuery{AfterID: after, Limit: 1000})
			if err != nil {
				return nil, err
			}
			if len(page) == 0 {
				break
			}
			for _, tr := range page {
				t.parents[tr.ID] = tr.ParentID
			}
			after = page[len(page)-1].ID
		}
	}
	return t, nil
}

// SetRoutes sets many rules at once in one transaction (learning the
// table from history, the demo's table): each as SetRoute would, rules
// already in force left alone. It reports how many rules it put in force.
func (s *Service) SetRoutes(ctx context.Context, actor okno.Actor, ins []RouteInput) (int, error) {
	if err := s.mayAdminister(ctx, actor); err != nil {
		return 0, err
	}
	for i, in := range ins {
		if err := s.validateRoute(ctx, in); err != nil {
			return 0, fmt.Errorf("appeal: rule %d: %w", i, err)
		}
	}
	changed := 0
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		changed = 0
		for _, in := range ins {
			_, set, err := s.setRouteTx(ctx, tx, actor, in)
			if err != nil {
				return err
			}
			if set {
				changed++
			}
		}
		return nil
	})
	return changed, err
}
