package appointment

import (
	"context"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/sqldb"
)

// MaxRangeDays bounds the days one Available call looks at.
const MaxRangeDays = 31

// alternativeDays is how far after a taken slot alternatives are looked for.
const alternativeDays = 14

// plan is what booking one service at one office needs, read once per
// request outside any transaction: a schedule edited meanwhile applies to
// the next request.
type plan struct {
	office catalog.Office
	sched  Schedule
	sv     ServiceSlot
	cal    *calendar.Calendar
}

// planFor reads the office, its schedule (with the exceptions of days
// first…last) and the service, given by code or, when code is "", by ID.
func (s *Service) planFor(ctx context.Context, officeID int64, code string, serviceID int64, first, last calendar.Date) (plan, error) {
	var p plan
	var err error
	if p.office, err = s.office(ctx, officeID, "office_id"); err != nil {
		return plan{}, err
	}
	if code != "" || serviceID == 0 {
		if code == "" || len(code) > maxKey {
			return plan{}, fieldErr(okno.ENOTFOUND, "service", "appointment.service_unknown")
		}
		sv, err := s.d.Catalog.Get(ctx, code)
		if okno.IsCode(err, okno.ENOTFOUND) || (err == nil && !sv.Published) {
			return plan{}, fieldErr(okno.ENOTFOUND, "service", "appointment.service_unknown")
		} else if err != nil {
			return plan{}, err
		}
		serviceID = sv.ID
	}
	if p.sched, err = loadSchedule(ctx, s.d.DB, officeID, []calendar.Date{first, last}); err != nil {
		return plan{}, err
	}
	var ok bool
	if p.sv, ok = p.sched.service(serviceID); !ok {
		return plan{}, fieldErr(okno.EINVALID, "service", "appointment.service_not_here")
	}
	p.cal = s.d.Calendars.Current()
	return p, nil
}

// fieldErr is an error of one field whose message is the error's own.
func fieldErr(code okno.ErrorCode, field, key string, args ...any) *okno.Error {
	return &okno.Error{Code: code, Key: key, Args: args, Fields: []okno.FieldError{{Field: field, Key: key, Args: args}}}
}

// check says whether start is a slot of the plan's service at now, and
// returns its end; the error names field "start" and says why not.
func (p plan) check(start, now time.Time) (time.Time, error) {
	bad := func(key string, args ...any) (time.Time, error) {
		return time.Time{}, fieldErr(okno.EINVALID, "start", key, args...)
	}
	if start.IsZero() {
		return bad("appointment.start_required")
	}
	if !start.After(now) {
		return bad("appointment.start_past")
	}
	d, today := p.cal.Date(start), p.cal.Date(now)
	if d.After(p.sched.lastDay(today)) {
		return bad("appointment.start_beyond_horizon", p.sched.HorizonDays)
	}
	ss, why := p.sched.day(p.cal, p.office.Hours, d)
	switch why {
	case closedHol:
		return bad("appointment.start_holiday")
	case closedDay:
		return bad("appointment.start_day_off")
	}
	local := start.In(p.cal.Location())
	m := local.Hour()*60 + local.Minute()
	exact := local.Second() == 0 && local.Nanosecond() == 0
	for _, t := range starts(ss, p.sv.SlotMinutes) {
		if t == m && exact {
			return start.Add(time.Duration(p.sv.SlotMinutes) * time.Minute), nil
		}
	}
	for _, sp := range ss {
		if m >= sp.from && m < sp.to {
			return bad("appointment.start_not_aligned", p.sv.SlotMinutes)
		}
	}
	return bad("appointment.start_outside_hours")
}

// Available lists the free slots of a service at an office starting in
// [from, to), at most MaxRangeDays, in time order. Anyone may look.
func (s *Service) Available(ctx context.Context, officeID int64, service string, from, to time.Time) ([]Slot, error) {
	var fe okno.FieldErrors
	if from.IsZero() || to.IsZero() || !to.After(from) {
		fe.Add("to", "appointment.range_invalid")
	} else if to.Sub(from) > MaxRangeDays*24*time.Hour {
		fe.Add("to", "appointment.range_too_long", MaxRangeDays)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	cal := s.d.Calendars.Current()
	p, err := s.planFor(ctx, officeID, service, 0, cal.Date(from), cal.Date(to))
	if err != nil {
		return nil, err
	}
	return s.free(ctx, s.d.DB, p, from, to, s.d.Now(), 0)
}

// free lists the free slots of p starting in [from, to) after now, at
// most max of them (0: all).
func (s *Service) free(ctx context.Context, q sqldb.Querier, p plan, from, to, now time.Time, max int) ([]Slot, error) {
	if from.Before(now) {
		from = now
	}
	loc := p.cal.Location()
	last := p.sched.lastDay(p.cal.Date(now))
	if end := last.AddDays(1).Midnight(loc); to.After(end) {
		to = end
	}
	if !to.After(from) {
		return nil, nil
	}
	slot := time.Duration(p.sv.SlotMinutes) * time.Minute
	taken, err := takenCells(ctx, q, p.office.ID, from, to.Add(slot))
	if err != nil {
		return nil, err
	}
	desks := p.sv.desks(p.sched.Desks)
	var out []Slot
	for d, n := p.cal.Date(from), 0; !d.After(p.cal.Date(to)) && n <= MaxRangeDays+1; d, n = d.AddDays(1), n+1 {
		ss, why := p.sched.day(p.cal, p.office.Hours, d)
		if why != open {
			continue
		}
		for _, t := range starts(ss, p.sv.SlotMinutes) {
			st := at(d, t, loc)
			if !st.After(now) || st.Before(from) || !st.Before(to) {
				continue
			}
			free := 0
			for _, desk := range desks {
				if deskFree(taken, desk, cells(st, p.sv.SlotMinutes, p.sched.CellMinutes)) {
					free++
				}
			}
			if free > 0 {
				out = append(out, Slot{Start: st, End: st.Add(slot), Free: free})
				if max > 0 && len(out) == max {
					return out, nil
				}
			}
		}
	}
	return out, nil
}

// cellKey is one desk's cell.
type cellKey struct {
	micros int64
	desk   int
}

// takenCells reads the held cells of an office starting in [from, to).
func takenCells(ctx context.Context, q sqldb.Querier, officeID int64, from, to time.Time) (map[cellKey]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT starts_at, desk FROM appointment_cells WHERE office_id = ? AND starts_at >= ? AND starts_at < ?`,
		officeID, sqldb.Now(from), sqldb.Now(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[cellKey]bool{}
	for rows.Next() {
		var at time.Time
		var desk int
		if err := rows.Scan(&at, &desk); err != nil {
			return nil, err
		}
		out[cellKey{at.UnixMicro(), desk}] = true
	}
	return out, rows.Err()
}

// deskFree reports whether none of the cells is held at desk.
func deskFree(taken map[cellKey]bool, desk int, cs []time.Time) bool {
	for _, c := range cs {
		if taken[cellKey{c.UnixMicro(), desk}] {
			return false
		}
	}
	return true
}

// alternatives are the first free slots from the taken slot's day on,
// other than the taken one, for the "slot taken" error. p must hold the
// exceptions of alternativeDays from that day.
func (s *Service) alternatives(ctx context.Context, p plan, taken time.Time) []Slot {
	now := s.d.Now()
	from := p.cal.Date(taken).Midnight(p.cal.Location())
	slots, err := s.free(ctx, s.d.DB, p, from, from.AddDate(0, 0, alternativeDays), now, s.d.Limits.Alternatives+1)
	if err != nil {
		// The booking's answer is "taken" either way; alternatives are
		// a courtesy, so their failure is logged, not returned.
		s.d.Logger.WarnContext(ctx, "appointment: alternatives", "office", p.office.ID, "err", err)
		return nil
	}
	out := make([]Slot, 0, len(slots))
	for _, sl := range slots {
		if !sl.Start.Equal(taken) && len(out) < s.d.Limits.Alternatives {
			out = append(out, sl)
		}
	}
	return out
}
