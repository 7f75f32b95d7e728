package accrual

import (
	"testing"

	"github.com/okno/okno"
)

func TestMayIssue(t *testing.T) {
	d := Draft{PayeeOrgID: 7}
	tests := []struct {
		name  string
		actor okno.Actor
		want  bool
	}{
		{"system", okno.System, true},
		{"official of the payee", okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 7, Roles: []okno.Role{okno.RoleOfficial}}, true},
		{"operator of the payee", okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 7, Roles: []okno.Role{okno.RoleOperator}}, false},
		{"official elsewhere", okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: 8, Roles: []okno.Role{okno.RoleOfficial}}, false},
		{"citizen", okno.Actor{Kind: okno.ActorCitizen, UserID: 1}, false},
		{"anonymous", okno.Actor{}, false},
	}
	for _, tt := range tests {
		if got := mayIssue(tt.actor, d); got != tt.want {
			t.Errorf("%s: mayIssue = %v, want %v", tt.name, got, tt.want)
		}
	}
}
