package app_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/org"
	"github.com/okno/okno/web/webtest"
)

// TestCreateStaffIsOneTransaction: when the position cannot be assigned,
// the account is not created either, on both engines.
func TestCreateStaffIsOneTransaction(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		a := webtest.StartLive(t, dsn).App
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		root, err := a.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство", Hours: org.OfficeHours()}, okno.System)
		must(err)
		var district [2]org.Organisation
		var post [2]org.Position
		for i, name := range []string{"Администрация A", "Администрация B"} {
			district[i], err = a.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: name, ParentID: root.ID, Hours: org.OfficeHours()}, okno.System)
			must(err)
			post[i], err = a.Orgs.CreatePosition(ctx, org.Position{OrgID: district[i].ID, Title: "Оператор", Role: okno.RoleOperator}, okno.System)
			must(err)
		}
		adminB := okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: district[1].ID, Roles: []okno.Role{okno.RoleAdmin}}
		const password = "пароль сотрудника 2026"
		_, err = a.CreateStaff(ctx, okno.System, "taken@spb.example", "Занятый Адрес", password, post[1].ID)
		must(err)
		count := func() (users, staff int) {
			t.Helper()
			must(a.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM staff)`).Scan(&users, &staff))
			return users, staff
		}

		for _, tc := range []struct {
			name       string
			email      string
			positionID int64
			want       okno.ErrorCode
		}{
			{"position of another organisation", "new@spb.example", post[0].ID, okno.EFORBIDDEN},
			{"no such position", "new@spb.example", post[1].ID + 1000, okno.ENOTFOUND},
			{"e-mail taken", "taken@spb.example", post[1].ID, okno.ECONFLICT},
		} {
			t.Run(tc.name, func(t *testing.T) {
				users, staff := count()
				_, err := a.CreateStaff(ctx, adminB, tc.email, "Новый Сотрудник", password, tc.positionID)
				if got := okno.ErrorCodeOf(err); got != tc.want {
					t.Fatalf("error %v, code %s, want %s", err, got, tc.want)
				}
				if u, s := count(); u != users || s != staff {
					t.Errorf("after a refusal %d users and %d staff rows, want %d and %d", u, s, users, staff)
				}
			})
		}

		// The refusals left nothing behind: the address is still free.
		uid, err := a.CreateStaff(ctx, adminB, "new@spb.example", "Новый Сотрудник", password, post[1].ID)
		must(err)
		roles, err := a.Orgs.RolesOf(ctx, uid, district[1].ID)
		must(err)
		if diff := cmp.Diff([]okno.Role{okno.RoleOperator}, roles); diff != "" {
			t.Errorf("roles of the new account (-want +got):\n%s", diff)
		}
	})
}
