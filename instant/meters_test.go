package instant_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/instant"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestMeterReadings: readings are checked against the previous one (the
// registry's, then the citizen's own of an earlier month), stored once per
// account, meter and month (sending again corrects them), and refused when
// lower or absurdly higher, with nothing stored.
func TestMeterReadings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, instant.Limits{})
		ctx := context.Background()
		send := func(data map[string]any) (instant.Result, error) {
			return f.svc.Run(ctx, f.petr, "water-meters", data)
		}
		stored := func() []int64 {
			t.Helper()
			rows, err := db.QueryContext(ctx, `SELECT value_milli FROM meter_readings ORDER BY month, meter`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []int64
			for rows.Next() {
				var v int64
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				out = append(out, v)
			}
			return out
		}

		// Registry: cold 120.5, hot 80.25, 35 days ago.
		res, err := send(map[string]any{"account": "1234567890", "cold": "125,5", "hot": 81})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != instant.StatusAccepted || len(res.Sections) != 2 {
			t.Fatalf("got %s with %d meters", res.Status, len(res.Sections))
		}
		if got := fact(res, "Расход"); got != "5"+nbsp+"м³" {
			t.Errorf("cold water used: %q", got)
		}
		if got := fact(res, "Предыдущие показания"); got != "120,5"+nbsp+"м³" {
			t.Errorf("previous: %q", got)
		}
		// The same again, then a correction within the month: one row each.
		for _, cold := range []any{"125,5", 126.25} {
			if _, err := send(map[string]any{"account": "12345 67890", "readings": []any{map[string]any{"meter": "cold-1", "value": cold}}}); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff([]int64{126250, 81000}, stored()); diff != "" {
			t.Errorf("stored (-want +got):\n%s", diff)
		}

		refused := []struct {
			name  string
			data  map[string]any
			field string
			key   string
		}{
			{"below the registry's", map[string]any{"account": "1234567890", "cold": 120}, "/cold", "instant.meter_less"},
			{"absurdly higher", map[string]any{"account": "1234567890", "hot": "1080,25"}, "/hot", "instant.meter_too_high"},
			{"not a number", map[string]any{"account": "1234567890", "readings": map[string]any{"cold-1": "сто"}}, "/readings/cold-1", "instant.meter_number"},
			{"negative", map[string]any{"account": "1234567890", "cold": -1}, "/cold", "instant.meter_number"},
			{"no readings", map[string]any{"account": "1234567890"}, "/readings", "instant.meter_none"},
			{"a meter the account lacks", map[string]any{"account": "1234567890", "readings": map[string]any{"gas-1": 5}}, "/readings/gas-1", "instant.meter_unknown"},
			{"electricity on a water-only account", map[string]any{"account": "1234567890", "electricity": 5}, "/readings", "instant.meter_none"},
		}
		for _, tt := range refused {
			_, err := send(tt.data)
			e := okno.AsError(err)
			if e.Code != okno.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != tt.field || e.Fields[0].Key != tt.key {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
		if diff := cmp.Diff([]int64{126250, 81000}, stored()); diff != "" {
			t.Errorf("refused readings changed what is stored (-want +got):\n%s", diff)
		}

		// Next month the citizen's own reading is the previous one.
		f.now = start.AddDate(0, 1, 0)
		_, err = send(map[string]any{"account": "1234567890", "cold": 126})
		if e := okno.AsError(err); e.Code != okno.EINVALID || len(e.Fields) != 1 || len(e.Fields[0].Args) != 1 || e.Fields[0].Args[0] != "126,25"+nbsp+"м³" {
			t.Errorf("below last month's own reading: %v", err)
		}
		res, err = send(map[string]any{"account": "1234567890", "cold": 130})
		if err != nil {
			t.Fatal(err)
		}
		if got := fact(res, "Предыдущие показания"); got != "126,25"+nbsp+"м³" {
			t.Errorf("previous next month: %q", got)
		}
		if diff := cmp.Diff([]int64{126250, 81000, 130000}, stored()); diff != "" {
			t.Errorf("stored next month (-want +got):\n%s", diff)
		}

		res, err = send(map[string]any{"account": "0000000000", "cold": 1})
		if err != nil || res.Status != instant.StatusNone {
			t.Errorf("an unknown account: %v %v", res.Status, err)
		}
	})
}
