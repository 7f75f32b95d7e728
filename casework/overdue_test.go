package casework

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestOverdue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := seedInbox(t, db)
		svc := ibService(db, w)
		ctx := context.Background()
		// A: seven open; pothole and waiting ran out; those two, the bench
		// (its last day is today) and the school's step are due today; one
		// case of A1 is escalated to A. B: one open and overdue.
		a := OrgOverdue{OrgID: w.a, OrgName: "Администрация Центрального района", Open: 7, Overdue: 2, DueToday: 4, Escalated: 1}
		a1 := OrgOverdue{OrgID: w.a1, OrgName: "Отдел благоустройства", Open: 1}
		b := OrgOverdue{OrgID: w.b, OrgName: "Администрация Выборгского района", Open: 1, Overdue: 1, DueToday: 1}
		root := OrgOverdue{OrgID: w.root, OrgName: "Правительство"}
		tests := []struct {
			name string
			as   okno.Actor
			want []OrgOverdue
		}{
			{"the region's controller: everything, level by level, by name", w.staff(w.chief, w.root, okno.RoleController), []OrgOverdue{root, b, a, a1}},
			{"A's supervisor: A and below", w.staff(w.chief, w.a, okno.RoleSupervisor), []OrgOverdue{a, a1}},
			{"an administrator of A1", w.staff(w.chief, w.a1, okno.RoleAdmin), []OrgOverdue{a1}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := svc.Overdue(ctx, tt.as)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("overview (-want +got):\n%s", diff)
				}
			})
		}
		if _, err := db.ExecContext(ctx, `UPDATE organisations SET short_name = 'Центральный район' WHERE id = ?`, w.a); err != nil {
			t.Fatal(err)
		}
		got, err := svc.Overdue(ctx, w.staff(w.chief, w.a, okno.RoleSupervisor))
		if err != nil {
			t.Fatal(err)
		}
		if got[0].OrgName != "Центральный район" {
			t.Errorf("the short name is what people use, got %q", got[0].OrgName)
		}

		for _, as := range []okno.Actor{
			w.staff(w.official, w.a, okno.RoleOfficial, okno.RoleOperator, okno.RoleOwner),
			{Kind: okno.ActorAPIKey, APIKeyID: 1, OrgID: w.a, Roles: []okno.Role{okno.RoleSupervisor}},
			{Kind: okno.ActorCitizen, UserID: w.official},
			{},
			w.staff(w.chief, 0, okno.RoleSupervisor),
		} {
			if _, err := svc.Overdue(ctx, as); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("%s: %v, want forbidden", as.Ref(), err)
			}
		}
	})
}

// TestOverduePlan proves on SQLite that every count reads an index range,
// never the cases table.
func TestOverduePlan(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := seedInbox(t, db)
	query, args := overdueQuery(w.root, ibNow, ibEndOfDay)
	wantIndexes(t, planOf(t, db, query, args), []string{"cases_org_open", "cases_escalated"})
}
