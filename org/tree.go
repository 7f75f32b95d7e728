package org

import (
	"context"
	"fmt"

	"github.com/okno/okno"

	"github.com/okno/okno/sqldb"
)

// ListQuery selects a page of organisations, ordered by id.
type ListQuery struct {
	Kind    Kind  // "" for every kind
	AfterID int64 // keyset cursor: the last id of the previous page
	Limit   int   // default 100, at most 1000
}

// List returns a page of organisations; pass the last one's ID as AfterID for
// the next page. An empty page is the end.
func (s *Service) List(ctx context.Context, q ListQuery) ([]Organisation, error) {
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	os, err := queryOrgs(ctx, s.db, `SELECT `+orgColumns+` FROM organisations o
		WHERE o.id > ? AND (? = '' OR o.kind = ?) ORDER BY o.id LIMIT ?`, q.AfterID, string(q.Kind), string(q.Kind), q.Limit)
	if err != nil {
		return nil, fmt.Errorf("org: list: %w", err)
	}
	return os, nil
}

// Children returns the organisations directly under id, by name. A
// government has about a hundred; nothing has thousands, so it is one page.
func (s *Service) Children(ctx context.Context, id int64) ([]Organisation, error) {
	os, err := queryOrgs(ctx, s.db, `SELECT `+orgColumns+` FROM organisations o WHERE o.parent_id = ? ORDER BY o.name, o.id`, id)
	if err != nil {
		return nil, fmt.Errorf("org: children of %d: %w", id, err)
	}
	return os, nil
}

// Subtree returns organisation id and everything under it, level by level
// (id first, then its children by name, then theirs), or ENOTFOUND.
func (s *Service) Subtree(ctx context.Context, id int64) ([]Organisation, error) {
	os, err := queryOrgs(ctx, s.db, `WITH RECURSIVE down (id, depth) AS (
			SELECT id, 0 FROM organisations WHERE id = ?
			UNION ALL
			SELECT c.id, down.depth + 1 FROM organisations c JOIN down ON c.parent_id = down.id WHERE down.depth < ?
		)
		SELECT `+orgColumns+` FROM organisations o JOIN down ON o.id = down.id ORDER BY down.depth, o.name, o.id`, id, maxDepth)
	if err != nil {
		return nil, fmt.Errorf("org: subtree of %d: %w", id, err)
	}
	if len(os) == 0 {
		return nil, okno.Errorf(okno.ENOTFOUND, "org.not_found")
	}
	return os, nil
}

// Ancestors returns the organisations above id, from the root down to its
// parent (breadcrumb order); a root has none. An unknown id is ENOTFOUND.
func (s *Service) Ancestors(ctx context.Context, id int64) ([]Organisation, error) {
	if _, err := getOrg(ctx, s.db, id); err != nil {
		return nil, err
	}
	os, err := queryOrgs(ctx, s.db, `WITH RECURSIVE up (id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM organisations WHERE id = ?
			UNION ALL
			SELECT p.id, p.parent_id, up.depth + 1 FROM organisations p JOIN up ON p.id = up.parent_id WHERE up.depth < ?
		)
		SELECT `+orgColumns+` FROM organisations o JOIN up ON o.id = up.id WHERE up.depth > 0 ORDER BY up.depth DESC`, id, maxDepth)
	if err != nil {
		return nil, fmt.Errorf("org: ancestors of %d: %w", id, err)
	}
	return os, nil
}

// ancestorIDs returns id and the ids above it, nearest first.
func ancestorIDs(ctx context.Context, q sqldb.Querier, id int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE up (id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM organisations WHERE id = ?
			UNION ALL
			SELECT p.id, p.parent_id, up.depth + 1 FROM organisations p JOIN up ON p.id = up.parent_id WHERE up.depth < ?
		)
		SELECT id FROM up ORDER BY depth`, id, maxDepth)
	if err != nil {
		return nil, fmt.Errorf("org: ancestors of %d: %w", id, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		ids = append(ids, a)
	}
	return ids, rows.Err()
}
