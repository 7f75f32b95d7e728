package web

import (
	"net/http"

	"github.com/okno/okno"
)

// notFound answers every path no route matches.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return okno.Errorf(okno.ENOTFOUND, "error.not_found")
}
