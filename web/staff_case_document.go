package web

import (
	"net/http"
	"strconv"

	"github.com/okno/okno"
)

// staffCaseDocument sends one document of a case, or with ?preview=1 an
// image's small JPEG preview, to a member of staff who may see the case;
// the engine answers ENOTFOUND (404) for anyone else.
func (s *Server) staffCaseDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	docID, err := strconv.ParseInt(r.PathValue("doc"), 10, 64)
	if err != nil || docID <= 0 {
		return okno.Errorf(okno.ENOTFOUND, "casework.document_not_found")
	}
	preview := r.URL.Query().Get("preview") == "1"
	d, body, err := s.deps.Cases.ReadDocument(ctx, okno.ActorFrom(ctx), id, docID, preview)
	if err != nil {
		return err
	}
	return sendDocument(w, d, body, preview)
}
