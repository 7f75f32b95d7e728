package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// The apply pages in the authorisation matrix: a service anyone may
// apply for (simplified level), and a draft of citizen-simplified with a
// document attached. Every other citizen is told the draft is not found.

func init() {
	matrixWorlds = append(matrixWorlds, func(t *testing.T, live *webtest.Live, w *world) {
		putApplyServices(t, live, identity.AssuranceSimplified)
		ctx := context.Background()
		owner := w.actor(t, "citizen-simplified").actor
		d, err := live.App.Applications.Start(ctx, owner, applyCode)
		mustOK(t, err)
		f, err := live.App.Applications.Attach(ctx, owner, d.ID, "/scan", "скан.png", testPNG(t))
		mustOK(t, err)
		w.extra["apply.draft"], w.extra["apply.file"] = d.ID, f.ID
	})
	draft := func(w world) string { return "/applications/" + strconv.FormatInt(w.extra["apply.draft"], 10) }
	file := func(w world) string { return draft(w) + "/files/" + strconv.FormatInt(w.extra["apply.file"], 10) }
	for pattern, path := range map[string]func(world) string{
		"/services/{code}/apply":                 func(world) string { return "/services/" + applyCode + "/apply" },
		"/applications/{id}":                     draft,
		"/applications/{id}/pages/{page}":        func(w world) string { return draft(w) + "/pages/about" },
		"/applications/{id}/files":               func(w world) string { return draft(w) + "/files" },
		"/applications/{id}/files/{file}":        file,
		"/applications/{id}/files/{file}/delete": func(w world) string { return file(w) + "/delete" },
		"/applications/{id}/check":               func(w world) string { return draft(w) + "/check" },
		"/applications/{id}/submit":              func(w world) string { return draft(w) + "/submit" },
		"/applications/{id}/sent":                func(w world) string { return draft(w) + "/sent" },
		"/applications/{id}/delete":              func(w world) string { return draft(w) + "/delete" },
	} {
		matrixTargets[pattern] = path
	}

	// Another citizen's draft is not found; the owner gets what the page
	// makes of an empty request (0: anything short of a 5xx).
	notTheirs := map[string]int{"citizen-standard": 404, "citizen-confirmed": 404, "another-citizen": 404, "citizen-simplified": 0}
	for _, rt := range []string{
		"GET /applications/{id}", "GET /applications/{id}/pages/{page}", "POST /applications/{id}/pages/{page}",
		"POST /applications/{id}/files", "GET /applications/{id}/files/{file}", "POST /applications/{id}/files/{file}/delete",
		"GET /applications/{id}/check", "POST /applications/{id}/submit", "GET /applications/{id}/sent", "POST /applications/{id}/delete",
	} {
		handlerDecides[rt] = notTheirs
	}
	handlerDecides["GET /applications/{id}/files/{file}"] = map[string]int{"citizen-standard": 404, "citizen-confirmed": 404, "another-citizen": 404, "citizen-simplified": 200}
	handlerDecides["POST /applications/{id}/submit"] = map[string]int{"citizen-standard": 404, "citizen-confirmed": 404, "another-citizen": 404, "citizen-simplified": 422}

	// Starting is open to all (the handler decides): visitors are sent to
	// sign in and back to the card, staff are refused, citizens start.
	start := map[string]int{"anonymous": 303, "apikey": 303, "citizen-simplified": 303, "citizen-standard": 303, "citizen-confirmed": 303, "another-citizen": 303}
	for _, r := range append([]okno.Role{""}, okno.Roles...) {
		name := "staff-" + string(r)
		if r == "" {
			name = "staff-no-role"
		}
		start[name] = 403
	}
	start["admin-other-org"], start["admin-region"] = 403, 403
	handlerDecides["POST /services/{code}/apply"] = start
}
