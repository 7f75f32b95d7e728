package web

import (
	"errors"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/okno/okno"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under
// /open311/v2, with mySociety's servicerequestupdates extension, so that
// civic apps written for it (FixMyStreet, GeoReporter, dashboards) work
// with Okno unchanged. Services are the taxonomy's reasons; service
// requests are published appeals, named by their case id everywhere
// (service_request_id, requests/{id}, updates). Only what the public map
// shows is ever returned: never an author's name or contacts.
//
// Files: open311.go (dispatch, formats, jurisdiction, errors),
// open311_services.go (discovery, services, service definitions),
// open311_requests.go (creating and listing requests, tokens),
// open311_updates.go (servicerequestupdates), open311_encode.go (XML and
// JSON from one document model).

const (
	// open311Prefix is where every Open311 path starts.
	open311Prefix = "/open311/"
	// open311Spec is the specification token of discovery.
	open311Spec = "http://wiki.open311.org/GeoReport_v2"
	// open311Changeset dates the last change of what discovery and the
	// service definitions describe (not of the taxonomy's content): bump
	// it when they change shape.
	open311Changeset = "2026-11-22T00:00:00+03:00"
	// open311MaxBody bounds a POST: form fields, and up to five photos of
	// 10 MiB each as multipart "media" parts (appeal's own limits decide
	// what it keeps).
	open311MaxBody = 52 << 20
	// open311MaxForm bounds the fields of a POST, whether form-encoded or
	// the text parts of a multipart body held in memory: a description of
	// 4,000 Cyrillic letters is 24 KB percent-encoded.
	open311MaxForm = 1 << 20
)

// open311Handler answers an Open311 resource: name is the path's wildcard
// without its format suffix f ("services.xml" is "services", xml).
type open311Handler func(w http.ResponseWriter, r *http.Request, f open311Format, name string) error

// open311 makes a route's handler of h. It speaks the client's language
// (clients are programs, which set Accept-Language on purpose like the
// JSON API's, web/lang.go, so it counts here unless ?lang= or the
// language cookie said otherwise), splits the resource named by the
// wildcard from its format, reads the form, checks the jurisdiction, and
// answers h's error in the specification's format: a handler of the route
// table never returns one, whose page would be HTML.
func (s *Server) open311(wildcard string, h open311Handler) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st := stateFrom(r.Context())
		if r.URL.Query().Get("lang") == "" {
			if _, err := r.Cookie(langCookie); err != nil {
				if l, ok := acceptLanguage(r.Header.Get("Accept-Language")); ok {
					st.loc = s.cat.Localizer(l)
				}
			}
		}
		if safeMethod(r.Method) {
			// The data is public and no cookie is ever read for it: any
			// site's scripts may show it.
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		name, f, err := open311Split(r.PathValue(wildcard))
		if err == nil {
			err = open311ParseForm(r)
		}
		if err == nil {
			err = s.open311Jurisdiction(r)
		}
		if err == nil {
			err = h(w, r, f, name)
		}
		if err != nil {
			return s.open311Fail(w, r, f, err)
		}
		return nil
	}
}

// open311Root serves the resources at the endpoint's root.
func (s *Server) open311Root(w http.ResponseWriter, r *http.Request, f open311Format, name string) error {
	switch name {
	case "discovery":
		return s.open311Discovery(w, r, f)
	case "services":
		return s.open311Services(w, r, f)
	case "requests":
		return s.open311Requests(w, r, f)
	case "servicerequestupdates":
		return s.open311Updates(w, r, f)
	}
	return open311NotFound()
}

// open311Post creates service requests; nothing else at the root takes a
// POST (Okno does not take updates from clients).
func (s *Server) open311Post(w http.ResponseWriter, r *http.Request, f open311Format, name string) error {
	if name != "requests" {
		return open311NotFound()
	}
	return s.open311Create(w, r, f)
}

// open311Elsewhere answers every other path under /open311/: discovery is
// also found at /open311/discovery.{format}; the rest does not exist.
func (s *Server) open311Elsewhere(w http.ResponseWriter, r *http.Request, f open311Format, name string) error {
	if name == "discovery" && r.Method == http.MethodGet {
		return s.open311Discovery(w, r, f)
	}
	return open311NotFound()
}

// open311Split cuts a resource's format suffix: "services.xml" is
// ("services", xml). An unknown or missing format is 400, answered in XML,
// the format every client reads.
func open311Split(file string) (string, open311Format, error) {
	i := strings.LastIndexByte(file, '.')
	if i > 0 {
		switch f := open311Format(file[i+1:]); f {
		case open311XML, open311JSON:
			return file[:i], f, nil
		}
	}
	return file, open311XML, okno.Errorf(okno.EINVALID, "web.open311.format")
}

// open311ParseForm reads the query and, for a POST, the body: form-encoded
// as the specification says, or multipart as apps that send photos do.
// Files beyond a small buffer wait on disk (net/http removes them); a body
// over the route's limit is 413 in the error's code.
func open311ParseForm(r *http.Request) error {
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(open311MaxForm)
	} else {
		// Only photos need the route's room; a form of text fits in this.
		// (ParseMultipartForm would hide ParseForm's error behind
		// ErrNotMultipart.)
		r.Body = http.MaxBytesReader(nil, r.Body, open311MaxForm)
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &mbe):
		return okno.Wrap(okno.EINVALID, keyTooLarge, err)
	}
	return okno.Wrap(okno.EINVALID, "web.open311.body", err)
}

// open311Exempt reports whether rt is an Open311 route, which checkCSRF
// leaves alone: Open311 clients are programs that authenticate with an
// api_key parameter (or a Bearer header) and carry no cookies, and the
// handlers never act on a session, so a forged cross-site form has no
// credentials to borrow.
func open311Exempt(rt *Route) bool {
	return rt != nil && strings.HasPrefix(rt.Pattern, open311Prefix)
}

// open311Jurisdiction accepts a request without jurisdiction_id (Okno
// serves one jurisdiction, which the specification lets it treat as
// optional) or with the one this server answers for: its host name, as
// the specification suggests ("sfgov.org"), with or without "www." and a
// scheme.
func (s *Server) open311Jurisdiction(r *http.Request) error {
	id := strings.TrimSpace(r.FormValue("jurisdiction_id"))
	if id == "" {
		return nil
	}
	if len(id) > 255 || open311Host(id) != open311Host(r.Host) {
		return okno.Errorf(okno.ENOTFOUND, "web.open311.jurisdiction", open311Clip(id, 64))
	}
	return nil
}

// open311Host reduces a host or a site's address to the bare host
// name: no scheme, path, port or "www.", lower case.
func open311Host(s string) string {
	s = strings.ToLower(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	return strings.TrimPrefix(s, "www.")
}

// open311Clip shortens what a client sent before it is echoed in a message.
func open311Clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// open311NotFound is the specification's 404 for a resource that does not
// exist.
func open311NotFound() error { return okno.Errorf(okno.ENOTFOUND, "web.open311.not_found") }

// open311Fail answers err in the specification's error format: a list of
// errors, each with a code and a description for a person. The HTTP
// status is what the specification prescribes — 404 for what does not
// exist, 403 for a missing or wrong api_key, 400 for any other request
// that cannot be fulfilled — and the code in the body is more precise
// where HTTP has a better name for it (429 for a rate limit, 413 for a
// body too large, 409 for a conflict), which the specification allows.
// Internal failures are 500, not the specification's "general service
// error" 400: the client did nothing wrong and may retry, and our
// monitoring counts 5xx. Each field problem is an error of its own,
// naming the parameter.
func (s *Server) open311Fail(w http.ResponseWriter, r *http.Request, f open311Format, err error) error {
	st := stateFrom(r.Context())
	e := classify(err)
	status, code := http.StatusBadRequest, http.StatusBadRequest
	switch e.Code {
	case okno.ENOTFOUND:
		status, code = http.StatusNotFound, http.StatusNotFound
	case okno.EUNAUTHORIZED, okno.EFORBIDDEN:
		status, code = http.StatusForbidden, http.StatusForbidden
	case okno.ECONFLICT:
		code = http.StatusConflict
	case okno.ERATELIMITED:
		code = http.StatusTooManyRequests
		w.Header().Set("Retry-After", retryAfter(err))
	case okno.EINVALID:
		if e.Key == keyTooLarge {
			code = http.StatusRequestEntityTooLarge
		}
	default:
		status, code = http.StatusInternalServerError, http.StatusInternalServerError
		s.log.LogAttrs(r.Context(), slog.LevelError, "http: request failed",
			slog.String("request_id", st.id), slog.String("error", err.Error()))
	}
	msg, fields := st.loc.Error(e)
	var items []any
	for _, fe := range e.Fields {
		items = append(items, open311Record{{"code", code}, {"description", open311Param(fe.Field) + ": " + fields[fe.Field]}})
	}
	if len(items) == 0 {
		items = append(items, open311Record{{"code", code}, {"description", msg}})
	}
	w.Header().Set("Content-Language", string(st.loc.Lang()))
	return open311Doc{root: "errors", body: open311List{item: "error", items: items}}.write(w, f, status)
}

// open311Param names the Open311 parameter behind a field that package
// appeal reports a problem of, so the client learns what to fix.
func open311Param(field string) string {
	if p, ok := open311Params[field]; ok {
		return p
	}
	return strings.TrimPrefix(field, "contact.") // contact.email is email
}

var open311Params = map[string]string{
	"text":            "description",
	"reason":          "service_code",
	"point":           "lat",
	"address":         "address_string",
	"territory":       "attribute[district]",
	"photos":          "media",
	"author_hint":     "email",
	"idempotency_key": "Idempotency-Key",
	"id":              "service_request_id",
	"from":            "start_date",
	"to":              "end_date",
	"updated_from":    "updated_after",
	"updated_to":      "updated_before",
}
