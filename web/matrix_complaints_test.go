package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/okno/okno/complaint"
	"github.com/okno/okno/rating"
	"github.com/okno/okno/web/webtest"
)

// The matrix's complaints and ratings: citizen-simplified has filed a
// complaint about the world's case ("complaint") and rated a refused
// application of theirs ("rated"). Their pages are citizen-simplified's
// alone; other citizens are told they do not exist (404), and an empty
// form comes back to its author with field errors (422).
func init() {
	matrixWorlds = append(matrixWorlds, func(t *testing.T, live *webtest.Live, w *world) {
		ctx := context.Background()
		me := w.actor(t, "citizen-simplified").actor
		filed, err := live.App.Complaints.File(ctx, me, complaint.Filing{CaseID: w.caseID, Grounds: []string{"deadline"},
			Text: "Срок ответа на сообщение прошёл.", IdempotencyKey: "matrix"})
		mustOK(t, err)
		w.extra["complaint"] = filed.CaseID
		c := closedApplication(t, live, *w, me)
		_, err = live.App.Ratings.Rate(ctx, me, rating.Input{CaseID: c.ID, Scores: rating.Scores{rating.Time: 5,
			rating.Courtesy: 5, rating.Comfort: 5, rating.Information: 5, rating.Convenience: 5}})
		mustOK(t, err)
		w.extra["rated"] = c.ID
	})
	worldCase := func(w world) string { return "/cabinet/cases/" + strconv.FormatInt(w.caseID, 10) }
	rated := func(w world) string { return "/cabinet/cases/" + strconv.FormatInt(w.extra["rated"], 10) }
	matrixTargets["/cabinet/cases/{id}/complaint"] = func(w world) string { return worldCase(w) + "/complaint" }
	matrixTargets["/cabinet/complaints/{id}"] = func(w world) string {
		return "/cabinet/complaints/" + strconv.FormatInt(w.extra["complaint"], 10)
	}
	matrixTargets["/cabinet/cases/{id}/rating"] = func(w world) string { return rated(w) + "/rating" }
	matrixTargets["/cabinet/cases/{id}/rating/done"] = func(w world) string { return rated(w) + "/rating/done" }

	mine := func(want int) map[string]int {
		return map[string]int{"citizen-simplified": want, "citizen-standard": 404, "citizen-confirmed": 404, "another-citizen": 404}
	}
	handlerDecides["GET /cabinet/cases/{id}/complaint"] = mine(200)
	handlerDecides["POST /cabinet/cases/{id}/complaint"] = mine(422)
	handlerDecides["GET /cabinet/complaints/{id}"] = mine(200)
	handlerDecides["GET /cabinet/cases/{id}/rating"] = mine(200)
	handlerDecides["POST /cabinet/cases/{id}/rating"] = mine(422)
	handlerDecides["GET /cabinet/cases/{id}/rating/done"] = mine(200)
}
