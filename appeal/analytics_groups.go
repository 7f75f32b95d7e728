package appeal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// GroupOptions tune the grouping of near-duplicate appeals. Zero values
// take the defaults.
type GroupOptions struct {
	From, To  time.Time // appeals filed in [From, To); default the last 90 days
	Threshold float64   // estimated Jaccard similarity of shingles, default 0.5
	Radius    float64   // metres between points, default 500
	MaxTexts  int       // the most recent texts read, default 200,000
}

func (o GroupOptions) withDefaults(now time.Time) GroupOptions {
	if o.To.IsZero() {
		o.To = now
	}
	if o.From.IsZero() {
		o.From = o.To.Add(-90 * 24 * time.Hour)
	}
	if o.Threshold <= 0 {
		o.Threshold = 0.5
	}
	if o.Radius <= 0 {
		o.Radius = 500
	}
	if o.MaxTexts <= 0 {
		o.MaxTexts = 200000
	}
	return o
}

func (o GroupOptions) validate() error {
	var fe okno.FieldErrors
	if o.Threshold > 1 || math.IsNaN(o.Threshold) {
		fe.Add("threshold", "appeal.analytics.threshold")
	}
	if o.Radius > 10000 || math.IsNaN(o.Radius) {
		fe.Add("radius", "appeal.analytics.radius", 10000)
	}
	if o.MaxTexts > 2000000 {
		fe.Add("max", "appeal.analytics.max_texts", 2000000)
	}
	if !o.To.After(o.From) {
		fe.Add("from", "appeal.analytics.period_order")
	}
	return fe.Err()
}

// GroupReport says what a grouping did.
type GroupReport struct {
	Texts      int  // published appeals read
	Truncated  bool // more were filed in the window than MaxTexts
	Candidates int  // pairs compared
	Pairs      int  // pairs joined
	Groups     int
	Grouped    int // appeals in groups
	Took       time.Duration
}

// groupAppeal is an appeal as grouping reads it.
type groupAppeal struct {
	CaseID      int64
	Lat, Lon    float64
	TerritoryID int64
	CategoryID  int64
	Author      string
	CreatedAt   time.Time
}

// ComputeGroups groups the published appeals of the window that say the
// same thing about the same place (MinHash/LSH over the stemmed public
// text, verified by estimated similarity and distance; see minhash.go)
// and replaces the stored groups with them. The recurring job runs it
// every GroupsEvery; `okno appeals analytics groups` on demand. Groups
// are derived data, not anyone's action: they are not audited.
func (s *Service) ComputeGroups(ctx context.Context, o GroupOptions) (GroupReport, error) {
	start := s.d.Now()
	now := s.now()
	o = o.withDefaults(now)
	if err := o.validate(); err != nil {
		return GroupReport{}, err
	}
	var rep GroupReport
	rows, err := s.d.DB.QueryContext(ctx, `SELECT case_id, lat, lon, public_text, COALESCE(territory_id, 0), category_id, author_key, created_at
		FROM appeals WHERE public_text IS NOT NULL AND status <> ? AND created_at >= ? AND created_at < ?
		ORDER BY created_at DESC, case_id DESC LIMIT ?`, rejected, sqldb.Now(o.From), sqldb.Now(o.To), o.MaxTexts+1)
	if err != nil {
		return rep, fmt.Errorf("appeal: groups: %w", err)
	}
	var meta []groupAppeal
	var items []dupItem
	for rows.Next() {
		var a groupAppeal
		var text string
		if err := rows.Scan(&a.CaseID, &a.Lat, &a.Lon, &text, &a.TerritoryID, &a.CategoryID, &a.Author, &a.CreatedAt); err != nil {
			rows.Close()
			return rep, err
		}
		if len(meta) == o.MaxTexts {
			rep.Truncated = true
			break
		}
		meta = append(meta, a)
		items = append(items, dupItem{Tokens: Tokens(text), Numbers: numbersKey(text), Lat: a.Lat, Lon: a.Lon})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	rep.Texts = len(meta)
	res := groupDuplicates(items, dupParams{Threshold: o.Threshold, Radius: o.Radius})
	rep.Candidates, rep.Pairs, rep.Groups = res.Candidates, res.Pairs, len(res.Groups)

	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM appeal_group_members`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM appeal_groups`); err != nil {
			return err
		}
		var members [][]any
		for g, idx := range res.Groups {
			sum := summarise(meta, idx)
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO appeal_groups (territory_id, category_id, size, authors, similarity, lat, lon,
				first_at, last_at, sample_case_id, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				sum.TerritoryID, sum.CategoryID, len(idx), sum.Authors, res.Similarity[g], sum.Lat, sum.Lon,
				sum.FirstAt, sum.LastAt, sum.SampleCaseID, now).Scan(&id); err != nil {
				return err
			}
			for _, i := range idx {
				members = append(members, []any{id, meta[i].CaseID})
			}
			rep.Grouped += len(idx)
		}
		if err := insertRows(ctx, tx, `INSERT INTO appeal_group_members (group_id, case_id) VALUES `, members); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO appeal_analytics_state (id, watermark, due_checked, refreshed_at, groups_at) VALUES (1, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET groups_at = excluded.groups_at`, time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC(), now)
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("appeal: store groups: %w", err)
	}
	rep.Took = s.d.Now().Sub(start)
	return rep, nil
}

// groupSummary is what a stored group says of its members.
type groupSummary struct {
	TerritoryID, CategoryID int64
	Authors                 int
	Lat, Lon                float64
	FirstAt, LastAt         time.Time
	SampleCaseID            int64
}

// summarise describes the members idx of meta: the most frequent
// territory and category, distinct authors, the centre, the first and
// last filing; the sample is the first filed (the lowest case of equals).
func summarise(meta []groupAppeal, idx []int) groupSummary {
	var sum groupSummary
	terr, cat := map[int64]int{}, map[int64]int{}
	authors := map[string]bool{}
	for k, i := range idx {
		a := meta[i]
		terr[a.TerritoryID]++
		cat[a.CategoryID]++
		authors[a.Author] = true
		sum.Lat += a.Lat / float64(len(idx))
		sum.Lon += a.Lon / float64(len(idx))
		if k == 0 || a.CreatedAt.Before(sum.FirstAt) || (a.CreatedAt.Equal(sum.FirstAt) && a.CaseID < sum.SampleCaseID) {
			sum.FirstAt, sum.SampleCaseID = a.CreatedAt, a.CaseID
		}
		if a.CreatedAt.After(sum.LastAt) {
			sum.LastAt = a.CreatedAt
		}
	}
	sum.TerritoryID, sum.CategoryID = mode(terr), mode(cat)
	sum.Authors = len(authors)
	return sum
}

// mode is the most frequent key, the smallest of equals.
func mode(m map[int64]int) int64 {
	var best int64
	n := -1
	for k, c := range m {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	return best
}

// Group is a stored group of near-duplicate appeals.
type Group struct {
	ID            int64
	TerritoryID   int64
	TerritoryName string
	CategoryID    int64
	CategoryTitle string
	Size          int
	Authors       int
	Similarity    float64
	Lat, Lon      float64
	FirstAt       time.Time
	LastAt        time.Time
	SampleCaseID  int64
	SampleText    string
	ComputedAt    time.Time
	Members       []GroupMember // filled by Group, not by Groups
}

// GroupMember is one appeal of a group, as the public sees it.
type GroupMember struct {
	CaseID    int64
	Ref       string
	Status    Status
	Text      string
	CreatedAt time.Time
}

// GroupQuery selects stored groups.
type GroupQuery struct {
	MinSize     int // default 2
	TerritoryID int64
	CategoryID  int64
	Limit       int // default 50, at most 500
}

const groupColumns = `g.id, g.territory_id, COALESCE(t.name, ''), g.category_id, COALESCE(c.title, ''), g.size, g.authors, g.similarity,
	g.lat, g.lon, g.first_at, g.last_at, g.sample_case_id, COALESCE(a.public_text, ''), g.computed_at`

const groupFrom = ` FROM appeal_groups g LEFT JOIN territories t ON t.id = g.territory_id
	LEFT JOIN appeal_categories c ON c.id = g.category_id LEFT JOIN appeals a ON a.case_id = g.sample_case_id`

func scanGroup(sc interface{ Scan(...any) error }) (Group, error) {
	var g Group
	err := sc.Scan(&g.ID, &g.TerritoryID, &g.TerritoryName, &g.CategoryID, &g.CategoryTitle, &g.Size, &g.Authors, &g.Similarity,
		&g.Lat, &g.Lon, &g.FirstAt, &g.LastAt, &g.SampleCaseID, &g.SampleText, &g.ComputedAt)
	return g, err
}

// Groups lists the stored groups in the actor's scope, largest first.
func (s *Service) Groups(ctx context.Context, actor okno.Actor, q GroupQuery) ([]Group, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	if q.MinSize < 2 {
		q.MinSize = 2
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	conds := []string{"g.size >= ?"}
	args := []any{q.MinSize}
	if q.TerritoryID > 0 {
		conds, args = append(conds, "g.territory_id = ?"), append(args, q.TerritoryID)
	}
	if q.CategoryID > 0 {
		conds, args = append(conds, "g.category_id = ?"), append(args, q.CategoryID)
	}
	if c, a := sc.territoryFilter("g.territory_id"); c != "" {
		conds, args = append(conds, c), append(args, a...)
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT `+groupColumns+groupFrom+where(conds...)+` ORDER BY g.size DESC, g.id LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("appeal: list groups: %w", err)
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// GroupByID returns one group with its members, or ENOTFOUND (also for a
// group outside the actor's scope).
func (s *Service) GroupByID(ctx context.Context, actor okno.Actor, id int64) (Group, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return Group{}, err
	}
	g, err := scanGroup(s.d.DB.QueryRowContext(ctx, `SELECT `+groupColumns+groupFrom+` WHERE g.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !sc.allowsTerritory(g.TerritoryID)) {
		return Group{}, okno.Errorf(okno.ENOTFOUND, "appeal.analytics.group_not_found")
	}
	if err != nil {
		return Group{}, err
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT a.case_id, a.ref, a.status, COALESCE(a.public_text, ''), a.created_at
		FROM appeal_group_members m JOIN appeals a ON a.case_id = m.case_id WHERE m.group_id = ? ORDER BY a.created_at, a.case_id`, id)
	if err != nil {
		return Group{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var m GroupMember
		if err := rows.Scan(&m.CaseID, &m.Ref, &m.Status, &m.Text, &m.CreatedAt); err != nil {
			return Group{}, err
		}
		g.Members = append(g.Members, m)
	}
	return g, rows.Err()
}
