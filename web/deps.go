package web

import (
	"context"

	"github.com/okno/okno"
)

// Assurance is how well a citizen's identity is established (уровень
// учётной записи). Levels are ordered: a route asking for Standard admits
// Confirmed too.
type Assurance int

// The assurance levels, weakest first.
const (
	AssuranceNone       Assurance = iota // not a citizen session
	AssuranceSimplified                  // e-mail or phone confirmed
	AssuranceStandard                    // identity documents entered and checked against registries
	AssuranceConfirmed                   // identity confirmed in person, by e-signature or by an external provider
)

// Session is what the web layer needs to know about a signed-in person.
type Session struct {
	UserID    int64
	Kind      okno.ActorKind // ActorCitizen or ActorStaff
	Assurance Assurance      // citizens only
	OrgID     int64          // staff: the organisation chosen in the switcher
	CSRF      string         // the session's synchronizer token, unguessable, fixed for the session's life
	Name      string         // display name for the header; nothing more personal than that
}

// Sessions authenticates session cookies. identity implements it.
type Sessions interface {
	// Authenticate returns the live session for token. An unknown, expired
	// or revoked token gives an error with code EUNAUTHORIZED (the cookie is
	// then cleared and the request goes on as anonymous); any other error
	// fails the request.
	Authenticate(ctx context.Context, token string) (Session, error)
}

// Roles tells which roles a staff member holds in an organisation. org
// implements it.
type Roles interface {
	RolesOf(ctx context.Context, userID, orgID int64) ([]okno.Role, error)
}

// APIKey is an authenticated API client: it acts for one organisation with
// the roles granted to the key.
type APIKey struct {
	ID    int64
	OrgID int64
	Roles []okno.Role
	Name  string // shown in timelines, e.g. "ЦУР"
}

// APIKeys authenticates `Authorization: Bearer okno_…` on /api/v1.
type APIKeys interface {
	// AuthenticateAPIKey returns the key for token (which starts with
	// "okno_"). Unknown or revoked keys give an error with code EUNAUTHORIZED.
	AuthenticateAPIKey(ctx context.Context, token string) (APIKey, error)
}

// Pinger reports whether a dependency the server cannot work without (the
// database) answers; /readyz calls it. *sqldb.DB implements it.
type Pinger interface {
	Ping(ctx context.Context) error
}
