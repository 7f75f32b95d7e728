package appointment

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/sqldb"
)

// Page sizes.
const (
	DefaultPage = 20
	MaxPage     = 100
	// MaxQueuePage bounds one page of a day's queue: a large office
	// receives a few hundred people a day.
	MaxQueuePage = 500
)

const cols = `id, office_id, service_id, user_id, case_id, desk, starts_at, ends_at, status, version, created_at, updated_at`

func scan(row interface{ Scan(...any) error }) (Appointment, error) {
	var a Appointment
	var caseID *int64
	err := row.Scan(&a.ID, &a.OfficeID, &a.ServiceID, &a.UserID, &caseID, &a.Desk, &a.Start, &a.End, &a.Status, &a.Version, &a.CreatedAt, &a.UpdatedAt)
	if caseID != nil {
		a.CaseID = *caseID
	}
	a.Start, a.End, a.CreatedAt, a.UpdatedAt = a.Start.UTC(), a.End.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

func byID(ctx context.Context, q sqldb.Querier, id int64) (Appointment, error) {
	a, err := scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM appointments WHERE id = ?`, id))
	return a, sqldb.NotFound(err, "appointment.not_found")
}

// byKey returns the citizen's booking made with an idempotency key;
// sql.ErrNoRows when there is none.
func byKey(ctx context.Context, q sqldb.Querier, userID int64, key string) (Appointment, error) {
	return scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM appointments WHERE user_id = ? AND idempotency_key = ?`, userID, key))
}

// Get returns a booking its citizen, or the staff of its office, may see;
// not_found for anyone else, so that IDs reveal nothing.
func (s *Service) Get(ctx context.Context, actor okno.Actor, id int64) (Appointment, error) {
	a, err := byID(ctx, s.d.DB, id)
	if err != nil {
		return Appointment{}, err
	}
	if actor.Kind == okno.ActorCitizen && actor.UserID == a.UserID && a.UserID != 0 {
		return a, nil
	}
	if actor.Kind == okno.ActorStaff || actor.Kind == okno.ActorSystem {
		off, err := s.office(ctx, a.OfficeID, "office_id")
		if err != nil {
			return Appointment{}, err
		}
		if ok, err := s.mayServe(ctx, actor, off.OrgID); err != nil || ok {
			return a, err
		}
	}
	return Appointment{}, okno.Errorf(okno.ENOTFOUND, "appointment.not_found")
}

// Mine lists the citizen's bookings, cancelled ones too, by visit time
// latest first: the upcoming lead, then the past.
func (s *Service) Mine(ctx context.Context, actor okno.Actor, after string, limit int) (Page[Appointment], error) {
	if err := mayBook(actor); err != nil {
		return Page[Appointment]{}, err
	}
	limit = pageSize(limit, DefaultPage, MaxPage)
	query, args := `SELECT `+cols+` FROM appointments WHERE user_id = ?`, []any{actor.UserID}
	if after != "" {
		at, id, ok := sqldb.DecodeCursor(after)
		if !ok {
			return Page[Appointment]{}, fieldErr(okno.EINVALID, "after", "appointment.cursor_invalid")
		}
		query += ` AND (starts_at < ? OR (starts_at = ? AND id < ?))`
		args = append(args, sqldb.Now(at), sqldb.Now(at), id)
	}
	return s.page(ctx, query+` ORDER BY starts_at DESC, id DESC LIMIT ?`, append(args, limit+1), limit)
}

// Queue lists an office's booked visits of a day in the order people
// come: by time, then in the order they booked. Staff of the office's
// organisation with a receiving role, and its administrators, may read it.
func (s *Service) Queue(ctx context.Context, actor okno.Actor, officeID int64, day calendar.Date, after string, limit int) (Page[Appointment], error) {
	off, err := s.office(ctx, officeID, "office_id")
	if err != nil {
		return Page[Appointment]{}, err
	}
	if ok, err := s.mayServe(ctx, actor, off.OrgID); err != nil {
		return Page[Appointment]{}, err
	} else if !ok {
		return Page[Appointment]{}, okno.Errorf(okno.EFORBIDDEN, "appointment.forbidden")
	}
	if day.IsZero() {
		return Page[Appointment]{}, fieldErr(okno.EINVALID, "day", "appointment.day_invalid")
	}
	limit = pageSize(limit, MaxQueuePage, MaxQueuePage)
	loc := s.d.Calendars.Current().Location()
	from, to := day.Midnight(loc), day.AddDays(1).Midnight(loc)
	query := `SELECT ` + cols + ` FROM appointments WHERE office_id = ? AND status = 'booked' AND starts_at >= ? AND starts_at < ?`
	args := []any{officeID, sqldb.Now(from), sqldb.Now(to)}
	if after != "" {
		at, id, ok := sqldb.DecodeCursor(after)
		if !ok {
			return Page[Appointment]{}, fieldErr(okno.EINVALID, "after", "appointment.cursor_invalid")
		}
		query += ` AND (starts_at > ? OR (starts_at = ? AND id > ?))`
		args = append(args, sqldb.Now(at), sqldb.Now(at), id)
	}
	// Keyset by (start, id): the desk order within a time is the order
	// the bookings were made, which the index serves without a sort.
	return s.page(ctx, query+` ORDER BY starts_at, id LIMIT ?`, append(args, limit+1), limit)
}

func (s *Service) page(ctx context.Context, query string, args []any, limit int) (Page[Appointment], error) {
	rows, err := s.d.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return Page[Appointment]{}, err
	}
	defer rows.Close()
	var p Page[Appointment]
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return Page[Appointment]{}, err
		}
		p.Items = append(p.Items, a)
	}
	if err := rows.Err(); err != nil {
		return Page[Appointment]{}, err
	}
	if len(p.Items) > limit {
		p.Items = p.Items[:limit]
		last := p.Items[limit-1]
		p.Next = sqldb.EncodeCursor(last.Start, last.ID)
	}
	return p, nil
}

func pageSize(n, def, max int) int {
	switch {
	case n <= 0:
		return def
	case n > max:
		return max
	}
	return n
}

// maxOffices bounds the offices OfficesFor lists: more than a region has.
const maxOffices = 500

// OfficesFor lists the offices that take bookings for a published
// service, in the catalogue's order of IDs; anyone may look.
func (s *Service) OfficesFor(ctx context.Context, service string) ([]catalog.Office, error) {
	sv, err := s.d.Catalog.Get(ctx, service)
	if okno.IsCode(err, okno.ENOTFOUND) || (err == nil && !sv.Published) {
		return nil, fieldErr(okno.ENOTFOUND, "service", "appointment.service_unknown")
	} else if err != nil {
		return nil, err
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT office_id FROM appointment_services WHERE service_id = ? ORDER BY office_id LIMIT ?`, sv.ID, maxOffices)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s.d.Catalog.Offices(ctx, ids)
}
