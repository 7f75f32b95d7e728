package appointment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// maxKey bounds an idempotency key.
const maxKey = 100

// TakenError is a slot someone else took first (or that has no desk free
// any more), with the next free slots to offer instead. It wraps the
// okno.Error every door renders («Это время уже занято»); a door that
// can show choices finds it with errors.As.
type TakenError struct {
	Alternatives []Slot
	err          *okno.Error
}

func newTaken(alts []Slot) *TakenError {
	return &TakenError{Alternatives: alts, err: fieldErr(okno.ECONFLICT, "start", "appointment.slot_taken")}
}

// Error implements error.
func (e *TakenError) Error() string { return e.err.Error() }

// Unwrap returns the okno.Error with code conflict.
func (e *TakenError) Unwrap() error { return e.err }

// errTaken signals inside a transaction that no desk is free at the slot.
var errTaken = errors.New("appointment: slot taken")

// Book books a slot for the citizen acting: in one transaction it takes a
// free desk's cells (the database refuses a second holder), writes the
// booking, the audit entry and the reminder due the day before. A repeated
// idempotency key returns the first booking unchanged.
func (s *Service) Book(ctx context.Context, actor okno.Actor, in BookInput) (Appointment, error) {
	if err := mayBook(actor); err != nil {
		return Appointment{}, err
	}
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	if len(in.IdempotencyKey) > maxKey {
		return Appointment{}, fieldErr(okno.EINVALID, "idempotency_key", "appointment.key_too_long", maxKey)
	}
	if in.IdempotencyKey != "" {
		// A repeat gets the first booking whatever has changed since
		// (its time may have passed, the limits be reached by it).
		prev, err := byKey(ctx, s.d.DB, actor.UserID, in.IdempotencyKey)
		if err == nil {
			return prev, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return Appointment{}, err
		}
	}
	d := s.d.Calendars.Current().Date(in.Start)
	p, err := s.planFor(ctx, in.OfficeID, in.Service, 0, d, d.AddDays(alternativeDays))
	if err != nil {
		return Appointment{}, err
	}
	if err := s.checkCase(ctx, actor, in.CaseID); err != nil {
		return Appointment{}, err
	}
	now := s.d.Now()
	end, err := p.check(in.Start, now)
	if err != nil {
		return Appointment{}, err
	}
	a := Appointment{OfficeID: in.OfficeID, ServiceID: p.sv.ServiceID, UserID: actor.UserID, CaseID: in.CaseID,
		Start: sqldb.Now(in.Start), End: sqldb.Now(end), Status: StatusBooked, Version: 1,
		CreatedAt: sqldb.Now(now), UpdatedAt: sqldb.Now(now)}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := takeTurn(ctx, tx, actor.UserID); err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			prev, err := byKey(ctx, tx, actor.UserID, in.IdempotencyKey)
			if err == nil {
				a = prev
				return nil
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if err := s.checkHolder(ctx, tx, a, 0); err != nil {
			return err
		}
		if a.Desk, err = freeDesk(ctx, tx, p, a.Start); err != nil {
			return err
		}
		var key sql.NullString
		if in.IdempotencyKey != "" {
			key = sql.NullString{String: in.IdempotencyKey, Valid: true}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO appointments (office_id, service_id, user_id, case_id, desk, starts_at, ends_at, status, idempotency_key, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.OfficeID, a.ServiceID, a.UserID, nullID(a.CaseID), a.Desk, a.Start, a.End, a.Status, key, a.Version, a.CreatedAt, a.UpdatedAt).Scan(&a.ID); err != nil {
			return taken(err)
		}
		if err := holdCells(ctx, tx, p, a); err != nil {
			return err
		}
		if err := s.remind(ctx, tx, p, a); err != nil {
			return err
		}
		_, err := s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "appointment.book", ObjectType: "appointment",
			ObjectID: fmt.Sprint(a.ID), After: audit.Digest(a)})
		return err
	})
	if errors.Is(err, errTaken) {
		// Two requests with one key may race past the lookup (on
		// PostgreSQL the holder row makes them take turns, so this is
		// a guard); the loser hits the key's index and gets the
		// winner's booking.
		if in.IdempotencyKey != "" {
			if prev, kerr := byKey(ctx, s.d.DB, actor.UserID, in.IdempotencyKey); kerr == nil {
				return prev, nil
			}
		}
		return Appointment{}, newTaken(s.alternatives(ctx, p, a.Start))
	}
	if err != nil {
		return Appointment{}, err
	}
	return a, nil
}

// Move moves the citizen's booking to another slot of the same service at
// the same office, keeping it if the new slot is taken.
func (s *Service) Move(ctx context.Context, actor okno.Actor, id int64, start time.Time) (Appointment, error) {
	if err := mayBook(actor); err != nil {
		return Appointment{}, err
	}
	cur, err := s.Get(ctx, actor, id)
	if err != nil {
		return Appointment{}, err
	}
	now := s.d.Now()
	if err := changeable(cur, now); err != nil {
		return Appointment{}, err
	}
	d := s.d.Calendars.Current().Date(start)
	p, err := s.planFor(ctx, cur.OfficeID, "", cur.ServiceID, d, d.AddDays(alternativeDays))
	if err != nil {
		return Appointment{}, err
	}
	end, err := p.check(start, now)
	if err != nil {
		return Appointment{}, err
	}
	if start.Equal(cur.Start) {
		return cur, nil
	}
	var a Appointment
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := takeTurn(ctx, tx, actor.UserID); err != nil {
			return err
		}
		before, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := changeable(before, now); err != nil {
			return err
		}
		// The citizen's turn is held: before is current until commit.
		a = before
		a.Start, a.End, a.Version, a.UpdatedAt = sqldb.Now(start), sqldb.Now(end), before.Version+1, sqldb.Now(now)
		if err := s.checkHolder(ctx, tx, a, a.ID); err != nil {
			return err
		}
		if err := releaseCells(ctx, tx, a.ID); err != nil {
			return err
		}
		if a.Desk, err = freeDesk(ctx, tx, p, a.Start); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET desk = ?, starts_at = ?, ends_at = ?, version = ?, updated_at = ? WHERE id = ?`,
			a.Desk, a.Start, a.End, a.Version, a.UpdatedAt, a.ID); err != nil {
			return err
		}
		if err := holdCells(ctx, tx, p, a); err != nil {
			return err
		}
		if err := s.remind(ctx, tx, p, a); err != nil {
			return err
		}
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "appointment.move", ObjectType: "appointment",
			ObjectID: fmt.Sprint(a.ID), Before: audit.Digest(before), After: audit.Digest(a)})
		return err
	})
	if errors.Is(err, errTaken) {
		return Appointment{}, newTaken(s.alternatives(ctx, p, start))
	}
	if err != nil {
		return Appointment{}, err
	}
	return a, nil
}

// Cancel cancels a booking that has not started: the citizen's own, or
// any at an office by its staff (who tell the citizen why in person or by
// the notice sent then). The slot is free again at once.
func (s *Service) Cancel(ctx context.Context, actor okno.Actor, id int64) (Appointment, error) {
	cur, err := s.Get(ctx, actor, id)
	if err != nil {
		return Appointment{}, err
	}
	now := s.d.Now()
	if err := changeable(cur, now); err != nil {
		return Appointment{}, err
	}
	byOffice := actor.Kind != okno.ActorCitizen
	var vars map[string]string
	if byOffice && s.d.Notices != nil {
		if vars, err = s.noticeVars(ctx, cur); err != nil {
			return Appointment{}, err
		}
	}
	var a Appointment
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := takeTurn(ctx, tx, cur.UserID); err != nil {
			return err
		}
		before, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := changeable(before, now); err != nil {
			return err
		}
		a = before
		a.Status, a.Version, a.UpdatedAt = StatusCancelled, before.Version+1, sqldb.Now(now)
		if err := releaseCells(ctx, tx, a.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = ?, version = ?, updated_at = ? WHERE id = ?`,
			a.Status, a.Version, a.UpdatedAt, a.ID); err != nil {
			return err
		}
		if vars != nil {
			if err := s.d.Notices.Notify(ctx, tx, s.notice(a, "appointment.cancelled", "cancelled", vars)); err != nil {
				return err
			}
		}
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "appointment.cancel", ObjectType: "appointment",
			ObjectID: fmt.Sprint(a.ID), Before: audit.Digest(before), After: audit.Digest(a)})
		return err
	})
	if err != nil {
		return Appointment{}, err
	}
	return a, nil
}

// changeable refuses to move or cancel a booking already cancelled or
// whose time has come.
func changeable(a Appointment, now time.Time) error {
	if a.Status != StatusBooked {
		return okno.Errorf(okno.ECONFLICT, "appointment.not_booked")
	}
	if !a.Start.After(now) {
		return okno.Errorf(okno.ECONFLICT, "appointment.started")
	}
	return nil
}

// checkCase refuses a case that is not the citizen's own.
func (s *Service) checkCase(ctx context.Context, actor okno.Actor, caseID int64) error {
	if caseID == 0 {
		return nil
	}
	unknown := fieldErr(okno.EINVALID, "case_id", "appointment.case_unknown")
	if caseID < 0 || s.d.Cases == nil {
		return unknown
	}
	c, err := s.d.Cases.Get(ctx, actor, caseID)
	if okno.IsCode(err, okno.ENOTFOUND) || okno.IsCode(err, okno.EFORBIDDEN) || (err == nil && c.ApplicantID != actor.UserID) {
		return unknown
	}
	return err
}

// takeTurn makes one citizen's booking changes take turns: the first
// statement of each locks the citizen's holder row until commit on
// PostgreSQL, so two requests cannot both pass the limits; on SQLite the
// single writer does that already and the row costs one write.
func takeTurn(ctx context.Context, tx *sqldb.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO appointment_holders (user_id, changes) VALUES (?, 1)
		ON CONFLICT (user_id) DO UPDATE SET changes = appointment_holders.changes + 1`, userID)
	return err
}

// checkHolder applies the citizen's limits to a booking a (skipping the
// booking self, which is being moved): future bookings per service and in
// all, and no two visits at once.
func (s *Service) checkHolder(ctx context.Context, tx *sqldb.Tx, a Appointment, self int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, service_id, starts_at, ends_at FROM appointments
		WHERE user_id = ? AND starts_at > ? AND status = ? ORDER BY starts_at LIMIT ?`,
		a.UserID, sqldb.Now(s.d.Now()), StatusBooked, s.d.Limits.MaxFuture+1)
	if err != nil {
		return err
	}
	defer rows.Close()
	same, all := 0, 0
	overlap := false
	for rows.Next() {
		var id, service int64
		var from, to time.Time
		if err := rows.Scan(&id, &service, &from, &to); err != nil {
			return err
		}
		if id == self {
			continue
		}
		all++
		if service == a.ServiceID {
			same++
		}
		if from.Before(a.End) && a.Start.Before(to) {
			overlap = true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	switch {
	case same >= s.d.Limits.MaxPerService:
		return fieldErr(okno.ECONFLICT, "service", "appointment.limit_per_service", s.d.Limits.MaxPerService)
	case all >= s.d.Limits.MaxFuture:
		return fieldErr(okno.ECONFLICT, "start", "appointment.limit_future", s.d.Limits.MaxFuture)
	case overlap:
		return fieldErr(okno.ECONFLICT, "start", "appointment.overlap")
	}
	return nil
}

// freeDesk picks the lowest desk serving the plan's service with every
// cell of the slot at start free, or errTaken. Two transactions may pick
// the same desk; the cells' primary key lets only one of them commit.
func freeDesk(ctx context.Context, tx *sqldb.Tx, p plan, start time.Time) (int, error) {
	slot := time.Duration(p.sv.SlotMinutes) * time.Minute
	held, err := takenCells(ctx, tx, p.office.ID, start, start.Add(slot))
	if err != nil {
		return 0, err
	}
	cs := cells(start, p.sv.SlotMinutes, p.sched.CellMinutes)
	for _, desk := range p.sv.desks(p.sched.Desks) {
		if deskFree(held, desk, cs) {
			return desk, nil
		}
	}
	return 0, errTaken
}

// holdCells writes the cells of booking a; a cell held already (a
// concurrent booking that committed first) is errTaken.
func holdCells(ctx context.Context, tx *sqldb.Tx, p plan, a Appointment) error {
	cs := cells(a.Start, p.sv.SlotMinutes, p.sched.CellMinutes)
	args := make([]any, 0, 4*len(cs))
	for _, c := range cs {
		args = append(args, a.OfficeID, sqldb.Now(c), a.Desk, a.ID)
	}
	return taken(sqldb.InsertRows(ctx, tx, `INSERT INTO appointment_cells (office_id, starts_at, desk, appointment_id) VALUES `, 4, args))
}

// releaseCells frees the cells of a booking.
func releaseCells(ctx context.Context, tx *sqldb.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM appointment_cells WHERE appointment_id = ?`, id)
	return err
}

// taken turns a unique violation into errTaken.
func taken(err error) error {
	if err != nil && sqldb.ViolationOf(err) == sqldb.Unique {
		return errTaken
	}
	return err
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
