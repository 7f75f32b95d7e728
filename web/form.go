package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/okno/okno"
)

// This file holds what the form pages share: telling errors a person can
// act on from failures, and small request helpers.

// userError reports whether err is something to show on the form it came
// from (a wrong value, a wrong password, a limit reached) rather than a
// failure to render as an error page. Internal errors are never shown.
func userError(err error) bool {
	return err != nil && okno.ErrorCodeOf(err) != okno.EINTERNAL
}

// formStatus is the status of a page re-rendered with err on its form.
func formStatus(err error) int {
	return statusOf(okno.AsError(err))
}

// seeOther ends a successful POST: redirect, so reloading does not repeat it.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// clientIP is the address identity throttles by. Behind a proxy it is the
// proxy's, which is why the per-address limit is generous.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// formValue is a trimmed form field.
func formValue(r *http.Request, name string) string {
	return strings.TrimSpace(r.PostFormValue(name))
}

// parseForm reads a form body; a malformed one is a bad request.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return okno.Wrap(okno.EINVALID, "error.bad_request", err)
	}
	return nil
}

// session is the signed-in person's session; routes whose access rule
// admits only signed-in people always have one.
func session(r *http.Request) Session {
	if s := stateFrom(r.Context()).session; s != nil {
		return *s
	}
	return Session{}
}

// errorFields lists the fields an error names, in its order.
func errorFields(err error) []string {
	var out []string
	for _, f := range okno.AsError(err).Fields {
		out = append(out, f.Field)
	}
	return out
}
