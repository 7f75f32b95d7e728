package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/org"
	"github.com/okno/okno/web/webtest"
)

// The appointments' part of the matrix: an office of organisation A taking
// bookings for the test catalogue's allowance every day, and a booking of
// citizen-simplified there. The booking is citizen-simplified's alone
// (other citizens: 404); the office's queue is for A's receiving staff and
// those who administer A (B's administrator: 403), its schedule for A's
// administrators; through the API, keys and staff cannot book (403) and
// only the receiving staff read the queue.
func init() {
	matrixWorlds = append(matrixWorlds, func(t *testing.T, live *webtest.Live, w *world) {
		office, booking := apptMatrixWorld(t, live, w.a.ID, w.actor(t, "citizen-simplified").actor)
		w.extra["appt.office"], w.extra["appt.booking"] = office, booking
	})
	booking := func(w world) string { return "/cabinet/appointments/" + strconv.FormatInt(w.extra["appt.booking"], 10) }
	office := func(w world) string { return strconv.FormatInt(w.extra["appt.office"], 10) }
	matrixTargets["/services/{code}/appointment"] = func(world) string { return "/services/" + apptService + "/appointment" }
	matrixTargets["/cabinet/appointments/{id}"] = booking
	matrixTargets["/cabinet/appointments/{id}/move"] = func(w world) string { return booking(w) + "/move" }
	matrixTargets["/cabinet/appointments/{id}/cancel"] = func(w world) string { return booking(w) + "/cancel" }
	matrixTargets["/staff/offices/{id}/queue"] = func(w world) string { return "/staff/offices/" + office(w) + "/queue" }
	matrixTargets["/admin/offices/{id}/schedule"] = func(w world) string { return "/admin/offices/" + office(w) + "/schedule" }
	matrixTargets["/api/v1/offices/{id}/slots"] = func(w world) string {
		return "/api/v1/offices/" + office(w) + "/slots?service=" + apptService
	}
	matrixTargets["/api/v1/offices/{id}/queue"] = func(w world) string { return "/api/v1/offices/" + office(w) + "/queue" }

	mine := func(want int) map[string]int {
		return map[string]int{"citizen-simplified": want, "citizen-standard": 404, "citizen-confirmed": 404, "another-citizen": 404}
	}
	handlerDecides["GET /cabinet/appointments/{id}"] = mine(200)
	handlerDecides["GET /cabinet/appointments/{id}/move"] = mine(200)
	handlerDecides["POST /cabinet/appointments/{id}/move"] = mine(422) // no time chosen
	handlerDecides["GET /cabinet/appointments/{id}/cancel"] = mine(200)
	handlerDecides["POST /cabinet/appointments/{id}/cancel"] = mine(303) // cancelled: the booking's page
	handlerDecides["GET /staff/offices/{id}/queue"] = map[string]int{"staff-operator": 200, "staff-admin": 200, "admin-other-org": 403}
	handlerDecides["GET /admin/offices/{id}/schedule"] = map[string]int{"staff-admin": 200, "admin-other-org": 403}
	handlerDecides["POST /admin/offices/{id}/schedule"] = map[string]int{"staff-admin": 422, "admin-other-org": 403}
	handlerDecides["GET /api/v1/offices/{id}/slots"] = everyone(200)
	staffBook := map[string]int{"apikey": 403}
	for _, n := range []string{"staff-operator", "staff-official", "staff-supervisor", "staff-owner", "staff-controller", "staff-admin", "admin-other-org", "admin-region"} {
		staffBook[n] = 403
	}
	handlerDecides["POST /api/v1/appointments"] = staffBook
	handlerDecides["GET /api/v1/offices/{id}/queue"] = map[string]int{"apikey": 403, "staff-no-role": 403, "citizen-simplified": 403,
		"citizen-standard": 403, "citizen-confirmed": 403, "another-citizen": 403, "staff-owner": 403, "staff-controller": 403,
		"admin-other-org": 403, "staff-operator": 200, "staff-official": 200, "staff-supervisor": 200, "staff-admin": 200}
}

// apptService is the code of the in-person service the appointments'
// tests put (the matrix's worlds run in file order, before the test
// catalogue's, so they put their own).
const apptService = "appt-stall-visit"

// apptMatrixWorld puts the office and books its last free slot of the
// coming week for citizen; it returns the office's and the booking's IDs.
func apptMatrixWorld(t *testing.T, live *webtest.Live, orgID int64, citizen okno.Actor) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	office := apptPutOffice(t, live, orgID, "Приёмная района", "Свидетельство о регистрации")
	now := time.Now()
	slots, err := live.App.Appointments.Available(ctx, office, apptService, now, now.Add(7*24*time.Hour))
	mustOK(t, err)
	if len(slots) == 0 {
		t.Fatal("the matrix's office has no free slot in a week")
	}
	a, err := live.App.Appointments.Book(ctx, citizen, appointment.BookInput{OfficeID: office, Service: apptService, Start: slots[len(slots)-1].Start})
	mustOK(t, err)
	return office, a.ID
}

// apptPutOffice puts an office of orgID open every day 08:00–20:00 and
// the in-person service apptService (titled title, asking for the
// original of document) received there every 15 minutes at two desks;
// it returns the office's ID.
func apptPutOffice(t testing.TB, live *webtest.Live, orgID int64, name, document string) int64 {
	t.Helper()
	ctx := context.Background()
	var h org.WorkingHours
	for d := range h.Days {
		h.Days[d] = []org.Interval{{From: "08:00", To: "20:00"}}
	}
	o, err := live.App.Services.PutOffice(ctx, okno.System, catalog.Office{OrgID: orgID, Name: catalog.Text{"ru": name, "en": "District reception"},
		Address: "Санкт-Петербург, Невский пр., 176", Hours: h})
	if err != nil {
		t.Fatal(err)
	}
	sv := catalogtest.Services(orgID, o.ID)[2]
	sv.Code, sv.Category = apptService, ""
	sv.Title = catalog.Text{"ru": "Приём по вопросу «" + document + "»", "en": "Visit"}
	sv.Card.Documents = []catalog.Document{{Title: catalog.Text{"ru": document}, Required: true, Original: true}}
	_, err = live.App.Services.Put(ctx, okno.System, sv)
	if err != nil {
		t.Fatal(err)
	}
	_, err = live.App.Appointments.SetSchedule(ctx, okno.System, appointment.Schedule{OfficeID: o.ID, Desks: 2, CellMinutes: 15, HorizonDays: 30,
		Services: []appointment.ServiceSlot{{Service: apptService, SlotMinutes: 15}}})
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}
