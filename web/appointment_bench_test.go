package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/org"
)

// BenchmarkAppointmentPages measures the public booking pages on a real
// app (SQLite, one office open 08:00–20:00 with two desks and a 15-minute
// service): the days (31 days of free slots computed and grouped) and one
// day's times.
func BenchmarkAppointmentPages(b *testing.B) {
	live := startApptLive(b, "", &apptClock{t: apptAt(5, 12, 0)})
	o, err := live.App.Orgs.CreateOrganisation(b.Context(), org.Organisation{Kind: org.KindDistrictAdministration,
		Name: "Администрация района", Hours: org.OfficeHours()}, okno.System)
	if err != nil {
		b.Fatal(err)
	}
	office := strconv.FormatInt(apptPutOffice(b, live, o.ID, "Приёмная", "Паспорт"), 10)
	base := live.URL + "/services/" + apptService + "/appointment?office=" + office
	for _, bc := range []struct{ name, url string }{{"days", base}, {"times", base + "&day=2027-03-09"}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				res, err := http.Get(bc.url)
				if err != nil {
					b.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("%s: status %d", bc.url, res.StatusCode)
				}
			}
		})
	}
}
