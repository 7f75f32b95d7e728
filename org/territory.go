package org

import (
	"context"
	"fmt"
	"slices"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// SetTerritories makes organisation orgID serve exactly the given territories
// (ids of package geo's territories), replacing what it served before. The
// actor must administer the organisation. Setting the same set again writes
// and audits nothing.
func (s *Service) SetTerritories(ctx context.Context, orgID int64, territoryIDs []int64, actor okno.Actor) error {
	want := slices.Clone(territoryIDs)
	slices.Sort(want)
	want = slices.Compact(want)
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := getOrg(ctx, tx, orgID); err != nil {
			return err
		}
		if err := s.authorize(ctx, tx, actor, orgID); err != nil {
			return err
		}
		have, err := territoriesOf(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if slices.Equal(have, want) {
			return nil
		}
		// Checked here rather than left to the foreign key: PostgreSQL aborts
		// the transaction on a violation, and a field error is what a person fixes.
		var fe okno.FieldErrors
		for i, id := range want {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM territories WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fe.Add(fmt.Sprintf("territory_ids[%d]", i), "org.territory_not_found", id)
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM organisation_territories WHERE organisation_id = ?`, orgID); err != nil {
			return err
		}
		for _, id := range want {
			if _, err := tx.ExecContext(ctx, `INSERT INTO organisation_territories (organisation_id, territory_id) VALUES (?, ?)`, orgID, id); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, actor, "org.territories.set", "organisation", fmt.Sprint(orgID), have, want)
	})
}

// Territories returns the ids of the territories organisation orgID serves,
// in ascending order.
func (s *Service) Territories(ctx context.Context, orgID int64) ([]int64, error) {
	return territoriesOf(ctx, s.db, orgID)
}

func territoriesOf(ctx context.Context, q sqldb.Querier, orgID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT territory_id FROM organisation_territories WHERE organisation_id = ? ORDER BY territory_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org: territories of %d: %w", orgID, err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ServingTerritory returns the organisations of the given kind that serve
// territory territoryID, nearest first: those linked to the territory
// itself, then those linked to its parent territory, and so on up. So a
// point in a municipality finds the housing agency of the district around
// it. At one level they come in the order they were created, so the body
// set up first (a district's housing agency before its management
// companies) comes first; routing takes the first. None is an empty slice.
func (s *Service) ServingTerritory(ctx context.Context, territoryID int64, kind Kind) ([]Organisation, error) {
	os, err := queryOrgs(ctx, s.db, `WITH RECURSIVE up (id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM territories WHERE id = ?
			UNION ALL
			SELECT t.id, t.parent_id, up.depth + 1 FROM territories t JOIN up ON t.id = up.parent_id WHERE up.depth < ?
		)
		SELECT `+orgColumns+` FROM organisations o
		JOIN organisation_territories ot ON ot.organisation_id = o.id
		JOIN up ON up.id = ot.territory_id
		WHERE o.kind = ? ORDER BY up.depth, o.id`, territoryID, maxDepth, kind)
	if err != nil {
		return nil, fmt.Errorf("org: organisations serving territory %d: %w", territoryID, err)
	}
	// An organisation linked at two levels appears once, at the nearer.
	seen := map[int64]bool{}
	out := []Organisation{}
	for _, o := range os {
		if !seen[o.ID] {
			seen[o.ID] = true
			out = append(out, o)
		}
	}
	return out, nil
}
