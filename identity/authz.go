package identity

import "github.com/okno/okno"

// Who may do what in this package, decided here and nowhere else. The doors
// fill the actor's organisation and roles (from the org package); these
// rules only read them.

// mayCreateStaff: administrators, and the system (the CLI that creates the
// first administrator).
func mayCreateStaff(a okno.Actor) bool {
	return a.Kind == okno.ActorSystem || (a.Kind == okno.ActorStaff && a.Has(okno.RoleAdmin))
}

// mayServeCitizens: operators of a call centre or service centre, who find
// citizens and confirm their identity in person.
func mayServeCitizens(a okno.Actor) bool {
	return a.Kind == okno.ActorStaff && a.Has(okno.RoleOperator)
}

// mayManageKeys: administrators of the organisation the keys act for, and
// the system.
func mayManageKeys(a okno.Actor, orgID int64) bool {
	return a.Kind == okno.ActorSystem || (a.Kind == okno.ActorStaff && a.OrgID == orgID && a.Has(okno.RoleAdmin))
}

func forbidden() error { return okno.Errorf(okno.EFORBIDDEN, "error.forbidden") }
