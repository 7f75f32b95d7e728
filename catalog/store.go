package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// serviceCols are the columns scanService reads, in its order.
const serviceCols = `id, code, title, summary, keywords, level, recipients, kind, assurance, org_id,
	complaint_org_id, category, process, legal_period, instant_rule, needs_consent, fee_kopecks, fee_text,
	card, owner_name, owner_position, owner_photo, owner_user_id, form_schema, form_layout, published,
	version, updated_at`

func scanService(row interface{ Scan(...any) error }) (Service, error) {
	var (
		sv                                              Service
		title, summary, keywords, recips, feeText, card string
		complaintOrg, ownerUser                         sql.NullInt64
		schema, layout                                  string
	)
	err := row.Scan(&sv.ID, &sv.Code, &title, &summary, &keywords, &sv.Level, &recips, &sv.Kind, &sv.Assurance, &sv.OrgID,
		&complaintOrg, &sv.Category, &sv.Process, &sv.LegalPeriod, &sv.InstantRule, &sv.NeedsConsent, &sv.Fee.Kopecks, &feeText,
		&card, &sv.Owner.Name, &sv.Owner.Position, &sv.Owner.Photo, &ownerUser, &schema, &layout, &sv.Published,
		&sv.Version, &sv.UpdatedAt)
	if err != nil {
		return Service{}, err
	}
	sv.ComplaintOrgID, sv.Owner.UserID = complaintOrg.Int64, ownerUser.Int64
	if schema != "" {
		sv.Form = Form{Schema: json.RawMessage(schema)}
		if layout != "" {
			sv.Form.Layout = json.RawMessage(layout)
		}
	}
	for _, f := range []struct {
		s string
		v any
	}{{title, &sv.Title}, {summary, &sv.Summary}, {keywords, &sv.Keywords}, {recips, &sv.Recipients}, {feeText, &sv.Fee.Text}, {card, &sv.Card}} {
		if err := json.Unmarshal([]byte(f.s), f.v); err != nil {
			return Service{}, fmt.Errorf("catalog: service %s: %w", sv.Code, err)
		}
	}
	sv.UpdatedAt = sv.UpdatedAt.UTC()
	return sv, nil
}

// Get returns a published service by code.
func (s *Catalog) Get(ctx context.Context, code string) (Service, error) {
	return s.one(ctx, s.d.DB, `SELECT `+serviceCols+` FROM services WHERE code = ? AND published = ?`, code, true)
}

// ByID returns a service by ID, published or not.
func (s *Catalog) ByID(ctx context.Context, id int64) (Service, error) {
	return s.one(ctx, s.d.DB, `SELECT `+serviceCols+` FROM services WHERE id = ?`, id)
}

func (s *Catalog) one(ctx context.Context, q sqldb.Querier, query string, args ...any) (Service, error) {
	sv, err := scanService(q.QueryRowContext(ctx, query, args...))
	if err != nil {
		return Service{}, sqldb.NotFound(err, "catalog.service_not_found")
	}
	if err := links(ctx, q, &sv); err != nil {
		return Service{}, err
	}
	return sv, nil
}

// links reads a service's situations and offices.
func links(ctx context.Context, q sqldb.Querier, sv *Service) error {
	sv.Situations, sv.OfficeIDs = nil, nil
	rows, err := q.QueryContext(ctx, `SELECT situation_code FROM situation_services WHERE service_code = ? ORDER BY situation_code`, sv.Code)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		sv.Situations = append(sv.Situations, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT office_id FROM service_offices WHERE service_id = ? ORDER BY position`, sv.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		sv.OfficeIDs = append(sv.OfficeIDs, id)
	}
	return rows.Err()
}

// OwnedBy returns the codes of the services whose responsible person is
// the staff member userID (the owner's dashboard), published or not.
func (s *Catalog) OwnedBy(ctx context.Context, userID int64) ([]string, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT code FROM services WHERE owner_user_id = ? ORDER BY code`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	return codes, rows.Err()
}

// Put creates a service or updates the one with its code (administrators
// of the region): it checks the card, the organisations, the category,
// situations and offices, the owner's account and the form declaration,
// and records the change in the audit log. An update must carry the
// version it was read at (ECONFLICT otherwise); a create carries 0. The
// owner's photo is kept: SetOwnerPhoto changes it. Situations nil keeps
// the service in the situations it is in (PutSituation sets them too);
// a non-nil list, even empty, is the service's situations from now on.
func (s *Catalog) Put(ctx context.Context, actor okno.Actor, in Service) (Service, error) {
	if err := s.mayEdit(ctx, actor); err != nil {
		return Service{}, err
	}
	in.normalise()
	fe := in.validate()
	if err := s.checkOrg(ctx, &fe, "org_id", in.OrgID); err != nil {
		return Service{}, err
	}
	if in.ComplaintOrgID != 0 {
		if err := s.checkOrg(ctx, &fe, "complaint_org_id", in.ComplaintOrgID); err != nil {
			return Service{}, err
		}
	}
	if err := fe.Err(); err != nil {
		return Service{}, err
	}
	now := sqldb.Now(s.d.Now())
	var out Service
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := checkRefs(ctx, tx, in); err != nil {
			return err
		}
		before, err := s.one(ctx, tx, `SELECT `+serviceCols+` FROM services WHERE code = ?`, in.Code)
		exists := err == nil
		if err != nil && !okno.IsCode(err, okno.ENOTFOUND) {
			return err
		}
		if (exists && in.Version != before.Version) || (!exists && in.Version != 0) {
			return okno.Errorf(okno.ECONFLICT, "catalog.version_conflict")
		}
		out = in
		out.Owner.Photo = before.Owner.Photo
		out.Version, out.UpdatedAt = in.Version+1, now
		args, err := serviceArgs(out)
		if err != nil {
			return err
		}
		if exists {
			out.ID = before.ID
			_, err = tx.ExecContext(ctx, `UPDATE services SET title_ru = ?, title = ?, summary = ?, keywords = ?, level = ?,
				recipients = ?, kind = ?, assurance = ?, org_id = ?, complaint_org_id = ?, category = ?, process = ?,
				legal_period = ?, instant_rule = ?, needs_consent = ?, fee_kopecks = ?, fee_text = ?, card = ?,
				owner_name = ?, owner_position = ?, owner_user_id = ?, form_schema = ?, form_layout = ?,
				published = ?, version = ?, updated_at = ? WHERE id = ?`, append(args, out.ID)...)
		} else {
			err = tx.QueryRowContext(ctx, `INSERT INTO services (title_ru, title, summary, keywords, level,
				recipients, kind, assurance, org_id, complaint_org_id, category, process,
				legal_period, instant_rule, needs_consent, fee_kopecks, fee_text, card,
				owner_name, owner_position, owner_user_id, form_schema, form_layout,
				published, version, updated_at, code, created_at)
				VALUES `+sqldb.Placeholders(1, 28)+` RETURNING id`, append(args, out.Code, now)...).Scan(&out.ID)
		}
		if err != nil {
			return fmt.Errorf("catalog: put service %s: %w", in.Code, err)
		}
		if err := setLinks(ctx, tx, out); err != nil {
			return err
		}
		if err := links(ctx, tx, &out); err != nil {
			return err
		}
		e := audit.Entry{Actor: actor.Ref(), Action: "catalog.service.create", ObjectType: "service", ObjectID: out.Code, After: audit.Digest(out)}
		if exists {
			e.Action, e.Before = "catalog.service.update", audit.Digest(before)
		}
		tx.AfterCommit(func() { s.changed(out.Code) })
		_, err = s.d.Audit.Append(ctx, tx, e)
		return err
	})
	if err != nil {
		return Service{}, err
	}
	return out, nil
}

// serviceArgs are the values of the UPDATE's columns, in its order.
func serviceArgs(sv Service) ([]any, error) {
	var js [6]string
	for i, v := range []any{sv.Title, sv.Summary, sv.Keywords, sv.Recipients, sv.Fee.Text, sv.Card} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		js[i] = string(b)
	}
	return []any{strings.TrimSpace(sv.Title["ru"]), js[0], js[1], js[2], sv.Level,
		js[3], sv.Kind, sv.Assurance, sv.OrgID, nullID(sv.ComplaintOrgID), sv.Category, sv.Process,
		sv.LegalPeriod, sv.InstantRule, sv.NeedsConsent, sv.Fee.Kopecks, js[4], js[5],
		sv.Owner.Name, sv.Owner.Position, nullID(sv.Owner.UserID), string(sv.Form.Schema), string(sv.Form.Layout),
		sv.Published, sv.Version, sv.UpdatedAt}, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// checkOrg adds a field error when the organisation does not exist.
func (s *Catalog) checkOrg(ctx context.Context, fe *okno.FieldErrors, field string, id int64) error {
	if id <= 0 {
		return nil // validate named it
	}
	if _, err := s.d.Orgs.Get(ctx, id); err != nil {
		if okno.IsCode(err, okno.ENOTFOUND) {
			fe.Add(field, "catalog.org_unknown")
			return nil
		}
		return err
	}
	return nil
}

// checkRefs checks in the transaction that what a service names exists:
// its category, situations, offices and owner's staff account.
func checkRefs(ctx context.Context, tx *sqldb.Tx, in Service) error {
	var fe okno.FieldErrors
	exists := func(q string, arg any) (bool, error) {
		var one int
		err := tx.QueryRowContext(ctx, q, arg).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	type ref struct {
		field, key, q string
		arg           any
	}
	var refs []ref
	if in.Category != "" {
		refs = append(refs, ref{"category", "catalog.category_unknown", `SELECT 1 FROM service_categories WHERE code = ?`, in.Category})
	}
	for i, c := range in.Situations {
		refs = append(refs, ref{fmt.Sprintf("situations[%d]", i), "catalog.situation_unknown", `SELECT 1 FROM service_situations WHERE code = ?`, c})
	}
	for i, id := range in.OfficeIDs {
		refs = append(refs, ref{fmt.Sprintf("office_ids[%d]", i), "catalog.office_unknown", `SELECT 1 FROM offices WHERE id = ?`, id})
	}
	if in.Owner.UserID != 0 {
		refs = append(refs, ref{"owner.user_id", "catalog.owner_unknown", `SELECT 1 FROM users WHERE id = ? AND kind = 'staff'`, in.Owner.UserID})
	}
	for _, r := range refs {
		ok, err := exists(r.q, r.arg)
		if err != nil {
			return err
		}
		if !ok {
			fe.Add(r.field, r.key)
		}
	}
	seen := map[int64]bool{}
	for i, id := range in.OfficeIDs {
		if seen[id] {
			fe.Add(fmt.Sprintf("office_ids[%d]", i), "catalog.duplicate")
		}
		seen[id] = true
	}
	return fe.Err()
}

// setLinks writes a service's situations and offices. A situation the
// service joins gets it at its end; PutSituation orders it. Situations nil
// leaves the service's situations as they are, so that a loader may write
// situations with their services and the services without them.
func setLinks(ctx context.Context, tx *sqldb.Tx, sv Service) error {
	if sv.Situations == nil {
		return setOffices(ctx, tx, sv)
	}
	keep := map[string]bool{}
	for _, c := range sv.Situations {
		keep[c] = true
	}
	rows, err := tx.QueryContext(ctx, `SELECT situation_code FROM situation_services WHERE service_code = ?`, sv.Code)
	if err != nil {
		return err
	}
	var drop []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		if keep[c] {
			delete(keep, c)
		} else {
			drop = append(drop, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM situation_services WHERE situation_code = ? AND service_code = ?`, c, sv.Code); err != nil {
			return err
		}
	}
	for _, c := range sv.Situations {
		if !keep[c] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO situation_services (situation_code, service_code, position)
			SELECT ?, ?, COALESCE(MAX(position), -1) + 1 FROM situation_services WHERE situation_code = ?`, c, sv.Code, c); err != nil {
			return err
		}
		delete(keep, c) // listed twice
	}
	return setOffices(ctx, tx, sv)
}

func setOffices(ctx context.Context, tx *sqldb.Tx, sv Service) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM service_offices WHERE service_id = ?`, sv.ID); err != nil {
		return err
	}
	for i, id := range sv.OfficeIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_offices (service_id, office_id, position) VALUES (?, ?, ?)`, sv.ID, id, i); err != nil {
			return err
		}
	}
	return nil
}

// changed forgets what an edit of a service made stale.
func (s *Catalog) changed(code string) {
	s.forms.drop(code)
	s.stale.Store(true)
}
