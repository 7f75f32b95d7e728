package web

import (
	"context"
	"net/http"

	"github.com/okno/okno/identity"
)

// staffSigninSubmit signs a staff member in on the back-office door.
func (s *Server) staffSigninSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.signinAt(w, r, s.staffDoor())
}

// autoSelectOrganisation chooses the organisation for someone who works
// for exactly one: asking them to pick from a list of one is noise. People
// with several choose on the back-office home.
func (s *Server) autoSelectOrganisation(ctx context.Context, ss identity.Session) error {
	ms, err := s.deps.Orgs.OrganisationsOf(ctx, ss.UserID)
	if err != nil || len(ms) != 1 {
		return err
	}
	return s.deps.Accounts.SelectOrganisation(ctx, ss.ID, ms[0].Organisation.ID)
}
