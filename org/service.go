package org

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// Service keeps organisations, positions and staff. Every change is one
// transaction with its audit entry.
type Service struct {
	db  *sqldb.DB
	log audit.Appender
	now func() time.Time
}

// New returns a Service on db that audits its changes through log. now is the
// clock (time.Now in production, a fixed time in tests).
func New(db *sqldb.DB, log audit.Appender, now func() time.Time) *Service {
	return &Service{db: db, log: log, now: now}
}

// maxDepth bounds every walk up or down the hierarchy. Real hierarchies are
// four or five deep; the bound stops a walk should a cycle ever be written
// by hand into the database.
const maxDepth = 64

const orgColumns = `o.id, o.kind, o.name, o.short_name, o.code, o.inn, o.ogrn, o.phone, o.email, o.website,
	o.address, o.hours, o.parent_id, o.created_at, o.updated_at`

func scanOrg(sc interface{ Scan(...any) error }) (Organisation, error) {
	var o Organisation
	var code sql.NullString
	var parent sql.NullInt64
	var hours string
	if err := sc.Scan(&o.ID, &o.Kind, &o.Name, &o.ShortName, &code, &o.INN, &o.OGRN, &o.Contacts.Phone, &o.Contacts.Email,
		&o.Contacts.Website, &o.Address, &hours, &parent, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return Organisation{}, err
	}
	o.Code, o.ParentID = code.String, parent.Int64
	if err := json.Unmarshal([]byte(hours), &o.Hours); err != nil {
		return Organisation{}, fmt.Errorf("org: organisation %d has bad hours: %w", o.ID, err)
	}
	return o, nil
}

func queryOrgs(ctx context.Context, q sqldb.Querier, query string, args ...any) ([]Organisation, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var os []Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		os = append(os, o)
	}
	return os, rows.Err()
}

func getOrg(ctx context.Context, q sqldb.Querier, id int64) (Organisation, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.id = ?`, id))
	if err != nil {
		return Organisation{}, sqldb.NotFound(err, "org.not_found")
	}
	return o, nil
}

// Get returns the organisation with the given id, or an ENOTFOUND error.
func (s *Service) Get(ctx context.Context, id int64) (Organisation, error) {
	return getOrg(ctx, s.db, id)
}

// ByCode returns the organisation with the given external code, or an
// ENOTFOUND error. Loaders use it to stay idempotent.
func (s *Service) ByCode(ctx context.Context, code string) (Organisation, error) {
	o, err := scanOrg(s.db.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.code = ?`, code))
	if err != nil {
		return Organisation{}, sqldb.NotFound(err, "org.not_found")
	}
	return o, nil
}

// CreateOrganisation validates o and stores it as a new organisation under
// o.ParentID (0 for a root). The actor must administer the parent; only the
// system or a region administrator creates roots.
func (s *Service) CreateOrganisation(ctx context.Context, o Organisation, actor okno.Actor) (Organisation, error) {
	if err := o.validate(); err != nil {
		return Organisation{}, err
	}
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := s.mayPlaceUnder(ctx, tx, actor, o.ParentID); err != nil {
			return err
		}
		now := sqldb.Now(s.now())
		o.CreatedAt, o.UpdatedAt = now, now
		hours, _ := json.Marshal(o.Hours) // plain structs of strings cannot fail
		err := tx.QueryRowContext(ctx, `INSERT INTO organisations
			(kind, name, short_name, code, inn, ogrn, phone, email, website, address, hours, parent_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			o.Kind, o.Name, o.ShortName, nullString(o.Code), o.INN, o.OGRN, o.Contacts.Phone, o.Contacts.Email, o.Contacts.Website,
			o.Address, string(hours), nullID(o.ParentID), now, now).Scan(&o.ID)
		if err != nil {
			return codeConflict(err)
		}
		return s.audit(ctx, tx, actor, "org.create", "organisation", fmt.Sprint(o.ID), nil, o.state())
	})
	if err != nil {
		return Organisation{}, err
	}
	return o, nil
}

// UpdateOrganisation replaces the editable fields of organisation o.ID with
// o's. Moving it to another parent needs the right to administer both
// places, and never under itself or its own subtree. An update that changes
// nothing writes and audits nothing.
func (s *Service) UpdateOrganisation(ctx context.Context, o Organisation, actor okno.Actor) (Organisation, error) {
	if err := o.validate(); err != nil {
		return Organisation{}, err
	}
	var out Organisation
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		old, err := getOrg(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, tx, actor, o.ID); err != nil {
			return err
		}
		if o.ParentID != old.ParentID {
			if err := s.mayPlaceUnder(ctx, tx, actor, o.ParentID); err != nil {
				return err
			}
			if err := noCycle(ctx, tx, o.ID, o.ParentID); err != nil {
				return err
			}
		}
		o.CreatedAt, o.UpdatedAt = old.CreatedAt, old.UpdatedAt
		if o.state() == old.state() {
			out = old
			return nil
		}
		o.UpdatedAt = sqldb.Now(s.now())
		hours, _ := json.Marshal(o.Hours)
		if _, err := tx.ExecContext(ctx, `UPDATE organisations SET kind = ?, name = ?, short_name = ?, code = ?, inn = ?, ogrn = ?,
			phone = ?, email = ?, website = ?, address = ?, hours = ?, parent_id = ?, updated_at = ? WHERE id = ?`,
			o.Kind, o.Name, o.ShortName, nullString(o.Code), o.INN, o.OGRN, o.Contacts.Phone, o.Contacts.Email, o.Contacts.Website,
			o.Address, string(hours), nullID(o.ParentID), o.UpdatedAt, o.ID); err != nil {
			return codeConflict(err)
		}
		out = o
		before := old.state()
		return s.audit(ctx, tx, actor, "org.update", "organisation", fmt.Sprint(o.ID), &before, o.state())
	})
	if err != nil {
		return Organisation{}, err
	}
	return out, nil
}

// state is what an organisation's audit digests cover: everything but
// timestamps. Hours are encoded so that the struct stays comparable.
type state struct {
	Kind                  Kind
	Name, ShortName, Code string
	INN, OGRN             string
	Contacts              Contacts
	Address, Hours        string
	ParentID              int64
}

func (o Organisation) state() state {
	hours, _ := json.Marshal(o.Hours)
	return state{Kind: o.Kind, Name: o.Name, ShortName: o.ShortName, Code: o.Code, INN: o.INN, OGRN: o.OGRN,
		Contacts: o.Contacts, Address: o.Address, Hours: string(hours), ParentID: o.ParentID}
}

// mayPlaceUnder checks that parentID exists and that actor may add to it.
func (s *Service) mayPlaceUnder(ctx context.Context, q sqldb.Querier, actor okno.Actor, parentID int64) error {
	if parentID == 0 {
		ok, err := s.isRegionAdmin(ctx, q, actor)
		if err != nil {
			return err
		}
		if !ok {
			return okno.Errorf(okno.EFORBIDDEN, "org.forbidden")
		}
		return nil
	}
	if _, err := getOrg(ctx, q, parentID); err != nil {
		if okno.IsCode(err, okno.ENOTFOUND) {
			var fe okno.FieldErrors
			fe.Add("parent_id", "org.parent_not_found")
			return fe.Err()
		}
		return err
	}
	return s.authorize(ctx, q, actor, parentID)
}

// noCycle refuses to move id under newParent when newParent is id itself or
// lies in id's subtree.
func noCycle(ctx context.Context, q sqldb.Querier, id, newParent int64) error {
	if newParent == 0 {
		return nil
	}
	up, err := ancestorIDs(ctx, q, newParent)
	if err != nil {
		return err
	}
	for _, a := range up {
		if a == id {
			var fe okno.FieldErrors
			fe.Add("parent_id", "org.parent_cycle")
			return fe.Err()
		}
	}
	return nil
}

func (s *Service) audit(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action, objType, objID string, before any, after any) error {
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: objType, ObjectID: objID}
	if before != nil {
		e.Before = audit.Digest(before)
	}
	if after != nil {
		e.After = audit.Digest(after)
	}
	if _, err := s.log.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("org: audit %s: %w", action, err)
	}
	return nil
}

// codeConflict turns a unique violation on organisations.code into a field
// error, the only unique constraint an organisation has.
func codeConflict(err error) error {
	if sqldb.ViolationOf(err) == sqldb.Unique {
		return &okno.Error{Code: okno.ECONFLICT, Key: "error.conflict",
			Fields: []okno.FieldError{{Field: "code", Key: "org.code_taken"}}, Err: err}
	}
	return err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
