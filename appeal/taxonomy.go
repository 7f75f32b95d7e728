package appeal

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/sqldb"
)

// Taxonomy is the category tree in force. Build one with NewTaxonomy to
// get indexed look-ups; a literal works too (look-ups then scan).
type Taxonomy struct {
	Categories []Category

	byCode  map[string][2]int // reason code → (category, reason) positions
	byID    map[int64][2]int
	byTitle map[[2]string][2]int // (category title, reason title)
}

// NewTaxonomy indexes cats for Reason, ReasonByID and ReasonByTitle.
func NewTaxonomy(cats []Category) *Taxonomy {
	t := &Taxonomy{Categories: cats, byCode: map[string][2]int{}, byID: map[int64][2]int{}, byTitle: map[[2]string][2]int{}}
	for i, c := range cats {
		for j, r := range c.Reasons {
			t.byCode[r.Code] = [2]int{i, j}
			if r.ID != 0 {
				t.byID[r.ID] = [2]int{i, j}
			}
			t.byTitle[[2]string{taxTitleKey(c.Title), taxTitleKey(r.Title)}] = [2]int{i, j}
		}
	}
	return t
}

func (t *Taxonomy) at(p [2]int) (Reason, Category, bool) {
	c := t.Categories[p[0]]
	return c.Reasons[p[1]], c, true
}

func (t *Taxonomy) find(indexed map[string][2]int, key string, match func(Reason) bool) (Reason, Category, bool) {
	if t == nil {
		return Reason{}, Category{}, false
	}
	if indexed != nil {
		if p, ok := indexed[key]; ok {
			return t.at(p)
		}
		return Reason{}, Category{}, false
	}
	for _, c := range t.Categories {
		for _, r := range c.Reasons {
			if match(r) {
				return r, c, true
			}
		}
	}
	return Reason{}, Category{}, false
}

// Reason finds a reason by its code.
func (t *Taxonomy) Reason(code string) (Reason, Category, bool) {
	if t == nil {
		return Reason{}, Category{}, false
	}
	return t.find(t.byCode, code, func(r Reason) bool { return r.Code == code })
}

// ReasonByID finds a reason by its id.
func (t *Taxonomy) ReasonByID(id int64) (Reason, Category, bool) {
	if t == nil {
		return Reason{}, Category{}, false
	}
	if t.byID != nil {
		if p, ok := t.byID[id]; ok {
			return t.at(p)
		}
		return Reason{}, Category{}, false
	}
	return t.find(nil, "", func(r Reason) bool { return r.ID == id })
}

// ReasonByTitle finds a reason by its category's and its own Russian
// titles as a region's history names them (runs of spaces do not matter:
// the portal's export has some doubled). Titles are not unique on their own:
// "Неубранный снег" is a reason of two categories.
func (t *Taxonomy) ReasonByTitle(category, reason string) (Reason, Category, bool) {
	if t == nil {
		return Reason{}, Category{}, false
	}
	c, r := taxTitleKey(category), taxTitleKey(reason)
	if t.byTitle != nil {
		if p, ok := t.byTitle[[2]string{c, r}]; ok {
			return t.at(p)
		}
		return Reason{}, Category{}, false
	}
	for _, cat := range t.Categories {
		if taxTitleKey(cat.Title) != c {
			continue
		}
		for _, rs := range cat.Reasons {
			if taxTitleKey(rs.Title) == r {
				return rs, cat, true
			}
		}
	}
	return Reason{}, Category{}, false
}

// Category finds a category by its id.
func (t *Taxonomy) Category(id int64) (Category, bool) {
	if t == nil {
		return Category{}, false
	}
	for _, c := range t.Categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// CategoryByCode finds a category by its code.
func (t *Taxonomy) CategoryByCode(code string) (Category, bool) {
	if t == nil {
		return Category{}, false
	}
	for _, c := range t.Categories {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// LegalPeriod is the legal period of appeals of a reason: the reason's own,
// else its category's, else nil (the process's legal clock, 30 days).
func (t *Taxonomy) LegalPeriod(reasonID int64) *calendar.Period {
	r, c, ok := t.ReasonByID(reasonID)
	if !ok {
		return nil
	}
	return EffectiveLegal(r, c)
}

// EffectiveLegal is the legal period of appeals of reason r of category c:
// the reason's, else the category's, else nil.
func EffectiveLegal(r Reason, c Category) *calendar.Period {
	if r.Legal != nil {
		return r.Legal
	}
	return c.Legal
}

func taxTitleKey(s string) string { return strings.Join(strings.Fields(s), " ") }

//go:embed taxonomy.json
var shippedJSON []byte

// shippedFile is taxonomy.json: what a fresh installation starts from.
type shippedFile struct {
	Version    int               `json:"version"`
	Categories []shippedCategory `json:"categories"`
}

type shippedCategory struct {
	Code        string          `json:"code"`
	Title       string          `json:"title"`
	TitleEn     string          `json:"title_en"`
	LegalPeriod string          `json:"legal_period,omitempty"`
	Replies     []shippedReply  `json:"replies,omitempty"`
	Reasons     []shippedReason `json:"reasons"`
}

type shippedReason struct {
	Code        string         `json:"code"`
	Title       string         `json:"title"`
	TitleEn     string         `json:"title_en"`
	Hint        string         `json:"hint"`
	Keywords    []string       `json:"keywords,omitempty"`
	LegalPeriod string         `json:"legal_period,omitempty"`
	Replies     []shippedReply `json:"replies,omitempty"`
}

type shippedReply struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// ShippedTaxonomy is the taxonomy embedded in the binary, without ids: a
// reason's replies are its own followed by its category's, as seeding
// stores them. Learning the routing table from history and the demo's
// routes read it without a database.
func ShippedTaxonomy() (*Taxonomy, error) {
	f, err := parseShipped(shippedJSON)
	if err != nil {
		return nil, err
	}
	cats := make([]Category, 0, len(f.Categories))
	for _, sc := range f.Categories {
		c := Category{Code: sc.Code, Title: sc.Title, TitleEn: sc.TitleEn, Legal: mustPeriod(sc.LegalPeriod)}
		for _, sr := range sc.Reasons {
			r := Reason{Code: sr.Code, Title: sr.Title, TitleEn: sr.TitleEn, Hint: sr.Hint, Keywords: sr.Keywords, Legal: mustPeriod(sr.LegalPeriod)}
			for _, rp := range append(append([]shippedReply{}, sr.Replies...), sc.Replies...) {
				r.Replies = append(r.Replies, Reply{Title: rp.Title, Body: rp.Body})
			}
			c.Reasons = append(c.Reasons, r)
		}
		cats = append(cats, c)
	}
	return NewTaxonomy(cats), nil
}

// parseShipped reads and checks taxonomy.json: codes present, ASCII and
// unique, titles and hints present, periods valid.
func parseShipped(b []byte) (*shippedFile, error) {
	var f shippedFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("appeal: taxonomy.json: %w", err)
	}
	seen := map[string]bool{}
	check := func(code, title, period string) error {
		if !validTaxonomyCode(code) || title == "" {
			return fmt.Errorf("appeal: taxonomy.json: bad code %q or empty title", code)
		}
		if seen[code] {
			return fmt.Errorf("appeal: taxonomy.json: code %q twice", code)
		}
		seen[code] = true
		if _, err := calendar.ParsePeriod(period); err != nil {
			return fmt.Errorf("appeal: taxonomy.json: %s: %w", code, err)
		}
		return nil
	}
	for _, c := range f.Categories {
		if err := check("category:"+c.Code, c.Title, c.LegalPeriod); err != nil {
			return nil, err
		}
		for _, r := range c.Reasons {
			if err := check(r.Code, r.Title, r.LegalPeriod); err != nil {
				return nil, err
			}
			if r.Hint == "" {
				return nil, fmt.Errorf("appeal: taxonomy.json: %s has no hint", r.Code)
			}
		}
	}
	return &f, nil
}

// validTaxonomyCode reports whether s is a stable ASCII code: lower-case letters,
// digits, '-' (and the ':' of parseShipped's category prefix).
func validTaxonomyCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == ':') {
			return false
		}
	}
	return true
}

func mustPeriod(s string) *calendar.Period {
	p, err := calendar.ParsePeriod(s)
	if err != nil || p.Days == 0 {
		return nil
	}
	return &p
}

// Taxonomy returns the category tree (cached until it changes).
func (s *Service) Taxonomy(ctx context.Context) (*Taxonomy, error) {
	s.taxMu.Lock()
	defer s.taxMu.Unlock()
	if s.tax != nil {
		return s.tax, nil
	}
	t, err := loadTaxonomy(ctx, s.d.DB)
	if err != nil {
		return nil, err
	}
	s.tax = t
	return t, nil
}

// invalidateTaxonomy drops the cached tree; call it after commit.
func (s *Service) invalidateTaxonomy() {
	s.taxMu.Lock()
	s.tax = nil
	s.taxMu.Unlock()
}

// loadTaxonomy reads the active categories and reasons with their replies.
func loadTaxonomy(ctx context.Context, q sqldb.Querier) (*Taxonomy, error) {
	var cats []Category
	catAt := map[int64]int{}
	rows, err := q.QueryContext(ctx, `SELECT id, code, title, title_en, legal_period FROM appeal_categories
		WHERE active ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("appeal: load categories: %w", err)
	}
	for rows.Next() {
		var c Category
		var legal string
		if err := rows.Scan(&c.ID, &c.Code, &c.Title, &c.TitleEn, &legal); err != nil {
			rows.Close()
			return nil, err
		}
		c.Legal = mustPeriod(legal)
		catAt[c.ID] = len(cats)
		cats = append(cats, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT id, category_id, code, title, title_en, hint, keywords, legal_period
		FROM appeal_reasons WHERE active ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("appeal: load reasons: %w", err)
	}
	reasonAt := map[int64][2]int{}
	for rows.Next() {
		var r Reason
		var keywords, legal string
		if err := rows.Scan(&r.ID, &r.CategoryID, &r.Code, &r.Title, &r.TitleEn, &r.Hint, &keywords, &legal); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := catAt[r.CategoryID]
		if !ok {
			continue // its category is inactive
		}
		r.Keywords = splitKeywords(keywords)
		r.Legal = mustPeriod(legal)
		reasonAt[r.ID] = [2]int{i, len(cats[i].Reasons)}
		cats[i].Reasons = append(cats[i].Reasons, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT id, reason_id, title, body FROM appeal_replies ORDER BY reason_id, position, id`)
	if err != nil {
		return nil, fmt.Errorf("appeal: load replies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rp Reply
		var reasonID int64
		if err := rows.Scan(&rp.ID, &reasonID, &rp.Title, &rp.Body); err != nil {
			return nil, err
		}
		if p, ok := reasonAt[reasonID]; ok {
			r := &cats[p[0]].Reasons[p[1]]
			r.Replies = append(r.Replies, rp)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return NewTaxonomy(cats), nil
}

// Keywords are stored as one comma-separated column.
func splitKeywords(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// SeedTaxonomy loads the shipped taxonomy (embedded taxonomy.json) into
// the database, matched by code: idempotent; it reports what it added.
// Titles, hints and keywords follow the shipped file; what administrators
// decide — legal periods, canned replies of existing reasons, deactivation —
// is never overwritten, and nothing is deleted or deactivated. One
// transaction, an audit entry for each category or reason added or changed.
func (s *Service) SeedTaxonomy(ctx context.Context) (int, error) {
	f, err := parseShipped(shippedJSON)
	if err != nil {
		return 0, err
	}
	added, changed := 0, 0
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		added, changed = 0, 0
		var audits []audit.Entry
		for ci, sc := range f.Categories {
			catID, ch, err := seedCategory(ctx, tx, sc, ci)
			if err != nil {
				return err
			}
			if ch != "" {
				audits = append(audits, s.taxonomyEntry("appeal.category."+ch, "appeal_category", catID, sc))
				if ch == "create" {
					added++
				} else {
					changed++
				}
			}
			for ri, sr := range sc.Reasons {
				id, ch, err := seedReason(ctx, tx, catID, sr, ri, sc.Replies)
				if err != nil {
					return err
				}
				if ch != "" {
					audits = append(audits, s.taxonomyEntry("appeal.reason."+ch, "appeal_reason", id, sr))
					if ch == "create" {
						added++
					} else {
						changed++
					}
				}
			}
		}
		for _, e := range audits {
			if _, err := s.d.Audit.Append(ctx, tx, e); err != nil {
				return fmt.Errorf("appeal: audit taxonomy: %w", err)
			}
		}
		if len(audits) > 0 {
			tx.AfterCommit(s.invalidateTaxonomy)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if added+changed > 0 {
		s.d.Logger.Info("appeal taxonomy seeded", "added", added, "changed", changed)
	}
	return added, nil
}

func (s *Service) taxonomyEntry(action, objType string, id int64, after any) audit.Entry {
	return audit.Entry{Actor: okno.System.Ref(), Action: action, ObjectType: objType, ObjectID: strconv.FormatInt(id, 10), After: audit.Digest(after)}
}

// seedCategory inserts or updates one category; change is "create",
// "update" or "" (nothing to do).
func seedCategory(ctx context.Context, tx *sqldb.Tx, c shippedCategory, pos int) (int64, string, error) {
	var id int64
	var title, titleEn string
	var position int
	err := tx.QueryRowContext(ctx, `SELECT id, title, title_en, position FROM appeal_categories WHERE code = ?`, c.Code).
		Scan(&id, &title, &titleEn, &position)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO appeal_categories (code, title, title_en, legal_period, position)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, c.Code, c.Title, c.TitleEn, c.LegalPeriod, pos).Scan(&id)
		if err != nil {
			return 0, "", fmt.Errorf("appeal: seed category %s: %w", c.Code, err)
		}
		return id, "create", nil
	case err != nil:
		return 0, "", fmt.Errorf("appeal: seed category %s: %w", c.Code, err)
	case title == c.Title && titleEn == c.TitleEn && position == pos:
		return id, "", nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE appeal_categories SET title = ?, title_en = ?, position = ? WHERE id = ?`,
		c.Title, c.TitleEn, pos, id); err != nil {
		return 0, "", fmt.Errorf("appeal: seed category %s: %w", c.Code, err)
	}
	return id, "update", nil
}

// seedReason inserts or updates one reason. A new reason gets its own
// replies and then its category's; an existing one keeps its replies.
func seedReason(ctx context.Context, tx *sqldb.Tx, catID int64, r shippedReason, pos int, catReplies []shippedReply) (int64, string, error) {
	keywords := strings.Join(r.Keywords, ", ")
	var id, haveCat int64
	var title, titleEn, hint, kw string
	var position int
	err := tx.QueryRowContext(ctx, `SELECT id, category_id, title, title_en, hint, keywords, position FROM appeal_reasons WHERE code = ?`, r.Code).
		Scan(&id, &haveCat, &title, &titleEn, &hint, &kw, &position)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO appeal_reasons (category_id, code, title, title_en, hint, keywords, legal_period, position)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, catID, r.Code, r.Title, r.TitleEn, r.Hint, keywords, r.LegalPeriod, pos).Scan(&id)
		if err != nil {
			return 0, "", fmt.Errorf("appeal: seed reason %s: %w", r.Code, err)
		}
		replies := append(append([]shippedReply{}, r.Replies...), catReplies...)
		for i, rp := range replies {
			if _, err := tx.ExecContext(ctx, `INSERT INTO appeal_replies (reason_id, title, body, position) VALUES (?, ?, ?, ?)`,
				id, rp.Title, rp.Body, i); err != nil {
				return 0, "", fmt.Errorf("appeal: seed replies of %s: %w", r.Code, err)
			}
		}
		return id, "create", nil
	case err != nil:
		return 0, "", fmt.Errorf("appeal: seed reason %s: %w", r.Code, err)
	case haveCat == catID && title == r.Title && titleEn == r.TitleEn && hint == r.Hint && kw == keywords && position == pos:
		return id, "", nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE appeal_reasons SET category_id = ?, title = ?, title_en = ?, hint = ?, keywords = ?, position = ?
		WHERE id = ?`, catID, r.Title, r.TitleEn, r.Hint, keywords, pos, id); err != nil {
		return 0, "", fmt.Errorf("appeal: seed reason %s: %w", r.Code, err)
	}
	return id, "update", nil
}
