package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
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
	ID        int64 // the session's own ID, for choosing its organisation
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

// The interfaces below are what the pages and the API use of the feature
// services. They name the features' own types: web sits above the feature
// packages and only decodes, authorises and renders what they answer.

// Accounts is identity's citizen door: sign-up, sign-in, sessions, the
// cabinet's profile and raising the assurance level.
type Accounts interface {
	SignUp(ctx context.Context, in identity.NewAccount) error
	Confirm(ctx context.Context, contact, code string) error
	ResendCode(ctx context.Context, contact string) error
	SignIn(ctx context.Context, cr identity.Credentials) (identity.Session, error)
	SignInStaff(ctx context.Context, cr identity.Credentials) (identity.Session, error)
	SignOut(ctx context.Context, token string) error
	SelectOrganisation(ctx context.Context, sessionID, orgID int64) error
	ChangePassword(ctx context.Context, userID int64, current, next string) (identity.Session, error)
	Profile(ctx context.Context, userID int64) (identity.Profile, error)
	SubmitPersonalData(ctx context.Context, userID int64, pd identity.PersonalData) error
	RequestPostCode(ctx context.Context, userID int64, address string) error
	ConfirmPostCode(ctx context.Context, userID int64, code string) error
}

// Operators is identity's back-office door for operators: find a citizen
// and confirm their identity in person.
type Operators interface {
	FindByPhone(ctx context.Context, actor okno.Actor, phone string) (identity.Citizen, error)
	FindByEmail(ctx context.Context, actor okno.Actor, email string) (identity.Citizen, error)
	FindBySNILS(ctx context.Context, actor okno.Actor, snils string) (identity.Citizen, error)
	ConfirmByOperator(ctx context.Context, actor okno.Actor, userID int64, passport string) error
}

// Staffing creates staff accounts. Accounts are identity's and positions
// org's: app composes the two in one transaction, so that a refused
// position leaves no account behind.
type Staffing interface {
	CreateStaff(ctx context.Context, actor okno.Actor, email, displayName, password string, positionID int64) (int64, error)
}

// StaffAccounts is identity's door for administrators: the API keys of an
// organisation.
type StaffAccounts interface {
	CreateAPIKey(ctx context.Context, actor okno.Actor, name string, orgID int64, roles ...okno.Role) (string, identity.APIKey, error)
	ListAPIKeys(ctx context.Context, actor okno.Actor, orgID int64) ([]identity.APIKey, error)
	RevokeAPIKey(ctx context.Context, actor okno.Actor, keyID int64) error
}

// Organisations is package org: the tree, positions, staff, and the one
// rule of who administers what (CanAdminister, CanAdministerRegion).
type Organisations interface {
	OrganisationsOf(ctx context.Context, userID int64) ([]org.Membership, error)
	CanAdminister(ctx context.Context, actor okno.Actor, orgID int64) (bool, error)
	CanAdministerRegion(ctx context.Context, actor okno.Actor) (bool, error)
	Get(ctx context.Context, id int64) (org.Organisation, error)
	List(ctx context.Context, q org.ListQuery) ([]org.Organisation, error)
	Children(ctx context.Context, id int64) ([]org.Organisation, error)
	Ancestors(ctx context.Context, id int64) ([]org.Organisation, error)
	CreateOrganisation(ctx context.Context, o org.Organisation, actor okno.Actor) (org.Organisation, error)
	UpdateOrganisation(ctx context.Context, o org.Organisation, actor okno.Actor) (org.Organisation, error)
	Positions(ctx context.Context, orgID int64) ([]org.Position, error)
	StaffOf(ctx context.Context, orgID int64) ([]org.StaffMember, error)
	Territories(ctx context.Context, orgID int64) ([]int64, error)
}

// Territories is package geo: territories and point look-ups.
type Territories interface {
	List(ctx context.Context, q geo.ListQuery) ([]geo.Territory, error)
	Get(ctx context.Context, id int64) (geo.Territory, error)
	Lookup(ctx context.Context, lat, lon float64) ([]geo.Territory, error)
	Import(ctx context.Context, fc *geo.FeatureCollection, level geo.Level, actor okno.Actor) (geo.ImportResult, error)
}

// Inbox is the citizen cabinet's notifications (notify.Cabinet). Every
// method takes the user ID: that is its authorisation check.
type Inbox interface {
	ListForUser(ctx context.Context, userID int64, limit int) ([]notify.Notification, error)
	UnreadCount(ctx context.Context, userID int64) (int, error)
	MarkRead(ctx context.Context, userID, id int64) error
}

// Mailbox is the demo mailbox (notify.Mailbox): what Okno "sent" when no
// gateway is configured. Only demo installations have one.
type Mailbox interface {
	List(ctx context.Context, limit int) ([]notify.MailboxMessage, error)
}
