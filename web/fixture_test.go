package web_test

import (
	"github.com/okno/okno"
	"github.com/okno/okno/org"
)

// operatorActor is an operator as identity's look-ups require, for tests
// that need to find an account behind the pages' back.
var operatorActor = okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 1, Roles: []okno.Role{okno.RoleOperator}}

func orgPosition(orgID int64, title string, role okno.Role) org.Position {
	return org.Position{OrgID: orgID, Title: title, Role: role}
}
