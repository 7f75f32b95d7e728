package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/web/webtest"
)

// The catalogue's part of the authorisation matrix: the test catalogue
// under the world's region government, with a responsible person's photo,
// so that every catalogue route has something to show. Its services'
// codes are catalogtest's (Allowance, Meters, Stall), for other files'
// targets (/services/{code}/apply, /services/{code}/instant).
func init() {
	matrixWorlds = append(matrixWorlds, func(t *testing.T, live *webtest.Live, w *world) {
		ctx := context.Background()
		f, err := catalogtest.Load(ctx, live.App.Services, live.App.Orgs, catalogtest.Options{Region: &w.root})
		mustOK(t, err)
		mustOK(t, live.App.Services.SetOwnerPhoto(ctx, okno.System, catalogtest.Allowance, testPNG(t)))
		w.extra["catalog.committee"] = f.Committee.ID
	})
	service := func(world) string { return "/services/" + catalogtest.Allowance }
	matrixTargets["/services/{code}"] = service
	matrixTargets["/services/{code}/owner-photo"] = func(w world) string { return service(w) + "/owner-photo" }
	matrixTargets["/situations/{code}"] = func(world) string { return "/situations/child-birth" }
	matrixTargets["/agencies/{id}"] = func(w world) string { return "/agencies/" + strconv.FormatInt(w.extra["catalog.committee"], 10) }
	matrixTargets["/api/v1/services/{code}"] = func(world) string { return "/api/v1/services/" + catalogtest.Allowance }
}
