package application

// The drafts and draft_files tables: reading a draft for its owner,
// sealing its data and its files' names bound to their rows.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/sqldb"
)

// draftRow is a draft as stored, with the service it is for and the blob
// addresses of its files.
type draftRow struct {
	Draft
	svc       catalog.Service
	addresses map[int64]string // file ID → blob address
}

// dataAAD binds a draft's sealed data to its row.
func dataAAD(id int64) string { return "drafts.data_enc:" + strconv.FormatInt(id, 10) }

// nameAAD binds a file's sealed name to its row.
func nameAAD(id int64) string { return "draft_files.name_enc:" + strconv.FormatInt(id, 10) }

// fileRef is what the form data holds for file id.
func fileRef(id int64) string { return "f" + strconv.FormatInt(id, 10) }

// citizen checks that actor is a signed-in citizen: only citizens apply
// for themselves here (operators have their own door).
func citizen(actor okno.Actor) error {
	switch {
	case actor.Kind == okno.ActorAnonymous:
		return okno.Errorf(okno.EUNAUTHORIZED, "application.sign_in")
	case actor.Kind != okno.ActorCitizen || actor.UserID <= 0:
		return okno.Errorf(okno.EFORBIDDEN, "application.citizens_only")
	}
	return nil
}

// noDraft is what anyone but the owner learns of a draft: that there is
// none, so draft numbers tell nothing.
func noDraft() error { return okno.Errorf(okno.ENOTFOUND, "application.draft_not_found") }

// load reads a draft with its files for its owner; anyone else gets
// ENOTFOUND.
func (s *Service) load(ctx context.Context, q sqldb.Querier, actor okno.Actor, id int64) (draftRow, error) {
	if actor.Kind != okno.ActorCitizen || actor.UserID <= 0 || id <= 0 {
		return draftRow{}, noDraft()
	}
	r := draftRow{Draft: Draft{ID: id}}
	var enc []byte
	var serviceID int64
	var caseID sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT user_id, service_id, data_enc, page, version, case_id, created_at, updated_at
		FROM drafts WHERE id = ?`, id).Scan(&r.UserID, &serviceID, &enc, &r.Page, &r.Version, &caseID, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) || err == nil && r.UserID != actor.UserID {
		return draftRow{}, noDraft()
	}
	if err != nil {
		return draftRow{}, fmt.Errorf("application: read draft %d: %w", id, err)
	}
	r.CaseID, r.CreatedAt, r.UpdatedAt = caseID.Int64, r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	if r.Data, err = s.openData(id, enc); err != nil {
		return draftRow{}, err
	}
	if r.svc, err = s.d.Catalog.ByID(ctx, serviceID); err != nil {
		return draftRow{}, fmt.Errorf("application: service %d of draft %d: %w", serviceID, id, err)
	}
	r.Service = r.svc.Code
	if r.Files, r.addresses, err = s.files(ctx, q, id); err != nil {
		return draftRow{}, err
	}
	return r, nil
}

// files reads a draft's documents in the order they were attached.
func (s *Service) files(ctx context.Context, q sqldb.Querier, draftID int64) ([]File, map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, pointer, blob, name_enc, content_type, size, created_at
		FROM draft_files WHERE draft_id = ? ORDER BY id`, draftID)
	if err != nil {
		return nil, nil, fmt.Errorf("application: files of draft %d: %w", draftID, err)
	}
	defer rows.Close()
	files, addresses := []File{}, map[int64]string{}
	for rows.Next() {
		var f File
		var address string
		var enc []byte
		if err := rows.Scan(&f.ID, &f.Pointer, &address, &enc, &f.ContentType, &f.Size, &f.CreatedAt); err != nil {
			return nil, nil, fmt.Errorf("application: files of draft %d: %w", draftID, err)
		}
		name, err := s.d.Keys.Open(enc, nameAAD(f.ID))
		if err != nil {
			return nil, nil, fmt.Errorf("application: open the name of file %d: %w", f.ID, err)
		}
		f.Name, f.Ref, f.CreatedAt = string(name), fileRef(f.ID), f.CreatedAt.UTC()
		files, addresses[f.ID] = append(files, f), address
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("application: files of draft %d: %w", draftID, err)
	}
	return files, addresses, nil
}

// openData unseals and reads a draft's data.
func (s *Service) openData(id int64, enc []byte) (map[string]any, error) {
	b, err := s.d.Keys.Open(enc, dataAAD(id))
	if err != nil {
		return nil, fmt.Errorf("application: open the data of draft %d: %w", id, err)
	}
	v, errs := formdecl.Decode(b)
	data, ok := v.(map[string]any)
	if errs != nil || !ok {
		return nil, fmt.Errorf("application: the data of draft %d is not an object", id)
	}
	return data, nil
}

// sealData encodes and seals a draft's data, refusing data over the limit
// (EINVALID, key application.data_too_large).
func (s *Service) sealData(id int64, data map[string]any) ([]byte, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("application: encode the data of draft %d: %w", id, err)
	}
	if len(b) > maxDataBytes {
		return nil, okno.Errorf(okno.EINVALID, "application.data_too_large", maxDataBytes>>10)
	}
	enc, err := s.d.Keys.Seal(b, dataAAD(id))
	if err != nil {
		return nil, fmt.Errorf("application: seal the data of draft %d: %w", id, err)
	}
	return enc, nil
}

// store writes a draft's data and page if its version is still
// d.Version, moves d to the next version and records the action in the
// audit log (the last write); a draft changed meanwhile or submitted is a
// conflict.
func (s *Service) store(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, d *Draft, now time.Time) error {
	before := draftDigest(*d)
	enc, err := s.sealData(d.ID, d.Data)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE drafts SET data_enc = ?, page = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? AND case_id IS NULL`, enc, d.Page, now, d.ID, d.Version)
	if err != nil {
		return fmt.Errorf("application: store draft %d: %w", d.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return fmt.Errorf("application: store draft %d: %w", d.ID, err)
		}
		return okno.Errorf(okno.ECONFLICT, "application.stale")
	}
	d.Version++
	d.UpdatedAt = now
	return s.audit(ctx, tx, actor, action, d.ID, before, draftDigest(*d))
}

// writable refuses changes to a submitted draft and to a stale version.
func writable(d Draft, version int64) error {
	switch {
	case d.CaseID != 0:
		return okno.Errorf(okno.ECONFLICT, "application.submitted")
	case version != d.Version:
		return okno.Errorf(okno.ECONFLICT, "application.stale")
	}
	return nil
}
