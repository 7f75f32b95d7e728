package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/app"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// apptClock is the live app's clock in the appointments' tests: Friday 5
// March 2027, noon in Moscow; Monday 8 March is a public holiday.
type apptClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *apptClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

var apptMSK = time.FixedZone("MSK", 3*60*60)

// apptAt is a time of March 2027 in Moscow, as the pages send it.
func apptAt(day, hour, min int) time.Time { return time.Date(2027, 3, day, hour, min, 0, 0, apptMSK) }

func apptSlot(day, hour, min int) string { return strconv.FormatInt(apptAt(day, hour, min).Unix(), 10) }

// startApptLive is webtest.StartLive with the app on clock: bookings are
// about days, and the holiday must be where the test expects it.
func startApptLive(t testing.TB, dsn string, clock *apptClock) *webtest.Live {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), DB: dsn, DevInsecureCookies: true, DemoMailbox: true, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Web.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &webtest.Live{App: a, URL: srv.URL}
}

// apptWorld is the appointments' tests' world: the matrix's cast, and an
// office of organisation A taking apptService, with names that need
// escaping.
type apptWorld struct {
	world
	live   *webtest.Live
	office int64
	base   string // the booking page
}

func newApptWorld(t *testing.T, dsn string) apptWorld {
	t.Helper()
	live := startApptLive(t, dsn, &apptClock{t: apptAt(5, 12, 0)})
	w := apptWorld{world: buildWorld(t, live), live: live}
	w.office = apptPutOffice(t, live, w.a.ID, "Приёмная <i>района</i>", `Справка <script>alert(1)</script>`)
	w.base = "/services/" + apptService + "/appointment"
	return w
}

// book books a slot for a cast member directly, as a rival would.
func (w apptWorld) book(t *testing.T, who string, at time.Time) appointment.Appointment {
	t.Helper()
	a, err := w.live.App.Appointments.Book(context.Background(), w.actor(t, who).actor,
		appointment.BookInput{OfficeID: w.office, Service: apptService, Start: at})
	mustOK(t, err)
	return a
}

// mine is what a cast member has booked, as «start status» lines.
func (w apptWorld) mine(t *testing.T, who string) []string {
	t.Helper()
	p, err := w.live.App.Appointments.Mine(context.Background(), w.actor(t, who).actor, "", 100)
	mustOK(t, err)
	out := []string{}
	for _, a := range p.Items {
		out = append(out, a.Start.In(apptMSK).Format("02 15:04")+" "+string(a.Status))
	}
	return out
}

// TestAppointmentBooking follows a citizen booking a visit: the link on the
// service card, the office, the days (the holiday left out), the times;
// a holiday refused with the message; the time taken by others between
// the page and the post (the alternatives offered, nothing booked); the
// booking tied to a case with the confirmation, what to bring, and a
// double submit booking once; names escaped everywhere.
func TestAppointmentBooking(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		w := newApptWorld(t, dsn)
		office := strconv.FormatInt(w.office, 10)

		anon := w.live.NewVisitor(t)
		anon.Get("/services/" + apptService)
		anon.Expect(200, `href="`+w.base+`"`, "Записаться на приём")
		anon.Get(w.base)
		anon.Expect(200, "Выберите офис", `href="`+w.base+`?office=`+office+`"`, "Приёмная &lt;i&gt;района&lt;/i&gt;")
		anon.Get(w.base + "?office=" + office)
		anon.Expect(200, "Выберите день", "пятница, 05.03.2027", "вторник, 09.03.2027",
			`href="`+w.base+`?office=`+office+`&amp;day=2027-03-09"`)
		if strings.Contains(anon.Last, "08.03.2027") {
			t.Error("the holiday, 8 March, is offered as a day")
		}
		anon.Get(w.base + "?office=" + office + "&day=2027-03-09")
		anon.Expect(200, "Войдите, чтобы записаться", "08:00, 08:15", "19:45")
		for _, bad := range []string{"<i>", "<script>"} {
			if strings.Contains(anon.Last, bad) {
				t.Errorf("the page shows %s unescaped", bad)
			}
		}

		me := w.live.NewVisitor(t).SignedIn(w.actor(t, "citizen-simplified").token)
		me.Get(w.base + "?office=" + office + "&day=2027-03-09")
		me.Expect(200, `type="radio"`, `value="`+apptSlot(9, 10, 0)+`"`, "Яма во дворе", `name="case"`)
		key := complaintKeyRE.FindStringSubmatch(me.Last)
		if key == nil {
			t.Fatal("the booking form has no idempotency key")
		}
		post := func(start string, more ...string) {
			me.Post(w.base, append([]string{"key", key[1], "office", office, "day", "2027-03-09", "start", start}, more...)...)
		}

		post("")
		me.Expect(422, "Есть ошибки", `href="#f-start"`, "Выберите время приёма")
		post(apptSlot(8, 10, 0))
		me.Expect(422, "В праздничный день офис не работает")

		// Two others take both desks at 10:00 between the page and the post.
		w.book(t, "citizen-standard", apptAt(9, 10, 0))
		w.book(t, "citizen-confirmed", apptAt(9, 10, 0))
		post(apptSlot(9, 10, 0))
		me.Expect(409, "Это время уже занято", "Выберите другое время", `value="`+apptSlot(9, 8, 0)+`"`, "вторник, 09.03.2027, 08:00")
		if got := w.mine(t, "citizen-simplified"); len(got) != 0 {
			t.Errorf("after the slot was taken citizen-simplified holds %v, want nothing", got)
		}

		caseID := strconv.FormatInt(w.caseID, 10)
		post(apptSlot(9, 10, 15), "case", caseID)
		me.Expect(200, "Вы записаны", "вторник, 09.03.2027, 10:15", "Санкт-Петербург, Невский пр., 176",
			"Возьмите оригиналы документов", "Справка &lt;script&gt;", `href="/cabinet/cases/`+caseID+`"`)
		confirmation := me.URL
		post(apptSlot(9, 10, 15), "case", caseID) // the back button and a second click
		me.Expect(200, "Вы записаны")
		if me.URL != confirmation {
			t.Errorf("a double submit landed on %s, want %s", me.URL, confirmation)
		}
		if diff := cmp.Diff([]string{"09 10:15 booked"}, w.mine(t, "citizen-simplified")); diff != "" {
			t.Errorf("citizen-simplified's bookings (-want +got):\n%s", diff)
		}
		me.Get("/cabinet/appointments")
		me.Expect(200, "Записи на приём", "вторник, 09.03.2027, 10:15", "Ждём вас")

		anon.Get(w.base + "?office=" + office + "&day=2027-03-09&lang=en")
		anon.Expect(200, "Book a visit", "Tuesday, 9 March 2027", "Sign in to book")

		// Booking a case not one's own is refused as if it did not exist.
		other := w.live.NewVisitor(t).SignedIn(w.actor(t, "another-citizen").token)
		other.Get(w.base + "?office=" + office + "&day=2027-03-10")
		k := complaintKeyRE.FindStringSubmatch(other.Last)
		other.Post(w.base, "key", k[1], "office", office, "day", "2027-03-10", "start", apptSlot(10, 9, 0), "case", caseID)
		if other.Status < 400 || other.Status >= 500 {
			t.Errorf("booking for another's case: status %d, want a refusal", other.Status)
		}
		if got := w.mine(t, "another-citizen"); len(got) != 0 {
			t.Errorf("another-citizen holds %v after naming another's case", got)
		}
	})
}

// TestAppointmentMoveCancel moves a booking (refused and kept when the new
// time is taken meanwhile), cancels it through the confirmation step,
// and keeps another citizen out (404).
func TestAppointmentMoveCancel(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		w := newApptWorld(t, dsn)
		a := w.book(t, "citizen-simplified", apptAt(9, 10, 0))
		page := "/cabinet/appointments/" + strconv.FormatInt(a.ID, 10)

		stranger := w.live.NewVisitor(t).SignedIn(w.actor(t, "another-citizen").token)
		for _, p := range []string{page, page + "/move", page + "/cancel"} {
			stranger.Get(p)
			stranger.Expect(404)
		}
		stranger.Get("/cabinet/appointments")
		stranger.Post(page + "/cancel")
		stranger.Expect(404)
		stranger.Post(page+"/move", "start", apptSlot(10, 11, 0))
		stranger.Expect(404)

		me := w.live.NewVisitor(t).SignedIn(w.actor(t, "citizen-simplified").token)
		me.Get(page)
		me.Expect(200, "вторник, 09.03.2027, 10:00", `href="`+page+`/move"`, `href="`+page+`/cancel"`)
		me.Get(page + "/move")
		me.Expect(200, "Перенести запись", "Сейчас вы записаны на вторник, 09.03.2027, 10:00", "среда, 10.03.2027")
		me.Get(page + "/move?day=2027-03-10")
		me.Expect(200, `value="`+apptSlot(10, 11, 0)+`"`)

		w.book(t, "citizen-standard", apptAt(10, 12, 0))
		w.book(t, "citizen-confirmed", apptAt(10, 12, 0))
		me.Post(page+"/move", "day", "2027-03-10", "start", apptSlot(10, 12, 0))
		me.Expect(409, "Это время уже занято", `value="`+apptSlot(10, 8, 0)+`"`)
		if diff := cmp.Diff([]string{"09 10:00 booked"}, w.mine(t, "citizen-simplified")); diff != "" {
			t.Errorf("after a refused move (-want +got):\n%s", diff)
		}
		me.Post(page+"/move", "day", "2027-03-10", "start", apptSlot(10, 11, 0))
		me.Expect(200, "Вы записаны", "среда, 10.03.2027, 11:00")
		if diff := cmp.Diff([]string{"10 11:00 booked"}, w.mine(t, "citizen-simplified")); diff != "" {
			t.Errorf("after the move (-want +got):\n%s", diff)
		}

		me.Get(page + "/cancel")
		me.Expect(200, "Отменить запись?", "среда, 10.03.2027, 11:00", "Нет, оставить запись")
		if diff := cmp.Diff([]string{"10 11:00 booked"}, w.mine(t, "citizen-simplified")); diff != "" {
			t.Errorf("the confirmation step changed the booking (-want +got):\n%s", diff)
		}
		me.Post(page + "/cancel")
		me.Expect(200, "Отменена")
		if diff := cmp.Diff([]string{"10 11:00 cancelled"}, w.mine(t, "citizen-simplified")); diff != "" {
			t.Errorf("after cancelling (-want +got):\n%s", diff)
		}
		me.Get(page + "/cancel")
		me.Expect(409)
		// The time is free again for others.
		w.book(t, "another-citizen", apptAt(10, 11, 0))
	})
}

// TestAppointmentQueue shows the operator the day's queue in order with
// names and case links; another organisation's administrator is refused.
// The API gives the same queue to the office's staff and refuses keys;
// slots are public.
func TestAppointmentQueue(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		w := newApptWorld(t, dsn)
		ctx := context.Background()
		late := w.book(t, "citizen-standard", apptAt(9, 11, 0))
		_, err := w.live.App.Appointments.Book(ctx, w.actor(t, "citizen-simplified").actor,
			appointment.BookInput{OfficeID: w.office, Service: apptService, Start: apptAt(9, 9, 30), CaseID: w.caseID})
		mustOK(t, err)
		office := strconv.FormatInt(w.office, 10)

		op := w.live.NewVisitor(t).SignedIn(w.actor(t, "staff-operator").token)
		op.Get("/staff/offices")
		op.Expect(200, "Приёмная &lt;i&gt;района&lt;/i&gt;", `href="/staff/offices/`+office+`/queue"`)
		op.Get("/staff/offices/" + office + "/queue?day=2027-03-09")
		op.Expect(200, "вторник, 09.03.2027", "09:30", "11:00", "Житель", `href="/staff/cases/`+strconv.FormatInt(w.caseID, 10)+`"`)
		if i, j := strings.Index(op.Last, "09:30"), strings.Index(op.Last, "11:00"); i > j {
			t.Error("the queue is not in time order")
		}
		op.Get("/staff/offices/" + office + "/queue?day=2027-03-10")
		op.Expect(200, "На этот день записей нет")
		op.Get("/staff/offices/" + office + "/queue?day=вчера")
		op.Expect(422)

		b := w.live.NewVisitor(t).SignedIn(w.actor(t, "admin-other-org").token)
		b.Get("/staff/offices/" + office + "/queue?day=2027-03-09")
		b.Expect(403)

		op.Get("/api/v1/offices/" + office + "/queue?day=2027-03-09")
		op.Expect(200, `"start":"2027-03-09T06:30:00Z"`, `"id":`+strconv.FormatInt(late.ID, 10))
		key := w.live.NewVisitor(t).Bearer(w.actor(t, "apikey").key)
		key.Get("/api/v1/offices/" + office + "/queue?day=2027-03-09")
		key.Expect(403)
		anon := w.live.NewVisitor(t)
		anon.Get("/api/v1/offices/" + office + "/slots?service=" + apptService + "&from=2027-03-09T10:00:00%2B03:00&to=2027-03-09T11:30:00%2B03:00")
		anon.Expect(200, `"start":"2027-03-09T07:00:00Z"`, `"free":1`, `"free":2`)
		anon.Get("/api/v1/offices/" + office + "/slots?service=" + apptService + "&from=завтра")
		anon.Expect(422, `"field":"from"`)
		anon.Get("/api/v1/offices/" + office + "/slots?service=" + apptService + "&from=2027-03-01T00:00:00Z&to=2027-05-01T00:00:00Z")
		anon.Expect(422, `"field":"to"`)
	})
}

// TestAppointmentSchedule edits an office's schedule: what cannot be read
// and what the schedule refuses are shown against their fields in
// Russian with the answers kept; a saved exceptional day closes the
// office for bookings.
func TestAppointmentSchedule(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		w := newApptWorld(t, dsn)
		office := strconv.FormatInt(w.office, 10)
		page := "/admin/offices/" + office + "/schedule"
		admin := w.live.NewVisitor(t).SignedIn(w.actor(t, "staff-admin").token)
		admin.Get(page)
		admin.Expect(200, "Расписание приёма", apptService+" 15", `name="desks"`)

		admin.Post(page, "desks", "два", "cell_minutes", "15", "horizon_days", "30", "services", apptService+" 15 1,x", "exceptions", "потом закрыто")
		admin.Expect(422, "Есть ошибки", `href="#f-desks"`, "Введите целое число", `href="#f-services"`, `href="#f-exceptions"`,
			"Не понятна строка «потом закрыто»", `value="два"`, ">потом закрыто</textarea>")
		admin.Post(page, "desks", "2", "cell_minutes", "15", "horizon_days", "30", "services", apptService+" 20", "breaks", "14:00-13:00")
		admin.Expect(422, `href="#f-services"`, `href="#f-breaks"`)
		admin.Post(page, "desks", "2", "cell_minutes", "15", "horizon_days", "30", "services", "no-such-service 15")
		admin.Expect(422, `href="#f-services"`)
		admin.Post(page, "desks", "2", "cell_minutes", "15", "horizon_days", "30", "services", apptService+" 30 2", "breaks", "13:00-14:00",
			"exceptions", "2027-03-10 Санитарный день\n2027-03-11 09:00-12:00 Короткий день")
		admin.Expect(200, "Расписание сохранено", apptService+" 30 2", "2027-03-10 Санитарный день", "2027-03-11 09:00-12:00 Короткий день")

		anon := w.live.NewVisitor(t)
		anon.Get(w.base + "?office=" + office)
		anon.Expect(200, "вторник, 09.03.2027", "четверг, 11.03.2027")
		if strings.Contains(anon.Last, "10.03.2027") {
			t.Error("the sanitary day is offered for booking")
		}
		anon.Get(w.base + "?office=" + office + "&day=2027-03-11")
		anon.Expect(200, "09:00, 09:30", "11:30")
		if strings.Contains(anon.Last, "12:00") {
			t.Error("the short day offers 12:00")
		}
		b := w.live.NewVisitor(t).SignedIn(w.actor(t, "admin-other-org").token)
		b.Get(page)
		b.Expect(403)
		b.Post(page, "desks", "1")
		b.Expect(403)
		sc, err := w.live.App.Appointments.Schedule(context.Background(), w.office)
		mustOK(t, err)
		if sc.Desks != 2 || len(sc.Exceptions) != 2 {
			t.Errorf("after B's post the schedule has %d desks and %d exceptions, want 2 and 2", sc.Desks, len(sc.Exceptions))
		}
	})
}

// TestAppointmentAPIBook books through the API as the portal's scripts do
// for a signed-in citizen: a repeated Idempotency-Key books once, a slot
// taken is a 409 problem with alternatives, and a key is refused.
func TestAppointmentAPIBook(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		w := newApptWorld(t, dsn)
		me := w.actor(t, "citizen-simplified")
		v := w.live.NewVisitor(t).SignedIn(me.token)
		v.Get("/cabinet/appointments")
		csrf := csrfTokenRE.FindStringSubmatch(v.Last)
		if csrf == nil {
			t.Fatal("no CSRF token on the page")
		}
		book := func(ra realActor, idem, start string) (int, string) {
			t.Helper()
			body := `{"office_id":` + strconv.FormatInt(w.office, 10) + `,"service":"` + apptService + `","start":"` + start + `"}`
			req, err := http.NewRequest("POST", w.live.URL+"/api/v1/appointments", strings.NewReader(body))
			mustOK(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", idem)
			if ra.token != "" {
				req.AddCookie(&http.Cookie{Name: "okno_session", Value: ra.token})
				req.Header.Set(web.CSRFHeader, csrf[1])
			}
			if ra.key != "" {
				req.Header.Set("Authorization", "Bearer "+ra.key)
			}
			res, err := http.DefaultClient.Do(req)
			mustOK(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			mustOK(t, err)
			return res.StatusCode, string(b)
		}
		status, first := book(me, "api-1", "2027-03-09T10:00:00+03:00")
		if status != 201 || !strings.Contains(first, `"start":"2027-03-09T07:00:00Z"`) {
			t.Fatalf("booking: %d %s, want 201 with the start", status, first)
		}
		if status, again := book(me, "api-1", "2027-03-09T10:00:00+03:00"); status != 201 || again != first {
			t.Errorf("the repeated key: %d %s, want 201 %s", status, again, first)
		}
		if got := w.mine(t, "citizen-simplified"); len(got) != 1 {
			t.Errorf("citizen-simplified holds %v after a repeated key, want one booking", got)
		}
		w.book(t, "citizen-standard", apptAt(9, 11, 0))
		w.book(t, "citizen-confirmed", apptAt(9, 11, 0))
		other := w.actor(t, "another-citizen")
		v = w.live.NewVisitor(t).SignedIn(other.token)
		v.Get("/cabinet/appointments")
		csrf = csrfTokenRE.FindStringSubmatch(v.Last)
		status, body := book(other, "api-2", "2027-03-09T11:00:00+03:00")
		if status != 409 || !strings.Contains(body, `"alternatives":[{"start":`) || !strings.Contains(body, "Это время уже занято") {
			t.Errorf("a taken slot: %d %s, want 409 with alternatives", status, body)
		}
		if got := w.mine(t, "another-citizen"); len(got) != 0 {
			t.Errorf("another-citizen holds %v after a taken slot", got)
		}
		if status, body := book(w.actor(t, "apikey"), "api-3", "2027-03-09T12:00:00+03:00"); status != 403 {
			t.Errorf("a key booking: %d %s, want 403", status, body)
		}
	})
}
