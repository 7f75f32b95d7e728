package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/okno/okno/web/webtest"
)

// The instant pages in the authorisation matrix: the fines service (any
// citizen may use it) and a result of citizen-simplified's, which every
// other citizen is told is not found.

func init() {
	matrixWorlds = append(matrixWorlds, func(t *testing.T, live *webtest.Live, w *world) {
		putInstantServices(t, live)
		res, err := live.App.Instant.Run(context.Background(), w.actor(t, "citizen-simplified").actor, instantFines,
			map[string]any{"vehicle": map[string]any{"stsSeries": "78 УВ", "stsNumber": "123456"}})
		mustOK(t, err)
		w.extra["instant.request"] = res.ID
	})
	form := func(world) string { return "/services/" + instantFines + "/instant" }
	matrixTargets["/services/{code}/instant"] = form
	matrixTargets["/cabinet/instant/{id}"] = func(w world) string {
		return "/cabinet/instant/" + strconv.FormatInt(w.extra["instant.request"], 10)
	}
	handlerDecides["GET /cabinet/instant/{id}"] = map[string]int{"citizen-simplified": 200,
		"citizen-standard": 404, "citizen-confirmed": 404, "another-citizen": 404}
	// Sending the form empty is a form with a problem, for every citizen.
	handlerDecides["POST /services/{code}/instant"] = map[string]int{"citizen-simplified": 422,
		"citizen-standard": 422, "citizen-confirmed": 422, "another-citizen": 422}
	handlerDecides["GET /services/{code}/instant"] = map[string]int{"citizen-simplified": 200,
		"citizen-standard": 200, "citizen-confirmed": 200, "another-citizen": 200}
}
