package appointment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
)

// Schedule is how an office receives people by appointment. The office's
// own hours (catalog.Office.Hours, where a lunch break makes two
// intervals) and the production calendar say which days and hours it is
// open; the schedule adds desks, slot lengths, breaks and exceptional days.
type Schedule struct {
	OfficeID int64
	// Desks is how many desks (окна приёма) receive in parallel.
	Desks int
	// CellMinutes is the grid step: every slot length is a multiple of it
	// and every booking holds the cells it covers, so services of
	// different lengths can share a desk without overlapping.
	CellMinutes int
	// HorizonDays is how many days ahead, today included, one may book.
	HorizonDays int
	// Breaks are taken every working day besides the office's own lunch
	// (a technical break at the desks).
	Breaks   []org.Interval
	Services []ServiceSlot
	// Exceptions are days with other hours than usual, in date order.
	Exceptions []Exception
	Version    int64
}

// ServiceSlot is one service an office receives for.
type ServiceSlot struct {
	Service     string // the catalogue's code
	ServiceID   int64  // filled from the catalogue
	SlotMinutes int
	Desks       []int // desk numbers serving it; empty: every desk
}

// Exception is a day with its own hours: a sanitary day (no hours), a
// shortened day the calendar does not know, an extra Saturday.
type Exception struct {
	Day   calendar.Date
	Hours []org.Interval // empty: closed that day
	Note  string
}

// Limits of a schedule.
const (
	MaxDesks        = 100
	MaxServices     = 200
	MaxExceptions   = 400
	MaxBreaks       = 6
	MaxDayIntervals = 6
	MaxHorizonDays  = 366
	MaxNote         = 200
	maxSlotMinutes  = 480
)

// desks lists the desks serving sv: its own, or every desk.
func (sv ServiceSlot) desks(all int) []int {
	if len(sv.Desks) > 0 {
		return sv.Desks
	}
	out := make([]int, all)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// validate checks a schedule without the database.
func (sc *Schedule) validate() okno.FieldErrors {
	var fe okno.FieldErrors
	if sc.Desks < 1 || sc.Desks > MaxDesks {
		fe.Add("desks", "appointment.desks_invalid", MaxDesks)
	}
	if sc.CellMinutes < 5 || sc.CellMinutes > 240 {
		fe.Add("cell_minutes", "appointment.cell_invalid")
	}
	if sc.HorizonDays < 1 || sc.HorizonDays > MaxHorizonDays {
		fe.Add("horizon_days", "appointment.horizon_invalid", MaxHorizonDays)
	}
	if len(sc.Breaks) > MaxBreaks {
		fe.Add("breaks", "appointment.too_many", MaxBreaks)
	} else {
		checkIntervals(&fe, "breaks", sc.Breaks)
	}
	if len(sc.Services) == 0 {
		fe.Add("services", "appointment.services_required")
	}
	if len(sc.Services) > MaxServices {
		fe.Add("services", "appointment.too_many", MaxServices)
		return fe
	}
	seen := map[string]bool{}
	for i, sv := range sc.Services {
		field := fmt.Sprintf("services[%d]", i)
		if seen[sv.Service] {
			fe.Add(field+".service", "appointment.service_twice")
		}
		seen[sv.Service] = true
		if sv.SlotMinutes <= 0 || sv.SlotMinutes > maxSlotMinutes || sc.CellMinutes <= 0 || sv.SlotMinutes%sc.CellMinutes != 0 {
			fe.Add(field+".slot_minutes", "appointment.slot_invalid", sc.CellMinutes)
		}
		if len(sv.Desks) > MaxDesks {
			fe.Add(field+".desks", "appointment.too_many", MaxDesks)
			continue
		}
		for _, d := range sv.Desks {
			if d < 1 || d > sc.Desks {
				fe.Add(field+".desks", "appointment.desk_unknown", d)
				break
			}
		}
	}
	if len(sc.Exceptions) > MaxExceptions {
		fe.Add("exceptions", "appointment.too_many", MaxExceptions)
		return fe
	}
	days := map[calendar.Date]bool{}
	for i, ex := range sc.Exceptions {
		field := fmt.Sprintf("exceptions[%d]", i)
		if ex.Day.IsZero() || days[ex.Day] {
			fe.Add(field+".day", "appointment.day_invalid")
		}
		days[ex.Day] = true
		if len(ex.Hours) > MaxDayIntervals {
			fe.Add(field+".hours", "appointment.too_many", MaxDayIntervals)
		} else {
			checkIntervals(&fe, field+".hours", ex.Hours)
		}
		if len([]rune(ex.Note)) > MaxNote {
			fe.Add(field+".note", "appointment.too_long", MaxNote)
		}
	}
	return fe
}

// checkIntervals checks "HH:MM" intervals in order, without overlaps.
func checkIntervals(fe *okno.FieldErrors, field string, ivs []org.Interval) {
	prev := -1
	for i, iv := range ivs {
		from, ok1 := minutes(iv.From)
		to, ok2 := minutes(iv.To)
		if !ok1 || !ok2 || from >= to || from < prev {
			fe.Add(fmt.Sprintf("%s[%d]", field, i), "appointment.interval_invalid")
			continue
		}
		prev = to
	}
}

// minutes reads "HH:MM" as minutes after midnight; "24:00" is the end of
// the day.
func minutes(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// SetSchedule replaces an office's schedule whole (administrators of the
// office's organisation); audited. Bookings already made keep their time:
// an office that removes a desk or a service cancels the bookings it can
// no longer honour through Cancel, so each citizen is told.
func (s *Service) SetSchedule(ctx context.Context, actor okno.Actor, sc Schedule) (Schedule, error) {
	off, err := s.office(ctx, sc.OfficeID, "office_id")
	if err != nil {
		return Schedule{}, err
	}
	if err := s.mayAdminister(ctx, actor, off.OrgID); err != nil {
		return Schedule{}, err
	}
	fe := sc.validate()
	if len(fe) == 0 {
		for i := range sc.Services {
			sv, err := s.d.Catalog.Get(ctx, sc.Services[i].Service)
			if okno.IsCode(err, okno.ENOTFOUND) {
				fe.Add(fmt.Sprintf("services[%d].service", i), "appointment.service_unknown")
				continue
			} else if err != nil {
				return Schedule{}, err
			}
			sc.Services[i].ServiceID = sv.ID
		}
	}
	if err := fe.Err(); err != nil {
		return Schedule{}, err
	}
	breaks, _ := json.Marshal(nonNil(sc.Breaks))
	now := sqldb.Now(s.d.Now())
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		before, err := loadSchedule(ctx, tx, sc.OfficeID, nil)
		e := audit.Entry{Actor: actor.Ref(), Action: "appointment.schedule.set", ObjectType: "office", ObjectID: fmt.Sprint(sc.OfficeID), After: audit.Digest(sc)}
		switch {
		case err == nil:
			e.Before = audit.Digest(before)
			sc.Version = before.Version + 1
			if _, err := tx.ExecContext(ctx, `UPDATE appointment_offices SET desks = ?, cell_minutes = ?, horizon_days = ?, breaks = ?, version = ?, updated_at = ?
				WHERE office_id = ?`, sc.Desks, sc.CellMinutes, sc.HorizonDays, string(breaks), sc.Version, now, sc.OfficeID); err != nil {
				return err
			}
			for _, t := range []string{"appointment_services", "appointment_exceptions"} {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE office_id = ?`, sc.OfficeID); err != nil {
					return err
				}
			}
		case okno.IsCode(err, okno.ENOTFOUND):
			sc.Version = 1
			if _, err := tx.ExecContext(ctx, `INSERT INTO appointment_offices (office_id, desks, cell_minutes, horizon_days, breaks, version, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, sc.OfficeID, sc.Desks, sc.CellMinutes, sc.HorizonDays, string(breaks), sc.Version, now); err != nil {
				return err
			}
		default:
			return err
		}
		for _, sv := range sc.Services {
			desks, _ := json.Marshal(nonNil(sv.Desks))
			if _, err := tx.ExecContext(ctx, `INSERT INTO appointment_services (office_id, service_id, slot_minutes, desks) VALUES (?, ?, ?, ?)`,
				sc.OfficeID, sv.ServiceID, sv.SlotMinutes, string(desks)); err != nil {
				return err
			}
		}
		for _, ex := range sc.Exceptions {
			hours, _ := json.Marshal(nonNil(ex.Hours))
			if _, err := tx.ExecContext(ctx, `INSERT INTO appointment_exceptions (office_id, day, hours, note) VALUES (?, ?, ?, ?)`,
				sc.OfficeID, ex.Day.String(), string(hours), ex.Note); err != nil {
				return err
			}
		}
		_, err = s.d.Audit.Append(ctx, tx, e)
		return err
	})
	if sqldb.ViolationOf(err) == sqldb.Unique {
		// Two administrators made the office's first schedule at once.
		return Schedule{}, okno.Wrap(okno.ECONFLICT, "appointment.schedule_conflict", err)
	}
	if err != nil {
		return Schedule{}, err
	}
	return sc, nil
}

// Schedule returns an office's schedule with every exception and the
// services' codes, for the page that edits it; not_found when the office
// takes no bookings.
func (s *Service) Schedule(ctx context.Context, officeID int64) (Schedule, error) {
	sc, err := loadSchedule(ctx, s.d.DB, officeID, nil)
	if err != nil {
		return Schedule{}, err
	}
	for i, sv := range sc.Services {
		card, err := s.d.Catalog.ByID(ctx, sv.ServiceID)
		if err != nil {
			return Schedule{}, err
		}
		sc.Services[i].Service = card.Code
	}
	return sc, nil
}

// loadSchedule reads an office's schedule; days, when given, limits the
// exceptions read to [days[0], days[1]]. Service codes are left empty:
// bookings go by ID.
func loadSchedule(ctx context.Context, q sqldb.Querier, officeID int64, days []calendar.Date) (Schedule, error) {
	sc := Schedule{OfficeID: officeID}
	var breaks string
	err := q.QueryRowContext(ctx, `SELECT desks, cell_minutes, horizon_days, breaks, version FROM appointment_offices WHERE office_id = ?`, officeID).
		Scan(&sc.Desks, &sc.CellMinutes, &sc.HorizonDays, &breaks, &sc.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return Schedule{}, &okno.Error{Code: okno.ENOTFOUND, Key: "appointment.schedule_missing",
			Fields: []okno.FieldError{{Field: "office_id", Key: "appointment.schedule_missing"}}}
	}
	if err != nil {
		return Schedule{}, err
	}
	if err := json.Unmarshal([]byte(breaks), &sc.Breaks); err != nil {
		return Schedule{}, fmt.Errorf("appointment: office %d breaks: %w", officeID, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT service_id, slot_minutes, desks FROM appointment_services WHERE office_id = ? ORDER BY service_id`, officeID)
	if err != nil {
		return Schedule{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var sv ServiceSlot
		var desks string
		if err := rows.Scan(&sv.ServiceID, &sv.SlotMinutes, &desks); err != nil {
			return Schedule{}, err
		}
		if err := json.Unmarshal([]byte(desks), &sv.Desks); err != nil {
			return Schedule{}, fmt.Errorf("appointment: office %d desks: %w", officeID, err)
		}
		sc.Services = append(sc.Services, sv)
	}
	if err := rows.Err(); err != nil {
		return Schedule{}, err
	}
	query, args := `SELECT day, hours, note FROM appointment_exceptions WHERE office_id = ?`, []any{officeID}
	if len(days) == 2 {
		query += ` AND day >= ? AND day <= ?`
		args = append(args, days[0].String(), days[1].String())
	}
	erows, err := q.QueryContext(ctx, query+` ORDER BY day`, args...)
	if err != nil {
		return Schedule{}, err
	}
	defer erows.Close()
	for erows.Next() {
		var ex Exception
		var day, hours string
		if err := erows.Scan(&day, &hours, &ex.Note); err != nil {
			return Schedule{}, err
		}
		if ex.Day, err = calendar.ParseDate(day); err != nil {
			return Schedule{}, fmt.Errorf("appointment: office %d exception: %w", officeID, err)
		}
		if err := json.Unmarshal([]byte(hours), &ex.Hours); err != nil {
			return Schedule{}, fmt.Errorf("appointment: office %d exception %s: %w", officeID, day, err)
		}
		sc.Exceptions = append(sc.Exceptions, ex)
	}
	return sc, erows.Err()
}

// service returns the schedule's entry for a service.
func (sc Schedule) service(id int64) (ServiceSlot, bool) {
	for _, sv := range sc.Services {
		if sv.ServiceID == id {
			return sv, true
		}
	}
	return ServiceSlot{}, false
}

// nonNil makes a nil slice marshal as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// lastDay is the last day one may book on, today being today.
func (sc Schedule) lastDay(today calendar.Date) calendar.Date {
	return today.AddDays(sc.HorizonDays - 1)
}
