// Package okno holds Okno's domain primitives: the error type with codes, the
// acting person or system (Actor), and identifiers shared by every feature.
//
// It imports only the standard library and must never import another Okno
// package: everything else depends on it, and it depends on nothing.
package okno

import "context"

// Role is what a staff member may do within an organisation. Roles are held
// through positions; a person may hold several.
type Role string

// The roles Okno knows. Authorisation rules name them; nothing else does.
const (
	RoleOperator   Role = "operator"   // registers applications and appeals for citizens (call centre, МФЦ)
	RoleOfficial   Role = "official"   // processes cases in an organisation's inbox
	RoleSupervisor Role = "supervisor" // oversees officials, receives escalations
	RoleOwner      Role = "owner"      // service owner: a service's card, form, process, KPIs
	RoleController Role = "controller" // controlling body: complaints, overdue work
	RoleAdmin      Role = "admin"      // organisations, territories, staff, settings
)

// Roles lists every role in display order.
var Roles = []Role{RoleOperator, RoleOfficial, RoleSupervisor, RoleOwner, RoleController, RoleAdmin}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// ActorKind says what kind of party acts.
type ActorKind string

// The kinds of actor.
const (
	ActorAnonymous ActorKind = ""
	ActorCitizen   ActorKind = "citizen"
	ActorStaff     ActorKind = "staff"
	ActorAPIKey    ActorKind = "apikey"
	ActorSystem    ActorKind = "system"
)

// Actor is who performs an action: recorded in the audit log and checked by
// authorisation rules. A staff actor acts within one organisation at a time
// (the one chosen in the organisation switcher) with the roles it holds there.
type Actor struct {
	Kind     ActorKind
	UserID   int64  // citizen or staff account; 0 for API keys and the system
	APIKeyID int64  // for ActorAPIKey
	OrgID    int64  // organisation the actor acts for; 0 for citizens
	Roles    []Role // roles held in OrgID
	Name     string // display name for timelines; never personal data beyond a name
}

// System is the actor for scheduled and background work.
var System = Actor{Kind: ActorSystem, Name: "system"}

// Has reports whether the actor holds role r in its current organisation.
func (a Actor) Has(r Role) bool {
	for _, k := range a.Roles {
		if k == r {
			return true
		}
	}
	return false
}

// IsAnonymous reports whether nobody is signed in.
func (a Actor) IsAnonymous() bool { return a.Kind == ActorAnonymous }

// Ref is a short stable string naming the actor in audit entries,
// e.g. "citizen:12", "staff:3@org:7", "apikey:2", "system".
func (a Actor) Ref() string {
	switch a.Kind {
	case ActorCitizen:
		return "citizen:" + itoa(a.UserID)
	case ActorStaff:
		return "staff:" + itoa(a.UserID) + "@org:" + itoa(a.OrgID)
	case ActorAPIKey:
		return "apikey:" + itoa(a.APIKeyID) + "@org:" + itoa(a.OrgID)
	case ActorSystem:
		return "system"
	}
	return "anonymous"
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, or the anonymous actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
