package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/okno/okno"
)

// fail renders err: problem details for the API, an error page otherwise.
// Internal causes are logged with the request ID, which the person sees, and
// never shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	// Open311 clients get the specification's error documents even for
	// failures before the handler (a body over the route's limit, a panic).
	if strings.HasPrefix(r.URL.Path, open311Prefix) {
		f := open311XML
		if strings.HasSuffix(r.URL.Path, ".json") {
			f = open311JSON
		}
		s.open311Fail(w, r, f, err)
		return
	}
	st := stateFrom(r.Context())
	e := classify(err)
	status := statusOf(e)
	if status >= 500 {
		s.log.LogAttrs(r.Context(), slog.LevelError, "http: request failed",
			slog.String("request_id", st.id), slog.String("error", err.Error()))
	}
	if e.Code == okno.ERATELIMITED {
		w.Header().Set("Retry-After", retryAfter(err))
	}
	if isAPIRequest(r) {
		s.problem(w, r, status, e)
		return
	}
	s.errorPage(w, r, status, e)
}

func isAPIRequest(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, apiPrefix) }

// Problem is an RFC 9457 problem details document with Okno's extensions:
// per-field errors and the request ID to quote to support.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one field's problem: its path in the request and a
// message for a person.
type ProblemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// problemType names a problem type by error code, as a URN: stable, and not
// pretending to be a page.
func problemType(code okno.ErrorCode) string { return "urn:okno:problem:" + string(code) }

func (s *Server) problem(w http.ResponseWriter, r *http.Request, status int, e *okno.Error) {
	st := stateFrom(r.Context())
	msg, fields := st.loc.Error(e)
	p := Problem{
		Type:      problemType(e.Code),
		Title:     st.loc.T("error." + string(e.Code)),
		Status:    status,
		Detail:    msg,
		RequestID: st.id,
	}
	if e.Code == okno.EINTERNAL {
		p.Title = msg
	}
	if p.Detail == p.Title {
		p.Detail = ""
	}
	for _, f := range e.Fields {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Message: fields[f.Field]})
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", string(st.loc.Lang()))
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p) //nolint:errcheck // the client went away
}

// writeJSON writes an API answer.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}
