package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
)

// Limits of an office.
const (
	MaxPhone        = 50
	maxDayIntervals = 6
)

const officeCols = `id, org_id, name, address, phone, hours, lat, lon`

func scanOffice(row interface{ Scan(...any) error }) (Office, error) {
	var o Office
	var name, hours string
	if err := row.Scan(&o.ID, &o.OrgID, &name, &o.Address, &o.Phone, &hours, &o.Lat, &o.Lon); err != nil {
		return Office{}, err
	}
	return o, unmarshalTexts(name, &o.Name, hours, &o.Hours)
}

// validate checks an office without the database.
func (o *Office) validate() okno.FieldErrors {
	var fe okno.FieldErrors
	o.Address, o.Phone = strings.TrimSpace(o.Address), strings.TrimSpace(o.Phone)
	checkText(&fe, "name", o.Name, true, MaxTitle)
	if o.Address == "" {
		fe.Add("address", "catalog.address_required")
	}
	checkString(&fe, "address", o.Address, MaxName)
	checkString(&fe, "phone", o.Phone, MaxPhone)
	checkHours(&fe, o.Hours)
	if o.Lat < -90 || o.Lat > 90 || o.Lon < -180 || o.Lon > 180 || o.Lat != o.Lat || o.Lon != o.Lon {
		fe.Add("lat", "catalog.coords_bad")
	}
	if o.OrgID <= 0 {
		fe.Add("org_id", "catalog.org_unknown")
	}
	return fe
}

// checkHours checks the shape of working hours: "HH:MM" intervals in order.
// (org checks an organisation's hours the same way; its check is not
// exported.)
func checkHours(fe *okno.FieldErrors, h org.WorkingHours) {
	checkString(fe, "hours.note", h.Note, MaxText)
	for d, ivs := range h.Days {
		if len(ivs) > maxDayIntervals {
			fe.Add(fmt.Sprintf("hours.days[%d]", d), "catalog.too_many", maxDayIntervals)
			continue
		}
		prev := ""
		for i, iv := range ivs {
			if !clock(iv.From) || !clock(iv.To) || iv.From >= iv.To || iv.From < prev {
				fe.Add(fmt.Sprintf("hours.days[%d][%d]", d, i), "catalog.hours_bad")
			}
			prev = iv.To
		}
	}
}

func clock(s string) bool {
	if len(s) != 5 || s[2] != ':' || !utf8.ValidString(s) {
		return false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[:2] <= "24" && s[3] <= '5' && (s[:2] < "24" || s[3:] == "00")
}

// PutOffice creates an office (ID 0) or updates one (administrators of
// the region); audited.
func (s *Catalog) PutOffice(ctx context.Context, actor okno.Actor, o Office) (Office, error) {
	if err := s.mayEdit(ctx, actor); err != nil {
		return Office{}, err
	}
	fe := o.validate()
	if err := s.checkOrg(ctx, &fe, "org_id", o.OrgID); err != nil {
		return Office{}, err
	}
	if err := fe.Err(); err != nil {
		return Office{}, err
	}
	name, _ := json.Marshal(o.Name)
	hours, _ := json.Marshal(o.Hours)
	now := sqldb.Now(s.d.Now())
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		e := audit.Entry{Actor: actor.Ref(), Action: "catalog.office.create", ObjectType: "office", After: audit.Digest(o)}
		if o.ID != 0 {
			before, err := scanOffice(tx.QueryRowContext(ctx, `SELECT `+officeCols+` FROM offices WHERE id = ?`, o.ID))
			if err != nil {
				return sqldb.NotFound(err, "catalog.office_not_found")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE offices SET org_id = ?, name = ?, address = ?, phone = ?, hours = ?, lat = ?, lon = ?, updated_at = ?
				WHERE id = ?`, o.OrgID, string(name), o.Address, o.Phone, string(hours), o.Lat, o.Lon, now, o.ID); err != nil {
				return err
			}
			e.Action, e.Before = "catalog.office.update", audit.Digest(before)
		} else if err := tx.QueryRowContext(ctx, `INSERT INTO offices (org_id, name, address, phone, hours, lat, lon, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.OrgID, string(name), o.Address, o.Phone, string(hours), o.Lat, o.Lon, now, now).Scan(&o.ID); err != nil {
			return fmt.Errorf("catalog: put office: %w", err)
		}
		e.ObjectID = fmt.Sprint(o.ID)
		_, err := s.d.Audit.Append(ctx, tx, e)
		return err
	})
	if err != nil {
		return Office{}, err
	}
	return o, nil
}

// Offices returns offices by ID, in the order asked; unknown IDs are
// skipped (an office listed by a card may have been removed since).
func (s *Catalog) Offices(ctx context.Context, ids []int64) ([]Office, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxListItems {
		ids = ids[:MaxListItems]
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	found, err := s.offices(ctx, `SELECT `+officeCols+` FROM offices WHERE id IN (`+sqldb.Placeholders(len(ids), 1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := map[int64]Office{}
	for _, o := range found {
		byID[o.ID] = o
	}
	out := make([]Office, 0, len(ids))
	for _, id := range ids {
		if o, ok := byID[id]; ok {
			out = append(out, o)
		}
	}
	return out, nil
}

func (s *Catalog) offices(ctx context.Context, q string, args ...any) ([]Office, error) {
	rows, err := s.d.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Office
	for rows.Next() {
		o, err := scanOffice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// maxAgencyOffices bounds an agency card's list of offices.
const maxAgencyOffices = 200

// Agency returns an organisation's card: the organisation, its offices
// and its published services by title.
func (s *Catalog) Agency(ctx context.Context, orgID int64) (Agency, error) {
	o, err := s.d.Orgs.Get(ctx, orgID)
	if err != nil {
		return Agency{}, err
	}
	a := Agency{Org: o}
	if a.Offices, err = s.offices(ctx, `SELECT `+officeCols+` FROM offices WHERE org_id = ? ORDER BY id LIMIT ?`, orgID, maxAgencyOffices); err != nil {
		return Agency{}, err
	}
	v, err := s.current(ctx)
	if err != nil {
		return Agency{}, err
	}
	for _, x := range v.services {
		if x.OrgID == orgID {
			a.Services = append(a.Services, x)
		}
	}
	return a, nil
}

// Agencies returns the organisations that provide published services, by
// short name, each with its number of services.
func (s *Catalog) Agencies(ctx context.Context) ([]AgencyEntry, error) {
	v, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return v.agencies, nil
}

// AgencyEntry is a providing body in the list of agencies.
type AgencyEntry struct {
	OrgID    int64
	Name     string // the short name
	Services int
}
