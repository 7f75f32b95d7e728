package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// HandlerFunc handles one route. Returning an error renders it — an HTML
// page or, under /api/, problem details — with the status its code maps to
// (status.go); a handler that wrote a response returns nil.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of the route table (routes.go): every way into the
// server is declared there, with who may use it.
type Route struct {
	Method  string // "GET", "POST", ...; empty only for the not-found fallback
	Pattern string // net/http ServeMux pattern path, e.g. "/cases/{id}"
	Access  Access // who may use the route; a route without one denies everyone and fails go test
	Handler HandlerFunc
	MaxBody int64   // request body limit in bytes; 0 means Config.MaxBodyBytes
	API     *APIDoc // required for /api/ routes: what OpenAPI says about them
	// Signed marks an API route whose body is authenticated by a
	// signature its handler verifies (a payment provider's notification,
	// an issuer's push of fines): senders are programs without cookies,
	// so a cross-site form has nothing to borrow and CSRF does not apply.
	// The handler must act on nothing but what the signature covers.
	Signed bool
}

// String names the route as ServeMux sees it, e.g. "GET /healthz".
func (rt Route) String() string {
	return strings.TrimSpace(rt.Method + " " + rt.Pattern)
}

// IsAPI reports whether the route belongs to the JSON API.
func (rt Route) IsAPI() bool { return strings.HasPrefix(rt.Pattern, apiPrefix) }

const apiPrefix = "/api/"

// routeProblems lists what is wrong with a route table: it is what the route
// table test checks, and what New logs at start-up.
func routeProblems(routes []Route) []string {
	var out []string
	seen := map[string]bool{}
	for _, rt := range routes {
		name := rt.String()
		if seen[name] {
			out = append(out, name+": declared twice")
		}
		seen[name] = true
		if !rt.Access.valid() {
			out = append(out, name+": no access rule")
		}
		if rt.Handler == nil {
			out = append(out, name+": no handler")
		}
		if rt.Method == "" && rt.Pattern != "/" {
			out = append(out, name+": no method")
		}
		if rt.Method != "" && !slices.Contains(methods, rt.Method) {
			out = append(out, fmt.Sprintf("%s: unknown method %q", name, rt.Method))
		}
		if rt.IsAPI() && rt.API == nil {
			out = append(out, name+": API route without APIDoc")
		}
		if rt.Signed && (!rt.IsAPI() || rt.Method != http.MethodPost) {
			out = append(out, name+": a signed route must be a POST under "+apiPrefix)
		}
		if !rt.IsAPI() && rt.API != nil {
			out = append(out, name+": APIDoc on a route outside "+apiPrefix)
		}
		if (rt.Access.kind == accessAPIKey || rt.Access.kind == accessAPIClient || rt.Access.kind == accessAPIActor) && !rt.IsAPI() {
			out = append(out, name+": API-key access outside "+apiPrefix)
		}
	}
	return out
}

var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// safeMethod reports whether m changes nothing, so needs no CSRF token.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
