package web

import "net/http"

// home is the front page: what a person can do here.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "home", s.view(w, r, "web.home.title", nil))
}
