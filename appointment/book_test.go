package appointment_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestBook(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 2, appointment.Limits{})
		before := w.rows()
		in := appointment.BookInput{OfficeID: w.office, Service: catalogtest.Allowance, Start: at(24, 9, 15), CaseID: 77, IdempotencyKey: "k1"}
		a, err := w.s.Book(ctx, w.citizen(0), in)
		if err != nil {
			t.Fatal(err)
		}
		want := appointment.Appointment{ID: a.ID, OfficeID: w.office, ServiceID: a.ServiceID, UserID: w.citizens[0], CaseID: 77, Desk: 1,
			Start: at(24, 9, 15).UTC(), End: at(24, 9, 30).UTC(), Status: appointment.StatusBooked, Version: 1,
			CreatedAt: start.UTC(), UpdatedAt: start.UTC()}
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("booking (-want +got):\n%s", diff)
		}
		if got, err := w.s.Get(ctx, w.citizen(0), a.ID); err != nil || !cmp.Equal(got, a) {
			t.Errorf("Get = %+v, %v; want %+v", got, err, a)
		}
		// One booking, one cell, one audit entry, one reminder.
		if got, want := w.rows(), [4]int{before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1}; got != want {
			t.Errorf("rows = %v, want %v", got, want)
		}
		var runAt time.Time
		if err := db.QueryRowContext(ctx, `SELECT run_at FROM outbox WHERE topic = ?`, appointment.RemindTopic).Scan(&runAt); err != nil {
			t.Fatal(err)
		}
		// The day before the visit is the holiday of the 23rd: reminders
		// go out on any day, at 10:00.
		if want := time.Date(2026, 2, 23, 10, 0, 0, 0, msk); !runAt.Equal(want) {
			t.Errorf("reminder due %v, want %v", runAt, want)
		}

		// The same key again: the same booking, nothing written.
		again, err := w.s.Book(ctx, w.citizen(0), in)
		if err != nil || again.ID != a.ID {
			t.Errorf("repeat = %+v, %v; want booking %d", again, err, a.ID)
		}
		if got, want := w.rows(), [4]int{before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1}; got != want {
			t.Errorf("rows after the repeat = %v, want %v", got, want)
		}

		// The other citizen gets the other desk at the same time.
		b := w.book(1, catalogtest.Allowance, at(24, 9, 15))
		if b.Desk != 2 {
			t.Errorf("second booking at desk %d, want 2", b.Desk)
		}
		mine, err := w.s.Mine(ctx, w.citizen(1), "", 0)
		if err != nil || len(mine.Items) != 1 || mine.Items[0].ID != b.ID {
			t.Errorf("Mine = %+v, %v; want booking %d only", mine, err, b.ID)
		}

		// A repeat after the visit still answers with the booking.
		w.clock.Set(at(24, 10, 0))
		if again, err := w.s.Book(ctx, w.citizen(0), in); err != nil || again.ID != a.ID {
			t.Errorf("repeat after the visit = %+v, %v; want booking %d", again, err, a.ID)
		}
	})
}

func TestAvailable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 2, appointment.Limits{})
		// The meter readings hold desk 2 from 9:00 to 9:30, so the
		// allowance has one desk free at 9:00 and 9:15.
		w.book(0, catalogtest.Meters, at(24, 9, 0))
		slots, err := w.s.Available(ctx, w.office, catalogtest.Allowance, at(21, 0, 0), at(25, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		// Only Tuesday 24th: the weekend and the holiday are closed.
		// 9:00–13:00 is 16 slots, 13:48–18:00 another 16 (13:48…17:33).
		if len(slots) != 32 {
			t.Fatalf("%d slots, want 32: %v", len(slots), slots)
		}
		want := []appointment.Slot{
			{Start: at(24, 9, 0), End: at(24, 9, 15), Free: 1},
			{Start: at(24, 9, 15), End: at(24, 9, 30), Free: 1},
			{Start: at(24, 9, 30), End: at(24, 9, 45), Free: 2},
		}
		if diff := cmp.Diff(want, slots[:3], cmpTime); diff != "" {
			t.Errorf("first slots (-want +got):\n%s", diff)
		}
		if got, want := slots[16].Start, at(24, 13, 48); !got.Equal(want) {
			t.Errorf("first afternoon slot %v, want %v", got, want)
		}
		if got, want := slots[31].Start, at(24, 17, 33); !got.Equal(want) {
			t.Errorf("last slot %v, want %v", got, want)
		}
		// Thursday 26th is the sanitary day; Friday closes at 17:00.
		slots, err = w.s.Available(ctx, w.office, catalogtest.Meters, at(26, 0, 0), at(28, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(slots) != 8+6 || !slots[0].Start.Equal(at(27, 9, 0)) || !slots[13].Start.Equal(at(27, 16, 18)) {
			t.Errorf("meter slots on the 26th–27th: %v", slots)
		}
		for _, bad := range []struct{ from, to time.Time }{{at(25, 0, 0), at(24, 0, 0)}, {at(1, 0, 0), at(1, 0, 0).AddDate(0, 0, 32)}, {}} {
			if _, err := w.s.Available(ctx, w.office, catalogtest.Allowance, bad.from, bad.to); !okno.IsCode(err, okno.EINVALID) {
				t.Errorf("Available(%v, %v) = %v, want invalid", bad.from, bad.to, err)
			}
		}
	})
}

var cmpTime = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

// TestBookRefused is the bad input: each refusal names its field with a
// Russian message and changes nothing.
func TestBookRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 3, appointment.Limits{})
		w.book(1, catalogtest.Allowance, at(24, 10, 0))
		in := func(edit func(*appointment.BookInput)) appointment.BookInput {
			b := appointment.BookInput{OfficeID: w.office, Service: catalogtest.Allowance, Start: at(24, 11, 0)}
			edit(&b)
			return b
		}
		staff := okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: w.f.Committee.ID, Roles: []okno.Role{okno.RoleOperator}}
		for _, tc := range []struct {
			name       string
			actor      okno.Actor
			in         appointment.BookInput
			code       okno.ErrorCode
			field, key string
		}{
			{"in the past", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(20, 11, 0) }), okno.EINVALID, "start", "appointment.start_past"},
			{"before opening", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(24, 8, 0) }), okno.EINVALID, "start", "appointment.start_outside_hours"},
			{"at lunch", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(24, 13, 15) }), okno.EINVALID, "start", "appointment.start_outside_hours"},
			{"a slot running past closing", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(24, 17, 48) }), okno.EINVALID, "start", "appointment.start_not_aligned"},
			{"on a holiday", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(23, 11, 0) }), okno.EINVALID, "start", "appointment.start_holiday"},
			{"on a Saturday", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(21, 11, 0) }), okno.EINVALID, "start", "appointment.start_day_off"},
			{"on the sanitary day", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(26, 11, 0) }), okno.EINVALID, "start", "appointment.start_day_off"},
			{"not on the grid", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(24, 11, 5) }), okno.EINVALID, "start", "appointment.start_not_aligned"},
			{"seconds off the grid", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = at(24, 11, 0).Add(time.Second) }), okno.EINVALID, "start", "appointment.start_not_aligned"},
			{"beyond the horizon", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = time.Date(2026, 3, 24, 11, 0, 0, 0, msk) }), okno.EINVALID, "start", "appointment.start_beyond_horizon"},
			{"no time", w.citizen(0), in(func(b *appointment.BookInput) { b.Start = time.Time{} }), okno.EINVALID, "start", "appointment.start_required"},
			{"an office taking no bookings", w.citizen(0), in(func(b *appointment.BookInput) { b.OfficeID = w.bare }), okno.ENOTFOUND, "office_id", "appointment.schedule_missing"},
			{"unknown office", w.citizen(0), in(func(b *appointment.BookInput) { b.OfficeID = 999999 }), okno.ENOTFOUND, "office_id", "appointment.office_unknown"},
			{"unknown service", w.citizen(0), in(func(b *appointment.BookInput) { b.Service = "no-such-service" }), okno.ENOTFOUND, "service", "appointment.service_unknown"},
			{"a service the office does not receive for", w.citizen(0), in(func(b *appointment.BookInput) { b.Service = catalogtest.Stall }), okno.EINVALID, "service", "appointment.service_not_here"},
			{"someone else's case", w.citizen(1), in(func(b *appointment.BookInput) { b.CaseID = 77; b.Start = at(25, 11, 0) }), okno.EINVALID, "case_id", "appointment.case_unknown"},
			{"a long key", w.citizen(0), in(func(b *appointment.BookInput) { b.IdempotencyKey = strings.Repeat("k", 101) }), okno.EINVALID, "idempotency_key", "appointment.key_too_long"},
			{"a second booking of the same service", w.citizen(1), in(func(b *appointment.BookInput) { b.Start = at(25, 11, 0) }), okno.ECONFLICT, "service", "appointment.limit_per_service"},
			{"two visits at once", w.citizen(1), in(func(b *appointment.BookInput) { b.Service = catalogtest.Meters; b.Start = at(24, 10, 0) }), okno.ECONFLICT, "start", "appointment.overlap"},
			{"anonymous", okno.Actor{}, in(func(*appointment.BookInput) {}), okno.EUNAUTHORIZED, "", "appointment.sign_in"},
			{"staff", staff, in(func(*appointment.BookInput) {}), okno.EFORBIDDEN, "", "appointment.forbidden"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := w.rows()
				_, err := w.s.Book(ctx, tc.actor, tc.in)
				e := okno.AsError(err)
				if e.Code != tc.code || e.Key != tc.key {
					t.Fatalf("Book = %v, want %s %s", err, tc.code, tc.key)
				}
				if tc.field != "" && (len(e.Fields) != 1 || e.Fields[0].Field != tc.field) {
					t.Errorf("fields = %+v, want %s", e.Fields, tc.field)
				}
				if got := w.rows(); got != before {
					t.Errorf("rows = %v, want %v as before", got, before)
				}
			})
		}
	})
}

func TestMoveCancel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 3, appointment.Limits{})
		a := w.book(0, catalogtest.Meters, at(24, 9, 0))
		w.book(1, catalogtest.Meters, at(24, 10, 0))

		// Moving onto a taken slot keeps the booking and offers others.
		_, err := w.s.Move(ctx, w.citizen(0), a.ID, at(24, 10, 0))
		var taken *appointment.TakenError
		if !errors.As(err, &taken) || !okno.IsCode(err, okno.ECONFLICT) || len(taken.Alternatives) != 3 {
			t.Fatalf("Move onto a taken slot = %v, want taken with 3 alternatives", err)
		}
		for _, alt := range taken.Alternatives {
			if alt.Start.Equal(at(24, 10, 0)) || alt.Start.Equal(at(24, 9, 0)) {
				t.Errorf("alternative %v is taken", alt.Start)
			}
		}
		if got, _ := w.s.Get(ctx, w.citizen(0), a.ID); got.Version != 1 || !got.Start.Equal(a.Start) {
			t.Errorf("after a refused move: %+v", got)
		}

		moved, err := w.s.Move(ctx, w.citizen(0), a.ID, at(25, 14, 18))
		if err != nil {
			t.Fatal(err)
		}
		if moved.Version != 2 || !moved.Start.Equal(at(25, 14, 18)) || !moved.End.Equal(at(25, 14, 48)) {
			t.Errorf("moved = %+v", moved)
		}
		// The old slot is free again, the new one taken.
		w.book(2, catalogtest.Meters, at(24, 9, 0))
		if _, err := w.s.Book(ctx, w.citizen(2), appointment.BookInput{OfficeID: w.office, Service: catalogtest.Allowance, Start: at(25, 14, 18)}); err != nil {
			t.Errorf("desk 1 at 14:18 should be free for the allowance: %v", err)
		}

		// Another citizen and another organisation's staff cannot see it.
		for _, actor := range []okno.Actor{w.citizen(1), w.stranger} {
			if _, err := w.s.Cancel(ctx, actor, a.ID); !okno.IsCode(err, okno.ENOTFOUND) {
				t.Errorf("Cancel by %s = %v, want not_found", actor.Name, err)
			}
		}
		before := w.count("outbox")
		cancelled, err := w.s.Cancel(ctx, w.operator, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cancelled.Status != appointment.StatusCancelled || cancelled.Version != 3 {
			t.Errorf("cancelled = %+v", cancelled)
		}
		// The office cancelled: the citizen is told.
		if got := w.count("outbox"); got != before+1 {
			t.Errorf("outbox grew by %d, want the notice", got-before)
		}
		if _, err := w.s.Cancel(ctx, w.citizen(0), a.ID); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("second cancel = %v, want conflict", err)
		}
		// A cancelled booking frees the limit and the slot.
		w.book(0, catalogtest.Meters, at(25, 14, 48))

		// The visit has begun: too late to move or cancel.
		b := w.book(1, catalogtest.Allowance, at(24, 11, 0))
		w.clock.Set(at(24, 11, 0))
		if _, err := w.s.Cancel(ctx, w.citizen(1), b.ID); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("cancel at the visit's time = %v, want conflict", err)
		}
	})
}

func TestQueue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 4, appointment.Limits{})
		var want []int64
		for i, tm := range []time.Time{at(24, 9, 0), at(24, 9, 0), at(24, 9, 45), at(24, 16, 3)} {
			want = append(want, w.book(i, catalogtest.Allowance, tm).ID)
		}
		w.book(0, catalogtest.Meters, at(25, 9, 0)) // another day
		day := calendarDate(24)
		var got []int64
		after := ""
		for {
			p, err := w.s.Queue(ctx, w.operator, w.office, day, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range p.Items {
				got = append(got, a.ID)
			}
			if after = p.Next; after == "" {
				break
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("queue (-want +got):\n%s", diff)
		}
		for _, actor := range []okno.Actor{w.stranger, w.citizen(0), {}} {
			if _, err := w.s.Queue(ctx, actor, w.office, day, "", 0); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("Queue by %q = %v, want forbidden", actor.Name, err)
			}
		}
		if _, err := w.s.Queue(ctx, w.operator, w.office, day, "nonsense", 0); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("Queue with a bad cursor = %v, want invalid", err)
		}
	})
}

func TestReminder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 2, appointment.Limits{})
		a := w.book(0, catalogtest.Allowance, at(25, 9, 0))
		b := w.book(1, catalogtest.Allowance, at(25, 9, 0))
		if _, err := w.s.Move(ctx, w.citizen(1), b.ID, at(27, 9, 0)); err != nil {
			t.Fatal(err)
		}
		// A booking made after 10:00 the day before gets no reminder.
		w.clock.Set(at(23, 11, 0))
		late := w.book(1, catalogtest.Meters, at(24, 9, 0))
		w.clock.Set(at(24, 10, 0))
		if _, err := w.q.ProcessDue(ctx); err != nil {
			t.Fatal(err)
		}
		keys := noticeKeys(t, db)
		if diff := cmp.Diff([]string{keyOf(a.ID, 1, "remind")}, keys); diff != "" {
			t.Errorf("notices on the 24th (-want +got):\n%s", diff)
		}
		// The notice carries the visit's values, and the texts use no others.
		var nm struct {
			Vars map[string]string `json:"vars"`
		}
		var payload []byte
		if err := db.QueryRowContext(ctx, `SELECT payload FROM outbox WHERE topic = 'notify.notice'`).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(payload, &nm); err != nil {
			t.Fatal(err)
		}
		tmpl, err := notify.LoadTemplates(appointment.TemplateFiles())
		if err != nil {
			t.Fatal(err)
		}
		nm.Vars["link"] = "https://okno.example" + appointment.Link
		_, sms, err := tmpl.Render("appointment.reminder", "applicant", "sms", "ru", nm.Vars)
		if want := "Окно: приём 25.02.2026 в 09:00, окно 1, Санкт-Петербург, Невский пр., 1. Отменить: https://okno.example/cabinet/appointments"; err != nil || sms != want {
			t.Errorf("SMS = %q, %v; want %q", sms, err, want)
		}
		for _, lang := range []string{"ru", "en"} {
			for _, tpl := range []string{"appointment.reminder", "appointment.cancelled"} {
				if _, _, err := tmpl.Render(tpl, "applicant", "email", lang, nm.Vars); err != nil {
					t.Errorf("%s in %s: %v", tpl, lang, err)
				}
			}
		}

		w.clock.Set(at(26, 10, 0))
		if _, err := w.q.ProcessDue(ctx); err != nil {
			t.Fatal(err)
		}
		// The moved booking's first reminder found its version gone.
		keys = noticeKeys(t, db)
		if diff := cmp.Diff([]string{keyOf(a.ID, 1, "remind"), keyOf(b.ID, 2, "remind")}, keys); diff != "" {
			t.Errorf("notices on the 26th (-want +got):\n%s (late booking %d)", diff, late.ID)
		}
	})
}

func noticeKeys(t *testing.T, db *sqldb.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT key FROM outbox WHERE topic = 'notify.notice' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

func keyOf(id, version int64, what string) string {
	return "appointment:" + itoa(id) + ":v" + itoa(version) + ":" + what
}
