package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
)

// state is what the middleware learns about a request, shared with inner
// layers through the context. Outer layers read what inner ones filled in
// (the matched route), which is why it is a pointer.
type state struct {
	id        string
	route     *Route
	loc       i18n.Localizer
	session   *Session // from the session cookie, nil when anonymous or API key
	apiKey    bool     // authenticated by an API key
	csrfToken string   // for forms on the page being rendered
}

type stateKey struct{}

func stateFrom(ctx context.Context) *state {
	if st, ok := ctx.Value(stateKey{}).(*state); ok {
		return st
	}
	return &state{}
}

// outer wraps every request, matched or not: request ID, security headers,
// language, metrics, the access log and panic recovery.
func (s *Server) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		st := &state{id: newRequestID()}
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		rw := &responseWriter{ResponseWriter: w}
		s.securityHeaders(rw.Header(), r)
		rw.Header().Set("X-Request-ID", st.id)
		st.loc = s.cat.Localizer(s.language(rw, r))

		s.inFlight.Inc()
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p) // the handler asked net/http to drop the connection
				}
				s.log.LogAttrs(r.Context(), slog.LevelError, "http: panic",
					slog.String("request_id", st.id), slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				if !rw.wroteHeader {
					s.fail(rw, r, okno.Errorf(okno.EINTERNAL, "error.internal"))
				}
			}
			s.inFlight.Dec()
			s.observe(r, st, rw, s.now().Sub(start))
		}()
		next.ServeHTTP(rw, r)
	})
}

// observe records the request in metrics and the access log. Only the route
// pattern is recorded, never the path, query, body or cookies: they may hold
// personal data.
func (s *Server) observe(r *http.Request, st *state, rw *responseWriter, d time.Duration) {
	pattern := "unmatched"
	if st.route != nil {
		pattern = st.route.Pattern
	}
	status := rw.status
	if status == 0 {
		status = http.StatusOK
	}
	s.duration.With(pattern, r.Method, strconv.Itoa(status/100)+"xx").Observe(d.Seconds())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(r.Context(), level, "http",
		slog.String("request_id", st.id),
		slog.String("method", r.Method),
		slog.String("route", pattern),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.Int64("bytes", rw.bytes),
	)
}

// route wraps one route's handler: body limit, authentication, CSRF, the
// access rule, then the handler, whose error is rendered.
func (s *Server) route(rt *Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateFrom(r.Context())
		st.route = rt
		limit := rt.MaxBody
		if limit <= 0 {
			limit = s.cfg.MaxBodyBytes
		}
		if r.ContentLength > limit {
			// Closing the connection tells net/http not to read the body
			// it would otherwise discard before answering, which a client
			// that never sends it could hold up until ReadTimeout.
			w.Header().Set("Connection", "close")
			s.fail(w, r, okno.Errorf(okno.EINVALID, keyTooLarge))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)

		actor, assurance, err := s.authenticate(w, r, rt, st)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r = r.WithContext(okno.WithActor(r.Context(), actor))
		if !safeMethod(r.Method) {
			if err := s.checkCSRF(r, st); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if !rt.Access.Allows(actor, assurance) {
			s.deny(w, r, rt, actor)
			return
		}
		if err := rt.Handler(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// deny answers a request the access rule refuses: people who are not signed
// in are sent to sign in (HTML) or told to (API), signed-in people who may
// not enter get 403, and signed-in people on sign-in pages go home.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, rt *Route, actor okno.Actor) {
	switch {
	case rt.Access.kind == accessAnonymousOnly && !rt.IsAPI():
		http.Redirect(w, r, "/", http.StatusSeeOther)
	case actor.IsAnonymous() && !rt.IsAPI() && safeMethod(r.Method):
		http.Redirect(w, r, s.signInPathFor(rt)+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	case actor.IsAnonymous():
		s.fail(w, r, okno.Errorf(okno.EUNAUTHORIZED, "error.unauthorized"))
	default:
		s.fail(w, r, okno.Errorf(okno.EFORBIDDEN, "error.forbidden"))
	}
}

// signInPathFor is the door for a route: staff and administrators sign in
// on the back-office door, everyone else on the citizens' one.
func (s *Server) signInPathFor(rt *Route) string {
	if rt.Access.kind == accessStaff || rt.Access.kind == accessStaffSignedIn {
		return staffSignInPath
	}
	return s.cfg.SignInPath
}

// securityHeaders are sent on every response. The CSP admits scripts and
// styles only from our own origin: no inline code anywhere.
func (s *Server) securityHeaders(h http.Header, r *http.Request) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'"+tileSource(s.cfg.MapTileURL)+"; "+
		"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store") // pages may show personal data; assets override it
	if r.TLS != nil || s.cfg.BehindTLS {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
}

// responseWriter remembers the status and size for logs and metrics.
type responseWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (w *responseWriter) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	w.status, w.wroteHeader = code, true
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines, flush).
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
