package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
)

func cmdCalendarImport(ctx context.Context, env *Env, args []string) error {
	a, _, rest, err := openApp(ctx, env, "calendar import", args, false, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 1 {
		return exitError{2, "usage: okno calendar import FILE.xml   (a year in the xmlcalendar.ru format)"}
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	cal := a.Calendar
	year, n, err := cal.Import(ctx, okno.System, f)
	if err != nil {
		return describe(a, err)
	}
	fmt.Fprintf(env.Stdout, "%d: imported, %d days differ from the five-day week\n", year, n)
	return nil
}

func cmdCalendarShow(ctx context.Context, env *Env, args []string) error {
	a, _, rest, err := openApp(ctx, env, "calendar show", args, false, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	year := 0
	if len(rest) == 1 {
		year, err = strconv.Atoi(rest[0])
	}
	if len(rest) != 1 || err != nil {
		return exitError{2, "usage: okno calendar show YEAR"}
	}
	cal := a.Calendar
	days, err := cal.Year(ctx, year)
	if err != nil {
		return describe(a, err)
	}
	for _, d := range days {
		line := d.String()
		if d.UpdatedBy != "" {
			line += fmt.Sprintf("   [changed %s by %s]", d.UpdatedAt.Format(time.DateOnly), d.UpdatedBy)
		}
		fmt.Fprintln(env.Stdout, line)
	}
	c := cal.Current()
	work := c.WorkdaysBetween(calendar.Date{Year: year - 1, Month: time.December, Day: 31}, calendar.Date{Year: year, Month: time.December, Day: 31})
	fmt.Fprintf(env.Stdout, "%d: %d working days\n", year, work)
	if !c.Covers(year) {
		fmt.Fprintf(env.Stdout, "no holidays are known for %d: only Saturdays and Sundays count as days off; import the year's calendar\n", year)
	}
	return nil
}
