package appeal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
)

// Nearby duplicates: before sending, the citizen sees the open appeals
// around their point that look like theirs, and may join one instead.

// Ranking of nearby candidates. A candidate is shown when its text is at
// least nearbyMinSimilarity alike (Similarity of Tokens: Jaccard of words
// and word pairs; 0.12 is about two shared content words in two short
// reports) or it has the same reason; the score adds boosts for the same
// reason and category and takes a little off for distance, so that the
// same pothole reported in other words still comes first.
const (
	nearbyMinSimilarity = 0.12
	nearbySameReason    = 0.3
	nearbySameCategory  = 0.1
	nearbyDistance      = 0.1 // taken off at the edge of the radius
	nearbyScan          = 500 // rows read at most: the newest in the cells
)

// Nearby lists open published appeals within NearbyRadius of a point,
// filed within NearbyAge, with text similar to text or the same reason,
// best first, at most NearbyMax. It shows only what the public sees.
func (s *Service) Nearby(ctx context.Context, lat, lon float64, reasonCode, text string) ([]Candidate, error) {
	var fe okno.FieldErrors
	if !validPoint(lat, lon) {
		fe.Add("point", "appeal.point_invalid")
	}
	if utf8.RuneCountInString(text) > s.d.Limits.MaxText {
		fe.Add("text", "appeal.text_long", s.d.Limits.MaxText)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var reason Reason
	var category Category
	if reasonCode = strings.TrimSpace(reasonCode); reasonCode != "" {
		tax, err := s.Taxonomy(ctx)
		if err != nil {
			return nil, err
		}
		// An unknown code boosts nothing: the citizen may still be choosing.
		reason, category, _ = tax.Reason(reasonCode)
	}
	l := s.d.Limits
	where := published + ` AND a.closed_at IS NULL AND a.created_at >= ?`
	args := []any{s.now().Add(-l.NearbyAge)}
	if cells, ok := cellsAround(lat, lon, l.NearbyRadius); ok {
		where += ` AND a.cell IN (?` + strings.Repeat(`, ?`, len(cells)-1) + `)`
		for _, c := range cells {
			args = append(args, c)
		}
	} else {
		return nil, nil // a point at a pole: no appeals there
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT `+publicColumns+publicFrom+` WHERE `+where+
		fmt.Sprintf(` ORDER BY a.created_at DESC LIMIT %d`, nearbyScan), args...)
	if err != nil {
		return nil, fmt.Errorf("appeal: nearby appeals: %w", err)
	}
	defer rows.Close()
	toks := Tokens(text)
	type scored struct {
		Candidate
		score float64
	}
	var found []scored
	for rows.Next() {
		a, err := scanPublic(rows)
		if err != nil {
			return nil, err
		}
		d := distance(lat, lon, a.Lat, a.Lon)
		if d > l.NearbyRadius {
			continue
		}
		sim := Similarity(toks, Tokens(a.Text))
		sameReason := reason.ID != 0 && a.ReasonID == reason.ID
		if sim < nearbyMinSimilarity && !sameReason {
			continue
		}
		score := sim - nearbyDistance*d/l.NearbyRadius
		switch {
		case sameReason:
			score += nearbySameReason
		case category.ID != 0 && a.CategoryID == category.ID:
			score += nearbySameCategory
		}
		found = append(found, scored{Candidate{Appeal: a, Distance: d, Similarity: sim}, score})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(found, func(x, y scored) int {
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		}
		return int(x.Appeal.CaseID - y.Appeal.CaseID)
	})
	out := make([]Candidate, 0, min(len(found), l.NearbyMax))
	for _, f := range found[:min(len(found), l.NearbyMax)] {
		out = append(out, f.Candidate)
	}
	return out, nil
}
