package web

import (
	"net/http"

	"github.com/okno/okno"
)

var whoamiSchema = Schema{
	"type":     "object",
	"required": []string{"kind", "api_key_id", "org_id", "roles"},
	"properties": Schema{
		"kind":       Schema{"type": "string", "enum": []string{"apikey"}},
		"api_key_id": Schema{"type": "integer"},
		"org_id":     Schema{"type": "integer"},
		"roles":      Schema{"type": "array", "items": Schema{"type": "string"}},
		"name":       Schema{"type": "string"},
	},
}

// whoami tells an API client which key it uses and for whom it acts, so
// integrators can check their set-up.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) error {
	a := okno.ActorFrom(r.Context())
	roles := a.Roles
	if roles == nil {
		roles = []okno.Role{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"kind": a.Kind, "api_key_id": a.APIKeyID, "org_id": a.OrgID, "roles": roles, "name": a.Name,
	})
}
