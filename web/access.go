package web

import (
	"strconv"
	"strings"

	"github.com/okno/okno"
)

type accessKind int

const (
	accessUnset accessKind = iota // the zero value: denies everyone
	accessPublic
	accessAnonymousOnly
	accessCitizen
	accessStaff
	accessAPIKey
	accessStaffSignedIn
	accessAPIClient
	accessAPIActor
)

// Access says who may use a route. Build one with Public, AnonymousOnly,
// Citizen, CitizenAssured, Staff, StaffWith, APIKeyAccess, APIClient or
// APIActor; the zero value admits nobody, so a forgotten rule fails closed
// (and fails the route test).
type Access struct {
	kind      accessKind
	roles     []okno.Role
	assurance Assurance
}

// Public admits everyone, signed in or not.
func Public() Access { return Access{kind: accessPublic} }

// AnonymousOnly admits only people not signed in (sign in, sign up);
// signed-in people are sent home.
func AnonymousOnly() Access { return Access{kind: accessAnonymousOnly} }

// Citizen admits any signed-in citizen.
func Citizen() Access { return Access{kind: accessCitizen, assurance: AssuranceSimplified} }

// CitizenAssured admits signed-in citizens whose account has at least level
// a: transactions need more trust than information.
func CitizenAssured(a Assurance) Access { return Access{kind: accessCitizen, assurance: a} }

// Staff admits any signed-in staff member acting for an organisation.
func Staff() Access { return Access{kind: accessStaff} }

// StaffWith admits staff members holding at least one of roles in the
// organisation they act for.
func StaffWith(roles ...okno.Role) Access { return Access{kind: accessStaff, roles: roles} }

// APIKeyAccess admits API clients authenticated by a key (only under /api/).
func APIKeyAccess() Access { return Access{kind: accessAPIKey} }

// StaffSignedIn admits any signed-in staff member, whether or not they have
// chosen an organisation to act for: the back-office home, where they choose.
func StaffSignedIn() Access { return Access{kind: accessStaffSignedIn} }

// APIClient admits API keys and signed-in people (only under /api/): the
// read-only API that the portal's own pages may call too.
func APIClient() Access { return Access{kind: accessAPIClient} }

// APIActor admits whoever can act through the API (only under /api/): API
// keys, signed-in citizens, and staff acting for an organisation — not
// staff who have chosen none. The case API uses it for reads and writes
// alike: the case engine decides per case, and a signed-in person's write
// needs the session's CSRF token like any form (the middleware checks it).
func APIActor() Access { return Access{kind: accessAPIActor, assurance: AssuranceSimplified} }

func (a Access) valid() bool {
	return a.kind != accessUnset && (a.kind != accessStaff || allValid(a.roles))
}

func allValid(roles []okno.Role) bool {
	for _, r := range roles {
		if !r.Valid() {
			return false
		}
	}
	return true
}

// String describes the rule, for route listings and test names.
func (a Access) String() string {
	switch a.kind {
	case accessPublic:
		return "public"
	case accessAnonymousOnly:
		return "anonymous-only"
	case accessCitizen:
		if a.assurance > AssuranceSimplified {
			return "citizen(assurance>=" + strconv.Itoa(int(a.assurance)) + ")"
		}
		return "citizen"
	case accessStaff:
		if len(a.roles) == 0 {
			return "staff"
		}
		names := make([]string, len(a.roles))
		for i, r := range a.roles {
			names[i] = string(r)
		}
		return "staff(" + strings.Join(names, "|") + ")"
	case accessAPIKey:
		return "apikey"
	case accessStaffSignedIn:
		return "staff-signed-in"
	case accessAPIClient:
		return "apikey|session"
	case accessAPIActor:
		return "apikey|citizen|staff"
	}
	return "unset"
}

// Allows decides whether actor, whose citizen account has level assurance,
// may use a route with this rule. It is the only place that decides it.
func (a Access) Allows(actor okno.Actor, assurance Assurance) bool {
	switch a.kind {
	case accessPublic:
		return true
	case accessAnonymousOnly:
		return actor.IsAnonymous()
	case accessCitizen:
		return actor.Kind == okno.ActorCitizen && assurance >= a.assurance
	case accessStaff:
		if actor.Kind != okno.ActorStaff || actor.OrgID == 0 {
			return false
		}
		if len(a.roles) == 0 {
			return true
		}
		for _, r := range a.roles {
			if actor.Has(r) {
				return true
			}
		}
		return false
	case accessAPIKey:
		return actor.Kind == okno.ActorAPIKey
	case accessStaffSignedIn:
		return actor.Kind == okno.ActorStaff
	case accessAPIClient:
		return actor.Kind == okno.ActorAPIKey || actor.Kind == okno.ActorCitizen || actor.Kind == okno.ActorStaff
	case accessAPIActor:
		return actor.Kind == okno.ActorAPIKey || (actor.Kind == okno.ActorCitizen && assurance >= a.assurance) ||
			(actor.Kind == okno.ActorStaff && actor.OrgID != 0)
	}
	return false
}
