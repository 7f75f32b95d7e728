package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// StaffMember is a person holding a position. Only the display name comes
// with it: contacts and everything personal stay in package identity.
type StaffMember struct {
	UserID      int64
	DisplayName string
	Position    Position
	Since       time.Time
}

// Membership is an organisation a person works for, with the roles held
// there: what the staff organisation switcher offers.
type Membership struct {
	Organisation Organisation
	Roles        []okno.Role
}

// AssignStaff makes staff user userID hold position positionID from now on.
// The actor must administer the position's organisation. Holding it already
// is an ECONFLICT error.
func (s *Service) AssignStaff(ctx context.Context, userID, positionID int64, actor okno.Actor) error {
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		return s.AssignStaffTx(ctx, tx, userID, positionID, actor)
	})
}

// AssignStaffTx is AssignStaff in the caller's transaction: for a door that
// assigns a position to an account it creates in the same transaction, so
// that a refused assignment leaves no account behind.
func (s *Service) AssignStaffTx(ctx context.Context, tx *sqldb.Tx, userID, positionID int64, actor okno.Actor) error {
	p, err := getPosition(ctx, tx, positionID)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, tx, actor, p.OrgID); err != nil {
		return err
	}
	var kind string
	err = tx.QueryRowContext(ctx, `SELECT kind FROM users WHERE id = ?`, userID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != "staff") {
		var fe okno.FieldErrors
		fe.Add("user_id", "org.user_not_staff")
		return fe.Err()
	}
	if err != nil {
		return err
	}
	since := sqldb.Now(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO staff (user_id, position_id, since) VALUES (?, ?, ?)`, userID, positionID, since)
	if sqldb.ViolationOf(err) == sqldb.Unique {
		return okno.Wrap(okno.ECONFLICT, "org.staff_exists", err)
	}
	if err != nil {
		return err
	}
	return s.audit(ctx, tx, actor, "org.staff.assign", "staff", staffID(userID, positionID), nil,
		struct{ UserID, PositionID int64 }{userID, positionID})
}

// RemoveStaff ends user userID's holding of position positionID. Not holding
// it is an ENOTFOUND error.
func (s *Service) RemoveStaff(ctx context.Context, userID, positionID int64, actor okno.Actor) error {
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		p, err := getPosition(ctx, tx, positionID)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, tx, actor, p.OrgID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM staff WHERE user_id = ? AND position_id = ?`, userID, positionID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(okno.Errorf(okno.ENOTFOUND, "org.staff_not_found"), err)
		}
		return s.audit(ctx, tx, actor, "org.staff.remove", "staff", staffID(userID, positionID),
			struct{ UserID, PositionID int64 }{userID, positionID}, nil)
	})
}

func staffID(userID, positionID int64) string { return fmt.Sprintf("%d/%d", userID, positionID) }

// RolesOf returns the roles user userID holds in organisation orgID through
// its positions there, in okno.Roles order; none is an empty slice.
func (s *Service) RolesOf(ctx context.Context, userID, orgID int64) ([]okno.Role, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT p.role FROM staff st JOIN positions p ON p.id = st.position_id
		WHERE st.user_id = ? AND p.organisation_id = ?`, userID, orgID)
	if err != nil {
		return nil, fmt.Errorf("org: roles of user %d in %d: %w", userID, orgID, err)
	}
	defer rows.Close()
	held := map[okno.Role]bool{}
	for rows.Next() {
		var r okno.Role
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		held[r] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return ordered(held), nil
}

func ordered(held map[okno.Role]bool) []okno.Role {
	roles := []okno.Role{}
	for _, r := range okno.Roles {
		if held[r] {
			roles = append(roles, r)
		}
	}
	return roles
}

// OrganisationsOf returns the organisations user userID holds positions in,
// by name, each with the roles held there.
func (s *Service) OrganisationsOf(ctx context.Context, userID int64) ([]Membership, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+orgColumns+`, p.role FROM staff st
		JOIN positions p ON p.id = st.position_id
		JOIN organisations o ON o.id = p.organisation_id
		WHERE st.user_id = ? ORDER BY o.name, o.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("org: organisations of user %d: %w", userID, err)
	}
	defer rows.Close()
	var ms []Membership
	var held map[okno.Role]bool
	for rows.Next() {
		var role okno.Role
		o, err := scanOrg(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &role)...) }))
		if err != nil {
			return nil, err
		}
		if len(ms) == 0 || ms[len(ms)-1].Organisation.ID != o.ID {
			if len(ms) > 0 {
				ms[len(ms)-1].Roles = ordered(held)
			}
			ms = append(ms, Membership{Organisation: o})
			held = map[okno.Role]bool{}
		}
		held[role] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ms) > 0 {
		ms[len(ms)-1].Roles = ordered(held)
	}
	return ms, nil
}

// scanFunc lets a row with extra columns reuse scanOrg.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// StaffOf returns the people holding positions in organisation orgID, by
// position then name.
func (s *Service) StaffOf(ctx context.Context, orgID int64) ([]StaffMember, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT st.user_id, u.display_name, st.since, `+positionColumns+` FROM staff st
		JOIN positions p ON p.id = st.position_id
		JOIN users u ON u.id = st.user_id
		WHERE p.organisation_id = ? ORDER BY p.id, u.display_name, st.user_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org: staff of %d: %w", orgID, err)
	}
	defer rows.Close()
	var ss []StaffMember
	for rows.Next() {
		var m StaffMember
		p, err := scanPosition(scanFunc(func(dest ...any) error {
			return rows.Scan(append([]any{&m.UserID, &m.DisplayName, &m.Since}, dest...)...)
		}))
		if err != nil {
			return nil, err
		}
		m.Position = p
		ss = append(ss, m)
	}
	return ss, rows.Err()
}
