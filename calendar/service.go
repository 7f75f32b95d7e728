package calendar

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// Admins says who administers the whole region; *org.Service implements it.
type Admins interface {
	CanAdministerRegion(ctx context.Context, actor okno.Actor) (bool, error)
}

// Service keeps the calendar in the database and serves the current
// snapshot. The snapshot is the embedded facts overlaid by the rows of
// calendar_days: administrators' corrections and imported years.
type Service struct {
	db  *sqldb.DB
	log audit.Appender
	now func() time.Time
	loc *time.Location

	// Admins decides which actors besides the system may change the
	// calendar (region administrators). Nil: only the system may.
	Admins Admins

	facts []Day // embedded, shared, never changed
	cur   atomic.Pointer[Calendar]
	mu    sync.Mutex   // one change or reload at a time, so snapshots follow commits in order
	rows  map[Date]Day // calendar_days as last read or written by this process; under mu
}

// New returns a Service on db, auditing changes through log, with clock now
// and the region's time zone loc (nil: DefaultLocation). It loads the
// calendar from the database.
func New(db *sqldb.DB, log audit.Appender, now func() time.Time, loc *time.Location) (*Service, error) {
	if loc == nil {
		loc = DefaultLocation()
	}
	facts, err := embeddedDays()
	if err != nil {
		return nil, err
	}
	s := &Service{db: db, log: log, now: now, loc: loc, facts: facts}
	if err := s.Refresh(context.Background()); err != nil {
		return nil, err
	}
	return s, nil
}

// Current returns the calendar in force. It never blocks.
func (s *Service) Current() *Calendar { return s.cur.Load() }

// Refresh reloads the corrections from the database, so that a node sees
// what administrators changed through another node. The application calls
// it periodically; changes made through this Service show at once.
func (s *Service) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, err := readRows(ctx, s.db, "", "")
	if err != nil {
		return err
	}
	s.rows = make(map[Date]Day, len(rows))
	for _, d := range rows {
		s.rows[d.Date] = d
	}
	s.publish()
	return nil
}

// publish builds the snapshot from the facts and the rows; under mu.
func (s *Service) publish() {
	days := make([]Day, 0, len(s.facts)+len(s.rows))
	days = append(days, s.facts...)
	for _, d := range s.rows {
		days = append(days, d)
	}
	s.cur.Store(FromDays(s.loc, days))
}

// Year lists the days of year that differ from the five-day week, in date
// order: the embedded facts with the database's corrections, read now.
func (s *Service) Year(ctx context.Context, year int) ([]Day, error) {
	if year < MinYear || year > MaxYear {
		var fe okno.FieldErrors
		fe.Add("year", "calendar.year_out_of_range", MinYear, MaxYear)
		return nil, fe.Err()
	}
	return s.year(ctx, s.db, year)
}

func (s *Service) year(ctx context.Context, q sqldb.Querier, year int) ([]Day, error) {
	first, last := Date{year, time.January, 1}, Date{year, time.December, 31}
	rows, err := readRows(ctx, q, first.String(), last.String())
	if err != nil {
		return nil, err
	}
	byDate := map[Date]Day{}
	for _, d := range s.facts {
		if d.Date.Year == year {
			byDate[d.Date] = d
		}
	}
	for _, d := range rows {
		byDate[d.Date] = d
	}
	days := make([]Day, 0, len(byDate))
	for _, d := range byDate {
		if !d.standard() {
			days = append(days, d)
		}
	}
	sortDays(days)
	return days, nil
}

// SetDay changes one day: its kind, title and the day it was moved from.
// Only the system and region administrators may; the change is audited.
// Setting a day to what it already is changes and audits nothing.
func (s *Service) SetDay(ctx context.Context, actor okno.Actor, d Day) error {
	if err := s.authorize(ctx, actor); err != nil {
		return err
	}
	if err := validateDay(&d); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d.UpdatedAt, d.UpdatedBy = sqldb.Now(s.now()), actor.Ref()
	changed := false
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		before, err := s.effective(ctx, tx, d.Date)
		if err != nil || before.fact() == d.fact() {
			return err
		}
		if err := upsertRow(ctx, tx, d); err != nil {
			return err
		}
		changed = true
		return s.audit(ctx, tx, actor, "calendar.day.set", "calendar_day", d.Date.String(), before.fact(), d.fact())
	})
	if err != nil || !changed {
		return err
	}
	s.rows[d.Date] = d
	s.publish()
	return nil
}

// effective is what the calendar says of date now: its row, its fact, or
// the five-day week.
func (s *Service) effective(ctx context.Context, q sqldb.Querier, date Date) (Day, error) {
	rows, err := readRows(ctx, q, date.String(), date.String())
	if err != nil {
		return Day{}, err
	}
	if len(rows) == 1 {
		return rows[0], nil
	}
	if i := slices.IndexFunc(s.facts, func(f Day) bool { return f.Date == date }); i >= 0 {
		return s.facts[i], nil
	}
	return Day{Date: date, Kind: Standard(date)}, nil
}

// validateDay checks a day an administrator sets, trimming its title.
func validateDay(d *Day) error {
	var fe okno.FieldErrors
	switch {
	case d.Date.IsZero() || dateOfNum(d.Date.num()) != d.Date:
		fe.Add("date", "calendar.date_invalid")
	case !d.Date.valid():
		fe.Add("date", "calendar.year_out_of_range", MinYear, MaxYear)
	}
	if !d.Kind.Valid() {
		fe.Add("kind", "calendar.kind_invalid")
	}
	d.Title = strings.TrimSpace(d.Title)
	checkTitle(&fe, "title", d.Title)
	if !d.From.IsZero() && !d.From.valid() {
		fe.Add("from", "calendar.date_invalid")
	}
	return fe.Err()
}

// Import replaces a year of the calendar with the days of an xmlcalendar
// file (see ParseXML): the year's corrections are dropped and every day
// the file does not list follows the five-day week. It returns the year
// and how many days differ from the five-day week. Only the system and
// region administrators may import; one audit entry records the year's
// days before and after. Importing what is already in force changes and
// audits nothing.
func (s *Service) Import(ctx context.Context, actor okno.Actor, r io.Reader) (year int, n int, err error) {
	if err := s.authorize(ctx, actor); err != nil {
		return 0, 0, err
	}
	year, days, err := ParseXML(r)
	if err != nil {
		return 0, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now, by := sqldb.Now(s.now()), actor.Ref()
	var rows []Day
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		before, err := s.year(ctx, tx, year)
		if err != nil {
			return err
		}
		if slices.Equal(facts(before), facts(days)) {
			return nil
		}
		rows = s.yearRows(year, days, now, by)
		if err := replaceYear(ctx, tx, year, rows); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "calendar.year.import", "calendar_year", fmt.Sprint(year), facts(before), facts(days))
	})
	if err != nil {
		return 0, 0, err
	}
	if rows != nil {
		for d := range s.rows {
			if d.Year == year {
				delete(s.rows, d)
			}
		}
		for _, d := range rows {
			s.rows[d.Date] = d
		}
		s.publish()
	}
	return year, len(days), nil
}

// yearRows are the rows that make year say exactly days: the days
// themselves, and the five-day week's kind for each embedded fact of the
// year the file leaves out.
func (s *Service) yearRows(year int, days []Day, at time.Time, by string) []Day {
	listed := map[Date]bool{}
	var rows []Day
	for _, d := range days {
		listed[d.Date] = true
		d.UpdatedAt, d.UpdatedBy = at, by
		rows = append(rows, d)
	}
	for _, f := range s.facts {
		if f.Date.Year == year && !listed[f.Date] {
			rows = append(rows, Day{Date: f.Date, Kind: Standard(f.Date), UpdatedAt: at, UpdatedBy: by})
		}
	}
	return rows
}

func facts(days []Day) []fact {
	out := make([]fact, len(days))
	for i, d := range days {
		out[i] = d.fact()
	}
	return out
}

// authorize lets the system and region administrators change the calendar.
func (s *Service) authorize(ctx context.Context, actor okno.Actor) error {
	if actor.Kind == okno.ActorSystem {
		return nil
	}
	if s.Admins != nil {
		ok, err := s.Admins.CanAdministerRegion(ctx, actor)
		if err != nil {
			return fmt.Errorf("calendar: who may change the calendar: %w", err)
		}
		if ok {
			return nil
		}
	}
	return okno.Errorf(okno.EFORBIDDEN, "calendar.forbidden")
}

// audit appends the entry of a change; call it last in the transaction.
func (s *Service) audit(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action, objType, objID string, before, after any) error {
	_, err := s.log.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: objType, ObjectID: objID,
		Before: audit.Digest(before), After: audit.Digest(after)})
	if err != nil {
		return fmt.Errorf("calendar: audit %s: %w", action, err)
	}
	return nil
}
