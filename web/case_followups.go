package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
)

// followUp is something a citizen may do next about a case that belongs
// to another feature than the case engine: file a pre-trial complaint,
// rate the service. The case page (cabinet_case.go) shows them.
type followUp struct {
	Label string // the link's text, translated
	Hint  string // a line under it, translated; "" for none
	URL   string
}

// caseFollowUps returns what the citizen may do next about c, beyond the
// process's own actions. It never fails the page: a feature that cannot
// answer leaves its links out and logs why.
func (s *Server) caseFollowUps(ctx context.Context, actor okno.Actor, c casework.Case) []followUp {
	return nil
}
