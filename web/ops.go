package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 while the process runs: for liveness probes, which
// must not fail because the database is slow (that is readiness).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}

// readyz answers 200 when the database answers, 503 otherwise, so a load
// balancer sends no traffic to a replica that cannot serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.deps.Ping != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.deps.Ping.Ping(ctx); err != nil {
			s.log.Warn("web: not ready", "error", err.Error())
			w.WriteHeader(http.StatusServiceUnavailable)
			_, err = w.Write([]byte("not ready\n"))
			return err
		}
	}
	_, err := w.Write([]byte("ready\n"))
	return err
}

// metrics serves the metrics registry for Prometheus. It is public like the
// health checks; deployments that mind keep /metrics off the public proxy.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	s.reg.Handler().ServeHTTP(w, r)
	return nil
}
