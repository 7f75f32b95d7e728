package org_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// addUser inserts an account directly: package identity owns the users
// table, and org only needs the row to exist.
func addUser(t *testing.T, db *sqldb.DB, kind, name string) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO users (kind, display_name, password_hash, created_at, updated_at)
			VALUES (?, ?, '', ?, ?) RETURNING id`, kind, name, sqldb.Now(testNow), sqldb.Now(testNow)).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestStaff(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		pos := func(orgID int64, title string, role okno.Role, up int64) org.Position {
			t.Helper()
			p, err := f.s.CreatePosition(ctx, org.Position{OrgID: orgID, Title: title, Role: role, ReportsTo: up}, okno.System)
			if err != nil {
				t.Fatalf("position %s: %v", title, err)
			}
			return p
		}
		head := pos(f.district.ID, "Глава администрации", okno.RoleSupervisor, 0)
		spec := pos(f.district.ID, "Главный специалист", okno.RoleOfficial, head.ID)
		op := pos(f.district.ID, "Оператор", okno.RoleOperator, spec.ID)
		jaHead := pos(f.housing.ID, "Начальник", okno.RoleSupervisor, head.ID) // up the hierarchy: allowed

		// Position rules.
		_, err := f.s.CreatePosition(ctx, org.Position{OrgID: f.district.ID, Title: "Главный специалист", Role: okno.RoleOfficial}, okno.System)
		if e := okno.AsError(err); e.Code != okno.ECONFLICT || e.Fields[0].Field != "title" {
			t.Errorf("duplicate title: err = %v, want conflict on title", err)
		}
		_, err = f.s.CreatePosition(ctx, org.Position{OrgID: f.district.ID, Title: "Вниз", Role: okno.RoleOfficial, ReportsTo: jaHead.ID}, okno.System)
		if e := okno.AsError(err); e.Code != okno.EINVALID || e.Fields[0].Key != "org.reports_to_outside" {
			t.Errorf("reporting down the hierarchy: err = %v, want reports_to_outside", err)
		}
		_, err = f.s.CreatePosition(ctx, org.Position{OrgID: f.district.ID, Title: "", Role: "king"}, okno.System)
		if diff := cmp.Diff([]okno.FieldError{{Field: "title", Key: "org.title_required"}, {Field: "role", Key: "org.role_invalid"}},
			okno.AsError(err).Fields); diff != "" {
			t.Errorf("bad position (-want +got):\n%s", diff)
		}
		if _, err := f.s.CreatePosition(ctx, org.Position{OrgID: 12345, Title: "x", Role: okno.RoleOfficial}, okno.System); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("unknown org: err = %v, want not_found", err)
		}

		anna := addUser(t, db, "staff", "Анна")
		boris := addUser(t, db, "staff", "Борис")
		citizen := addUser(t, db, "citizen", "Гражданин")
		for _, a := range []struct {
			user int64
			pos  org.Position
		}{{anna, spec}, {anna, op}, {anna, jaHead}, {boris, head}} {
			if err := f.s.AssignStaff(ctx, a.user, a.pos.ID, admin(f.district.ID)); err != nil {
				t.Fatalf("assign %d to %s: %v", a.user, a.pos.Title, err)
			}
		}
		if err := f.s.AssignStaff(ctx, anna, spec.ID, okno.System); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("assign twice: err = %v, want conflict", err)
		}
		if err := f.s.AssignStaff(ctx, citizen, spec.ID, okno.System); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("assign a citizen: err = %v, want invalid", err)
		}
		if err := f.s.AssignStaff(ctx, boris, spec.ID, admin(f.housing.ID)); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("housing admin assigning in the district: err = %v, want forbidden", err)
		}

		roles, err := f.s.RolesOf(ctx, anna, f.district.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]okno.Role{okno.RoleOperator, okno.RoleOfficial}, roles); diff != "" {
			t.Errorf("RolesOf (-want +got):\n%s", diff)
		}
		if roles, _ := f.s.RolesOf(ctx, anna, f.committee.ID); len(roles) != 0 {
			t.Errorf("roles in an organisation she does not work for: %v", roles)
		}
		ms, err := f.s.OrganisationsOf(ctx, anna)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.Organisation.Name+": "+joinRoles(m.Roles))
		}
		want := []string{"Администрация района: operator,official", "Жилищное агентство: supervisor"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("OrganisationsOf (-want +got):\n%s", diff)
		}
		staff, err := f.s.StaffOf(ctx, f.district.ID)
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, m := range staff {
			got = append(got, m.DisplayName+" — "+m.Position.Title)
			if !m.Since.Equal(testNow) {
				t.Errorf("since = %v, want %v", m.Since, testNow)
			}
		}
		want = []string{"Борис — Глава администрации", "Анна — Главный специалист", "Анна — Оператор"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("StaffOf (-want +got):\n%s", diff)
		}

		if err := f.s.RemoveStaff(ctx, anna, op.ID, okno.System); err != nil {
			t.Fatal(err)
		}
		if err := f.s.RemoveStaff(ctx, anna, op.ID, okno.System); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("remove twice: err = %v, want not_found", err)
		}
		if roles, _ := f.s.RolesOf(ctx, anna, f.district.ID); !cmp.Equal([]okno.Role{okno.RoleOfficial}, roles) {
			t.Errorf("roles after removal = %v, want [official]", roles)
		}
	})
}

func joinRoles(rs []okno.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func TestServingTerritory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		g := geo.New(db, f.log, func() time.Time { return testNow })
		fc, err := geo.ParseGeoJSON(strings.NewReader(`{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"name":"Район"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}},
			{"type":"Feature","properties":{"name":"Соседний"},"geometry":{"type":"Polygon","coordinates":[[[2,0],[4,0],[4,2],[2,2],[2,0]]]}}]}`), geo.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		districts, err := g.Import(ctx, fc, geo.LevelDistrict, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		mo, err := geo.ParseGeoJSON(strings.NewReader(`{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"name":"МО № 1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}`), geo.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		munis, err := g.Import(ctx, mo, geo.LevelMunicipality, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		// geo has no API for parents yet; set the municipality's by hand.
		if _, err := db.ExecContext(ctx, `UPDATE territories SET parent_id = ? WHERE id = ?`, districts.IDs[0], munis.IDs[0]); err != nil {
			t.Fatal(err)
		}
		district := districts.IDs[0]
		if err := f.s.SetTerritories(ctx, f.housing.ID, []int64{district, district}, admin(f.district.ID)); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetTerritories(ctx, f.district.ID, []int64{district}, okno.System); err != nil {
			t.Fatal(err)
		}
		n := f.log.len()
		if err := f.s.SetTerritories(ctx, f.district.ID, []int64{district}, okno.System); err != nil || f.log.len() != n {
			t.Errorf("setting the same territories again: err %v, %d new audit entries", err, f.log.len()-n)
		}
		err = f.s.SetTerritories(ctx, f.district.ID, []int64{district, 999}, okno.System)
		if e := okno.AsError(err); e.Code != okno.EINVALID || e.Fields[0].Field != "territory_ids[1]" {
			t.Errorf("unknown territory: err = %v, want invalid territory_ids[1]", err)
		}
		if ids, _ := f.s.Territories(ctx, f.district.ID); !cmp.Equal([]int64{district}, ids) {
			t.Errorf("territories after a rejected change = %v, want [%d]", ids, district)
		}
		if err := f.s.SetTerritories(ctx, f.committee.ID, []int64{district}, admin(f.district.ID)); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("district admin linking a committee: err = %v, want forbidden", err)
		}

		for _, tt := range []struct {
			territory int64
			kind      org.Kind
			want      []string
		}{
			{district, org.KindHousingAgency, []string{"Жилищное агентство"}},
			{munis.IDs[0], org.KindHousingAgency, []string{"Жилищное агентство"}}, // through the parent district
			{munis.IDs[0], org.KindDistrictAdministration, []string{"Администрация района"}},
			{districts.IDs[1], org.KindHousingAgency, []string{}},
			{district, org.KindCommittee, []string{}},
		} {
			got, err := f.s.ServingTerritory(ctx, tt.territory, tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, namesOf(got)); diff != "" {
				t.Errorf("ServingTerritory(%d, %s) (-want +got):\n%s", tt.territory, tt.kind, diff)
			}
		}
	})
}
