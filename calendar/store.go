package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/okno/okno/sqldb"
)

// The SQL of calendar_days. Days are 'YYYY-MM-DD' text, so ranges compare
// as text on both engines; moved_from is '' when the day was not moved.

// readRows reads the rows from from to to ('YYYY-MM-DD', inclusive), in
// date order; from == "" reads every row.
func readRows(ctx context.Context, q sqldb.Querier, from, to string) ([]Day, error) {
	query := `SELECT day, kind, title, moved_from, updated_at, updated_by FROM calendar_days`
	var args []any
	if from != "" {
		query += ` WHERE day >= ? AND day <= ?`
		args = append(args, from, to)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY day`, args...)
	if err != nil {
		return nil, fmt.Errorf("calendar: read days: %w", err)
	}
	defer rows.Close()
	var days []Day
	for rows.Next() {
		var d Day
		var date, movedFrom string
		if err := rows.Scan(&date, &d.Kind, &d.Title, &movedFrom, &d.UpdatedAt, &d.UpdatedBy); err != nil {
			return nil, fmt.Errorf("calendar: read days: %w", err)
		}
		if d.Date, err = ParseDate(date); err != nil {
			return nil, fmt.Errorf("calendar: row %q: %w", date, err)
		}
		if movedFrom != "" {
			if d.From, err = ParseDate(movedFrom); err != nil {
				return nil, fmt.Errorf("calendar: row %q: moved from: %w", date, err)
			}
		}
		if !d.Kind.Valid() {
			return nil, fmt.Errorf("calendar: row %q: unknown kind %q", date, d.Kind)
		}
		days = append(days, d)
	}
	return days, rows.Err()
}

// upsertRow writes one day's row.
func upsertRow(ctx context.Context, tx *sqldb.Tx, d Day) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, title, moved_from, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, title = excluded.title, moved_from = excluded.moved_from,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		d.Date.String(), d.Kind, d.Title, d.From.String(), d.UpdatedAt, d.UpdatedBy)
	if err != nil {
		return fmt.Errorf("calendar: write %s: %w", d.Date, err)
	}
	return nil
}

// replaceYear makes rows the only rows of year.
func replaceYear(ctx context.Context, tx *sqldb.Tx, year int, rows []Day) error {
	first, last := Date{year, time.January, 1}, Date{year, time.December, 31}
	if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE day >= ? AND day <= ?`, first.String(), last.String()); err != nil {
		return fmt.Errorf("calendar: clear %d: %w", year, err)
	}
	for _, d := range rows {
		if err := upsertRow(ctx, tx, d); err != nil {
			return err
		}
	}
	return nil
}
