package calendar_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

var (
	regionAdmin   = okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 1, Roles: []okno.Role{okno.RoleAdmin}}
	districtAdmin = okno.Actor{Kind: okno.ActorStaff, UserID: 2, OrgID: 2, Roles: []okno.Role{okno.RoleAdmin}}
	official      = okno.Actor{Kind: okno.ActorStaff, UserID: 3, OrgID: 1, Roles: []okno.Role{okno.RoleOfficial}}
)

// admins says the administrators of organisation 1 administer the region,
// as org.Service does for the region government.
type admins struct{}

func (admins) CanAdministerRegion(_ context.Context, a okno.Actor) (bool, error) {
	return a.Kind == okno.ActorSystem || a.OrgID == 1 && a.Has(okno.RoleAdmin), nil
}

var now = time.Date(2026, time.November, 22, 12, 0, 0, 0, time.UTC)

type fixture struct {
	db  *sqldb.DB
	log *audittest.Log
	s   *calendar.Service
}

func newFixture(t *testing.T, db *sqldb.DB) fixture {
	t.Helper()
	log := audittest.New(db, func() time.Time { return now })
	s, err := calendar.New(db, log, func() time.Time { return now }, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Admins = admins{}
	return fixture{db: db, log: log, s: s}
}

func day(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// lines writes days as the facts file does.
func lines(days []calendar.Day) []string {
	var out []string
	for _, d := range days {
		out = append(out, d.String())
	}
	return out
}

func actions(l *audittest.Log) []string {
	var out []string
	for _, e := range l.Entries() {
		out = append(out, e.Action+" "+e.ObjectType+" "+e.ObjectID+" "+e.Actor)
	}
	return out
}

func TestServiceSetDay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if got := f.s.Current().Kind(day(t, "2026-12-30")); got != calendar.Workday {
			t.Fatalf("2026-12-30 is a %s before the change", got)
		}
		// The region declares 30 December a day off, and corrects a title.
		mustOK(t, f.s.SetDay(ctx, regionAdmin, calendar.Day{Date: day(t, "2026-12-30"), Kind: calendar.Weekend, Title: "  Решение губернатора  "}))
		mustOK(t, f.s.SetDay(ctx, regionAdmin, calendar.Day{Date: day(t, "2026-01-07"), Kind: calendar.Holiday, Title: "Рождество"}))
		if got := f.s.Current().Kind(day(t, "2026-12-30")); got != calendar.Weekend {
			t.Errorf("2026-12-30 is a %s after the change", got)
		}
		got, err := f.s.Year(ctx, 2026)
		mustOK(t, err)
		var changed []calendar.Day
		for _, d := range got {
			if d.UpdatedBy != "" {
				changed = append(changed, d)
			}
		}
		want := []calendar.Day{
			{Date: day(t, "2026-01-07"), Kind: calendar.Holiday, Title: "Рождество", UpdatedAt: now, UpdatedBy: regionAdmin.Ref()},
			{Date: day(t, "2026-12-30"), Kind: calendar.Weekend, Title: "Решение губернатора", UpdatedAt: now, UpdatedBy: regionAdmin.Ref()},
		}
		if diff := cmp.Diff(want, changed); diff != "" {
			t.Errorf("changed days of 2026 (-want +got):\n%s", diff)
		}
		if len(got) != 23 {
			t.Errorf("2026 lists %d days, want the 22 facts and the new day off", len(got))
		}

		// The same again changes and audits nothing.
		mustOK(t, f.s.SetDay(ctx, regionAdmin, calendar.Day{Date: day(t, "2026-12-30"), Kind: calendar.Weekend, Title: "Решение губернатора"}))
		// Back to the five-day week: the day leaves the list, and deadlines count it again.
		mustOK(t, f.s.SetDay(ctx, okno.System, calendar.Day{Date: day(t, "2026-12-30"), Kind: calendar.Workday}))
		if got := f.s.Current().Kind(day(t, "2026-12-30")); got != calendar.Workday {
			t.Errorf("2026-12-30 is a %s after undoing the change", got)
		}
		wantAudit := []string{
			"calendar.day.set calendar_day 2026-12-30 " + regionAdmin.Ref(),
			"calendar.day.set calendar_day 2026-01-07 " + regionAdmin.Ref(),
			"calendar.day.set calendar_day 2026-12-30 system",
		}
		if diff := cmp.Diff(wantAudit, actions(f.log)); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
		if e := f.log.Entries()[0]; len(e.Before) == 0 || len(e.After) == 0 {
			t.Errorf("the entry lacks the digests of before and after: %+v", e)
		}
	})
}

func TestServiceSetDayRefuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		good := calendar.Day{Date: day(t, "2026-12-30"), Kind: calendar.Weekend}
		for _, a := range []okno.Actor{districtAdmin, official, {Kind: okno.ActorCitizen, UserID: 9}, {}} {
			if err := f.s.SetDay(ctx, a, good); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("SetDay as %s: %v, want forbidden", a.Ref(), err)
			}
		}
		f.s.Admins = nil
		if err := f.s.SetDay(ctx, regionAdmin, good); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("SetDay with nobody to ask who administers the region: %v, want forbidden", err)
		}
		f.s.Admins = admins{}

		err := f.s.SetDay(ctx, regionAdmin, calendar.Day{Date: calendar.Date{Year: 2026, Month: 2, Day: 30}, Kind: "party",
			Title: strings.Repeat("я", calendar.MaxTitle+1), From: calendar.Date{Year: 1999, Month: 1, Day: 1}})
		want := []string{"date: calendar.date_invalid", "kind: calendar.kind_invalid", "title: calendar.title_too_long", "from: calendar.date_invalid"}
		if diff := cmp.Diff(want, fieldKeys(t, err)); diff != "" {
			t.Errorf("field errors (-want +got):\n%s", diff)
		}
		err = f.s.SetDay(ctx, regionAdmin, calendar.Day{Date: calendar.Date{Year: 2100, Month: 1, Day: 1}, Kind: calendar.Holiday, Title: "a\x00b"})
		want = []string{"date: calendar.year_out_of_range", "title: calendar.title_invalid"}
		if diff := cmp.Diff(want, fieldKeys(t, err)); diff != "" {
			t.Errorf("field errors (-want +got):\n%s", diff)
		}
		if _, err := f.s.Year(ctx, 1999); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("Year(1999): %v, want invalid", err)
		}
		if got := f.s.Current().Kind(day(t, "2026-12-30")); got != calendar.Workday {
			t.Errorf("refused changes made 2026-12-30 a %s", got)
		}
		if n := len(f.log.Entries()); n != 0 {
			t.Errorf("refused changes left %d audit entries", n)
		}
	})
}

func fieldKeys(t *testing.T, err error) []string {
	t.Helper()
	var e *okno.Error
	if !errors.As(err, &e) || e.Code != okno.EINVALID {
		t.Fatalf("error %v is not an EINVALID okno error", err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+": "+f.Key)
	}
	return out
}

// file2028 is a made-up year: with it, 2028 is no longer counted by the
// five-day week alone.
const file2028 = `<calendar year="2028"><holidays><holiday id="1" title="Новогодние каникулы"/></holidays><days>
<day d="01.01" t="1" h="1"/><day d="01.03" t="1" h="1"/><day d="01.10" t="1" f="01.01"/><day d="03.04" t="3"/>
</days></calendar>`

// file2026 is 2026 as decreed, except that 9 January is not a day off and
// 30 December is.
const file2026 = `<calendar year="2026"><holidays><holiday id="1" title="Новогодние каникулы"/></holidays><days>
<day d="01.01" t="1" h="1"/><day d="01.02" t="1" h="1"/><day d="12.30" t="1"/>
</days></calendar>`

func TestServiceImport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if f.s.Current().Covers(2028) {
			t.Fatal("2028 is covered before the import")
		}
		year, n, err := f.s.Import(ctx, regionAdmin, strings.NewReader(file2028))
		mustOK(t, err)
		if year != 2028 || n != 4 {
			t.Errorf("Import = %d, %d; want 2028, 4", year, n)
		}
		c := f.s.Current()
		if !c.Covers(2028) || c.Kind(day(t, "2028-01-10")) != calendar.Weekend || c.Kind(day(t, "2028-03-04")) != calendar.Workday {
			t.Errorf("after the import: covers %v, 2028-01-10 %s, 2028-03-04 %s", c.Covers(2028), c.Kind(day(t, "2028-01-10")), c.Kind(day(t, "2028-03-04")))
		}
		got, err := f.s.Year(ctx, 2028)
		mustOK(t, err)
		want := []string{"2028-01-01 holiday Новогодние каникулы", "2028-01-03 holiday Новогодние каникулы",
			"2028-01-10 weekend from 2028-01-01", "2028-03-04 workday"}
		if diff := cmp.Diff(want, lines(got)); diff != "" {
			t.Errorf("2028 (-want +got):\n%s", diff)
		}

		// The same file again changes and audits nothing.
		if _, _, err := f.s.Import(ctx, okno.System, strings.NewReader(file2028)); err != nil {
			t.Fatal(err)
		}
		// A year the facts cover is replaced whole, corrections included.
		mustOK(t, f.s.SetDay(ctx, regionAdmin, calendar.Day{Date: day(t, "2026-07-01"), Kind: calendar.Weekend}))
		if _, _, err := f.s.Import(ctx, regionAdmin, strings.NewReader(file2026)); err != nil {
			t.Fatal(err)
		}
		c = f.s.Current()
		for d, want := range map[string]calendar.Kind{"2026-01-09": calendar.Workday, "2026-12-30": calendar.Weekend,
			"2026-07-01": calendar.Workday, "2026-01-07": calendar.Workday, "2026-01-02": calendar.Holiday} {
			if got := c.Kind(day(t, d)); got != want {
				t.Errorf("after importing 2026: %s is a %s, want %s", d, got, want)
			}
		}
		got, err = f.s.Year(ctx, 2026)
		mustOK(t, err)
		want = []string{"2026-01-01 holiday Новогодние каникулы", "2026-01-02 holiday Новогодние каникулы", "2026-12-30 weekend"}
		if diff := cmp.Diff(want, lines(got)); diff != "" {
			t.Errorf("2026 after the import (-want +got):\n%s", diff)
		}
		wantAudit := []string{
			"calendar.year.import calendar_year 2028 " + regionAdmin.Ref(),
			"calendar.day.set calendar_day 2026-07-01 " + regionAdmin.Ref(),
			"calendar.year.import calendar_year 2026 " + regionAdmin.Ref(),
		}
		if diff := cmp.Diff(wantAudit, actions(f.log)); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}

		// Another node sees the changes once it refreshes.
		other, err := calendar.New(db, f.log, func() time.Time { return now }, nil)
		mustOK(t, err)
		if got := other.Current().Kind(day(t, "2026-12-30")); got != calendar.Weekend {
			t.Errorf("a new node sees 2026-12-30 as a %s", got)
		}
		mustOK(t, f.s.SetDay(ctx, regionAdmin, calendar.Day{Date: day(t, "2026-12-29"), Kind: calendar.Short}))
		if got := other.Current().Kind(day(t, "2026-12-29")); got != calendar.Workday {
			t.Errorf("the other node saw the change before refreshing: %s", got)
		}
		mustOK(t, other.Refresh(ctx))
		if got := other.Current().Kind(day(t, "2026-12-29")); got != calendar.Short {
			t.Errorf("after Refresh the other node sees 2026-12-29 as a %s", got)
		}
	})
}

func TestServiceImportRefuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, _, err := f.s.Import(ctx, districtAdmin, strings.NewReader(file2028)); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("Import by a district administrator: %v, want forbidden", err)
		}
		_, _, err := f.s.Import(ctx, regionAdmin, strings.NewReader(`<calendar year="2028"><days><day d="01.32" t="1"/></days></calendar>`))
		if diff := cmp.Diff([]string{"days[0].d: calendar.xml_day_date_invalid"}, fieldKeys(t, err)); diff != "" {
			t.Errorf("field errors (-want +got):\n%s", diff)
		}
		if f.s.Current().Covers(2028) || len(f.log.Entries()) != 0 {
			t.Error("a refused import changed the calendar")
		}
	})
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
