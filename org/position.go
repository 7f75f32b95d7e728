package org

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// Position is a post in an organisation (должность). Its role says what its
// holders may do; ReportsTo is the position a case escalates to, in the same
// organisation or one above it, which makes the escalation ladder.
type Position struct {
	ID        int64
	OrgID     int64
	Title     string
	Role      okno.Role
	ReportsTo int64 // 0 at the top of the ladder
	CreatedAt time.Time
}

const positionColumns = `p.id, p.organisation_id, p.title, p.role, p.reports_to, p.created_at`

func scanPosition(sc interface{ Scan(...any) error }) (Position, error) {
	var p Position
	var up sql.NullInt64
	if err := sc.Scan(&p.ID, &p.OrgID, &p.Title, &p.Role, &up, &p.CreatedAt); err != nil {
		return Position{}, err
	}
	p.ReportsTo = up.Int64
	return p, nil
}

func getPosition(ctx context.Context, q sqldb.Querier, id int64) (Position, error) {
	p, err := scanPosition(q.QueryRowContext(ctx, `SELECT `+positionColumns+` FROM positions p WHERE p.id = ?`, id))
	if err != nil {
		return Position{}, sqldb.NotFound(err, "org.position_not_found")
	}
	return p, nil
}

// CreatePosition adds position p to organisation p.OrgID. The actor must
// administer that organisation; titles are unique within it.
func (s *Service) CreatePosition(ctx context.Context, p Position, actor okno.Actor) (Position, error) {
	var fe okno.FieldErrors
	p.Title = strings.TrimSpace(p.Title)
	if p.Title == "" {
		fe.Add("title", "org.title_required")
	} else if utf8.RuneCountInString(p.Title) > maxName {
		fe.Add("title", "org.too_long", maxName)
	}
	if !p.Role.Valid() {
		fe.Add("role", "org.role_invalid")
	}
	if err := fe.Err(); err != nil {
		return Position{}, err
	}
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := getOrg(ctx, tx, p.OrgID); err != nil {
			return err
		}
		if err := s.authorize(ctx, tx, actor, p.OrgID); err != nil {
			return err
		}
		if p.ReportsTo != 0 {
			if err := reportsWithin(ctx, tx, p.OrgID, p.ReportsTo); err != nil {
				return err
			}
		}
		p.CreatedAt = sqldb.Now(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO positions (organisation_id, title, role, reports_to, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, p.OrgID, p.Title, p.Role, nullID(p.ReportsTo), p.CreatedAt).Scan(&p.ID)
		if sqldb.ViolationOf(err) == sqldb.Unique {
			return &okno.Error{Code: okno.ECONFLICT, Key: "error.conflict",
				Fields: []okno.FieldError{{Field: "title", Key: "org.position_title_taken"}}, Err: err}
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "org.position.create", "position", fmt.Sprint(p.ID), nil,
			struct {
				OrgID, ReportsTo int64
				Title            string
				Role             okno.Role
			}{p.OrgID, p.ReportsTo, p.Title, p.Role})
	})
	if err != nil {
		return Position{}, err
	}
	return p, nil
}

// reportsWithin checks that position up exists in orgID or an organisation
// above it: escalation goes up the hierarchy, never sideways or down.
func reportsWithin(ctx context.Context, q sqldb.Querier, orgID, up int64) error {
	var fe okno.FieldErrors
	p, err := getPosition(ctx, q, up)
	if okno.IsCode(err, okno.ENOTFOUND) {
		fe.Add("reports_to", "org.position_not_found")
		return fe.Err()
	}
	if err != nil {
		return err
	}
	chain, err := ancestorIDs(ctx, q, orgID)
	if err != nil {
		return err
	}
	for _, id := range chain {
		if id == p.OrgID {
			return nil
		}
	}
	fe.Add("reports_to", "org.reports_to_outside")
	return fe.Err()
}

// Positions returns the positions of organisation orgID, by id (the order
// they were created in, which is the order people set them up).
func (s *Service) Positions(ctx context.Context, orgID int64) ([]Position, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+positionColumns+` FROM positions p WHERE p.organisation_id = ? ORDER BY p.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org: positions of %d: %w", orgID, err)
	}
	defer rows.Close()
	var ps []Position
	for rows.Next() {
		p, err := scanPosition(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}
