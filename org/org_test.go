package org_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 15, 0, time.UTC)

// testLog is a recording audit log.
type testLog struct{ *audittest.Log }

func newLog(db *sqldb.DB) *testLog {
	return &testLog{audittest.New(db, func() time.Time { return testNow })}
}

func (l *testLog) len() int { return len(l.Entries()) }

// fixture is a small city: a government with a committee and a district
// administration, which has a housing agency.
type fixture struct {
	s                                 *org.Service
	log                               *testLog
	db                                *sqldb.DB
	gov, committee, district, housing org.Organisation
}

func newFixture(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{log: newLog(db), db: db}
	f.s = org.New(db, f.log, func() time.Time { return testNow })
	mk := func(kind org.Kind, name string, parent int64) org.Organisation {
		t.Helper()
		o, err := f.s.CreateOrganisation(ctx, org.Organisation{Kind: kind, Name: name, ParentID: parent}, okno.System)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	f.gov = mk(org.KindRegionGovernment, "Правительство", 0)
	f.district = mk(org.KindDistrictAdministration, "Администрация района", f.gov.ID)
	f.committee = mk(org.KindCommittee, "Комитет", f.gov.ID)
	f.housing = mk(org.KindHousingAgency, "Жилищное агентство", f.district.ID)
	return f
}

func admin(orgID int64) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: 99, OrgID: orgID, Roles: []okno.Role{okno.RoleAdmin}}
}

func namesOf(os []org.Organisation) []string {
	s := []string{}
	for _, o := range os {
		s = append(s, o.Name)
	}
	return s
}

func TestTree(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if f.log.len() != 4 {
			t.Fatalf("%d audit entries after 4 creations, want 4", f.log.len())
		}
		children, err := f.s.Children(ctx, f.gov.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"Администрация района", "Комитет"}, namesOf(children)); diff != "" {
			t.Errorf("Children (-want +got):\n%s", diff)
		}
		sub, err := f.s.Subtree(ctx, f.gov.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"Правительство", "Администрация района", "Комитет", "Жилищное агентство"}, namesOf(sub)); diff != "" {
			t.Errorf("Subtree (-want +got):\n%s", diff)
		}
		up, err := f.s.Ancestors(ctx, f.housing.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"Правительство", "Администрация района"}, namesOf(up)); diff != "" {
			t.Errorf("Ancestors (-want +got):\n%s", diff)
		}
		if up, err := f.s.Ancestors(ctx, f.gov.ID); err != nil || len(up) != 0 {
			t.Errorf("Ancestors(root) = %v, %v; want none", namesOf(up), err)
		}
		for name, fn := range map[string]func(context.Context, int64) ([]org.Organisation, error){
			"Subtree": f.s.Subtree, "Ancestors": f.s.Ancestors,
		} {
			if _, err := fn(ctx, 12345); !okno.IsCode(err, okno.ENOTFOUND) {
				t.Errorf("%s(unknown): err = %v, want not_found", name, err)
			}
		}
		got, err := f.s.Get(ctx, f.housing.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.housing, got); diff != "" {
			t.Errorf("Get (-want +got):\n%s", diff)
		}
		if _, err := f.s.Get(ctx, 12345); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Get(unknown): err = %v, want not_found", err)
		}

		// Keyset pages of one.
		var all []string
		q := org.ListQuery{Limit: 1}
		for {
			page, err := f.s.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			all = append(all, namesOf(page)...)
			q.AfterID = page[len(page)-1].ID
		}
		if diff := cmp.Diff([]string{"Правительство", "Администрация района", "Комитет", "Жилищное агентство"}, all); diff != "" {
			t.Errorf("List pages (-want +got):\n%s", diff)
		}
		byKind, err := f.s.List(ctx, org.ListQuery{Kind: org.KindCommittee})
		if err != nil || len(byKind) != 1 || byKind[0].ID != f.committee.ID {
			t.Errorf("List(committee) = %v, %v", namesOf(byKind), err)
		}
	})
}

func TestUpdate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		before := f.log.len()
		same, err := f.s.UpdateOrganisation(ctx, f.housing, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.housing, same); diff != "" || f.log.len() != before {
			t.Fatalf("no-op update changed something (audit %d→%d) (-want +got):\n%s", before, f.log.len(), diff)
		}

		h := f.housing
		h.ShortName = "ЖА"
		h.Code = "housing-1"
		h.Contacts = org.Contacts{Phone: "+7 (812) 000-00-00", Email: "ja@example.org", Website: "https://www.gov.spb.ru/"}
		h.Hours = org.OfficeHours()
		h.Hours.Note = "по записи"
		got, err := f.s.UpdateOrganisation(ctx, h, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		back, err := f.s.ByCode(ctx, "housing-1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Errorf("stored (-returned +read):\n%s", diff)
		}
		if e := f.log.Entries()[f.log.len()-1]; e.Action != "org.update" || e.Before == nil || e.After == nil {
			t.Errorf("last audit entry = %+v, want org.update with digests", e)
		}

		// A second organisation may not take the same code.
		c := f.committee
		c.Code = "housing-1"
		_, err = f.s.UpdateOrganisation(ctx, c, okno.System)
		if e := okno.AsError(err); e.Code != okno.ECONFLICT || len(e.Fields) != 1 || e.Fields[0].Field != "code" {
			t.Errorf("duplicate code: err = %v, want conflict on code", err)
		}
		// Moving the district under its own housing agency would make a cycle.
		d := f.district
		d.ParentID = f.housing.ID
		_, err = f.s.UpdateOrganisation(ctx, d, okno.System)
		if e := okno.AsError(err); e.Code != okno.EINVALID || len(e.Fields) != 1 || e.Fields[0].Key != "org.parent_cycle" {
			t.Errorf("cycle: err = %v, want invalid parent_cycle", err)
		}
		d.ParentID = d.ID
		if _, err = f.s.UpdateOrganisation(ctx, d, okno.System); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("own parent: err = %v, want invalid", err)
		}
		gone := f.committee
		gone.ID = 12345
		if _, err := f.s.UpdateOrganisation(ctx, gone, okno.System); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("unknown: err = %v, want not_found", err)
		}
	})
}

func TestValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		before := f.log.len()
		bad := org.Organisation{
			Kind: "ministry", Name: " ", INN: "1234567890", OGRN: "1", ParentID: f.gov.ID,
			Contacts: org.Contacts{Phone: "call us", Email: "nobody", Website: "ftp://x"},
			Hours:    org.WorkingHours{Days: [7][]org.Interval{{{From: "10:00", To: "09:00"}}, {{From: "09:00", To: "13:00"}, {From: "12:00", To: "18:00"}}}},
		}
		_, err := f.s.CreateOrganisation(ctx, bad, okno.System)
		want := []okno.FieldError{
			{Field: "kind", Key: "org.kind_invalid"},
			{Field: "name", Key: "org.name_required"},
			{Field: "inn", Key: "org.inn_invalid"},
			{Field: "ogrn", Key: "org.ogrn_invalid"},
			{Field: "contacts.phone", Key: "org.phone_invalid"},
			{Field: "contacts.email", Key: "org.email_invalid"},
			{Field: "contacts.website", Key: "org.website_invalid"},
			{Field: "hours.days[0][0]", Key: "org.hours_interval_invalid"},
			{Field: "hours.days[1][1]", Key: "org.hours_overlap"},
		}
		e := okno.AsError(err)
		if e.Code != okno.EINVALID {
			t.Fatalf("err = %v, want invalid", err)
		}
		if diff := cmp.Diff(want, e.Fields); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		_, err = f.s.CreateOrganisation(ctx, org.Organisation{Kind: org.KindAgency, Name: "x", ParentID: 12345}, okno.System)
		if e := okno.AsError(err); e.Code != okno.EINVALID || e.Fields[0].Key != "org.parent_not_found" {
			t.Errorf("unknown parent: err = %v", err)
		}
		if f.log.len() != before {
			t.Errorf("rejected creations audited %d entries", f.log.len()-before)
		}
	})
}

func TestCanAdminister(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		official := okno.Actor{Kind: okno.ActorStaff, UserID: 5, OrgID: f.gov.ID, Roles: []okno.Role{okno.RoleOfficial}}
		citizen := okno.Actor{Kind: okno.ActorCitizen, UserID: 6, OrgID: f.gov.ID, Roles: []okno.Role{okno.RoleAdmin}}
		tests := []struct {
			name  string
			actor okno.Actor
			org   int64
			want  bool
		}{
			{"system anything", okno.System, f.housing.ID, true},
			{"region admin: committee", admin(f.gov.ID), f.committee.ID, true},
			{"region admin: housing", admin(f.gov.ID), f.housing.ID, true},
			{"district admin: itself", admin(f.district.ID), f.district.ID, true},
			{"district admin: its housing agency", admin(f.district.ID), f.housing.ID, true},
			{"district admin: the government", admin(f.district.ID), f.gov.ID, false},
			{"district admin: a sibling committee", admin(f.district.ID), f.committee.ID, false},
			{"housing admin: its parent", admin(f.housing.ID), f.district.ID, false},
			{"official of the government", official, f.committee.ID, false},
			{"citizen claiming admin", citizen, f.committee.ID, false},
			{"anonymous", okno.Actor{}, f.committee.ID, false},
		}
		for _, tt := range tests {
			got, err := f.s.CanAdminister(ctx, tt.actor, tt.org)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s: CanAdminister = %v, want %v", tt.name, got, tt.want)
			}
		}
		// The service applies the rule at every write.
		if _, err := f.s.CreateOrganisation(ctx, org.Organisation{Kind: org.KindInstitution, Name: "Школа", ParentID: f.committee.ID},
			admin(f.district.ID)); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("district admin under a committee: err = %v, want forbidden", err)
		}
		if _, err := f.s.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Второе"},
			admin(f.district.ID)); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("district admin making a root: err = %v, want forbidden", err)
		}
		if _, err := f.s.CreateOrganisation(ctx, org.Organisation{Kind: org.KindHousingAgency, Name: "ЖКС № 2", ParentID: f.district.ID},
			admin(f.district.ID)); err != nil {
			t.Errorf("district admin under itself: %v", err)
		}
		d := f.housing
		d.ParentID = f.committee.ID
		if _, err := f.s.UpdateOrganisation(ctx, d, admin(f.district.ID)); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("district admin moving its agency out: err = %v, want forbidden", err)
		}
		if ok, err := f.s.CanAdministerRegion(ctx, admin(f.gov.ID)); err != nil || !ok {
			t.Errorf("CanAdministerRegion(region admin) = %v, %v", ok, err)
		}
		if ok, err := f.s.CanAdministerRegion(ctx, admin(f.district.ID)); err != nil || ok {
			t.Errorf("CanAdministerRegion(district admin) = %v, %v", ok, err)
		}
	})
}
