package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
)

// Password is the password of every demo account. It is public: demo data
// is for trying Okno out, never for a real installation.
const Password = "okno-demo-2026"

// Account is a demo sign-in printed for the person trying Okno.
type Account struct {
	Login string // e-mail
	Name  string
	What  string // what this account shows, e.g. "гражданин, подтверждённая учётная запись"
	Staff bool
}

// demoCitizens are the demo citizens, one per assurance level above none.
// Their СНИЛС and passport numbers are made up (valid checksums, no one's).
var demoCitizens = []struct {
	Email, Name string
	Level       identity.Assurance
	Person      identity.PersonalData
}{
	{"anna@okno.test", "Анна Иванова", identity.AssuranceSimplified, identity.PersonalData{}},
	{"petr@okno.test", "Пётр Петров", identity.AssuranceStandard, identity.PersonalData{
		LastName: "Петров", FirstName: "Пётр", MiddleName: "Сергеевич", BirthDate: "1985-04-12",
		Passport: "4010 123456", SNILS: "112-233-445 95"}},
	{"maria@okno.test", "Мария Смирнова", identity.AssuranceConfirmed, identity.PersonalData{
		LastName: "Смирнова", FirstName: "Мария", MiddleName: "Андреевна", BirthDate: "1990-09-30",
		Passport: "4015 654321", SNILS: "123-456-789 64"}},
}

// staffFor says which demo staff an organisation gets: login prefix, the
// title of the position they hold (see positionsFor) and a name.
func staffFor(k org.Kind) []struct{ prefix, title, name string } {
	s := []struct{ prefix, title, name string }{
		{"official", "Главный специалист", "Ольга Кузнецова"},
		{"head", titleDepartment, "Сергей Васильев"},
	}
	switch k {
	case org.KindDistrictAdministration:
		s = append(s, struct{ prefix, title, name string }{"operator", "Оператор приёмной", "Ирина Соколова"})
	case org.KindControllingBody:
		s = append(s, struct{ prefix, title, name string }{"inspector", "Инспектор", "Алексей Морозов"})
	}
	return s
}

// staffLogin makes a demo staff e-mail from a prefix and an organisation
// code: "official" + "spb.admin.nevsky" → "official.admin-nevsky@okno.test".
func staffLogin(prefix, code string) string {
	c := strings.TrimPrefix(code, "spb.")
	if c == "spb" {
		c = "gov"
	}
	return prefix + "." + strings.ReplaceAll(c, ".", "-") + "@okno.test"
}

// AdminLogin is the demo platform administrator.
const AdminLogin = "admin@okno.test"

// LoadPeople creates the demo staff — in every organisation an official and
// a head of department, operators in district administrations, inspectors
// in controlling bodies, and a platform administrator — and the demo
// citizens at each assurance level. Organisations must be loaded first.
// Accounts that exist already are left as they are, so it may run again.
func LoadPeople(ctx context.Context, db *sqldb.DB, ids *identity.Service, orgs *org.Service) error {
	sys := okno.System
	gov, err := orgs.ByCode(ctx, "spb")
	if err != nil {
		return fmt.Errorf("demo: organisations are not loaded: %w", err)
	}
	if _, err := addStaff(ctx, db, ids, orgs, gov.ID, AdminLogin, "Администратор платформы", "Елена Администратор"); err != nil {
		return err
	}
	var centralOperator okno.Actor
	for _, o := range Organisations() {
		rec, err := orgs.ByCode(ctx, o.Code)
		if err != nil {
			return fmt.Errorf("demo: organisation %s: %w", o.Code, err)
		}
		for _, s := range staffFor(o.Kind) {
			uid, err := addStaff(ctx, db, ids, orgs, rec.ID, staffLogin(s.prefix, o.Code), s.title, s.name)
			if err != nil {
				return err
			}
			if o.Code == showcaseOrg && s.prefix == "operator" && uid != 0 {
				centralOperator = okno.Actor{Kind: okno.ActorStaff, UserID: uid, OrgID: rec.ID, Roles: []okno.Role{okno.RoleOperator}}
			}
		}
	}
	for _, c := range demoCitizens {
		uid, err := ids.RegisterCitizen(ctx, sys, identity.NewAccount{Contact: c.Email, Password: Password, DisplayName: c.Name})
		if okno.IsCode(err, okno.ECONFLICT) {
			continue // loaded before
		}
		if err != nil {
			return fmt.Errorf("demo: citizen %s: %w", c.Email, err)
		}
		if c.Level == identity.AssuranceSimplified {
			continue
		}
		if err := ids.SubmitPersonalData(ctx, uid, c.Person); err != nil {
			return fmt.Errorf("demo: personal data of %s: %w", c.Email, err)
		}
		if c.Level == identity.AssuranceConfirmed {
			if centralOperator.UserID == 0 {
				continue // operator existed before this run: the citizen was confirmed then
			}
			if err := ids.ConfirmByOperator(ctx, centralOperator, uid, c.Person.Passport); err != nil {
				return fmt.Errorf("demo: confirming %s: %w", c.Email, err)
			}
		}
	}
	return nil
}

// showcaseOrg is the organisation whose staff Accounts lists.
const showcaseOrg = "spb.admin.tsentralny"

// Accounts lists the demo sign-ins worth printing: the administrator, the
// staff of the Central district administration and the citizens. Every
// other organisation's staff follow the same pattern (see staffLogin).
func Accounts() []Account {
	as := []Account{{AdminLogin, "Елена Администратор", "администратор платформы, Правительство Санкт-Петербурга", true}}
	for _, o := range Organisations() {
		if o.Code != showcaseOrg {
			continue
		}
		for _, s := range staffFor(o.Kind) {
			as = append(as, Account{staffLogin(s.prefix, o.Code), s.name, s.title + ", " + o.ShortName, true})
		}
	}
	what := map[identity.Assurance]string{
		identity.AssuranceSimplified: "гражданин, упрощённая учётная запись",
		identity.AssuranceStandard:   "гражданин, стандартная учётная запись",
		identity.AssuranceConfirmed:  "гражданин, подтверждённая учётная запись",
	}
	for _, c := range demoCitizens {
		as = append(as, Account{c.Email, c.Name, what[c.Level], false})
	}
	return as
}

// addStaff creates a staff account holding the position titled title in
// orgID, in one transaction, so an interrupted load never leaves an account
// without its position. An account that exists already is left alone (and 0
// returned).
func addStaff(ctx context.Context, db *sqldb.DB, ids *identity.Service, orgs *org.Service, orgID int64, login, title, name string) (int64, error) {
	ps, err := orgs.Positions(ctx, orgID)
	if err != nil {
		return 0, err
	}
	var positionID int64
	for _, p := range ps {
		if p.Title == title || (title == "Администратор платформы" && p.Role == okno.RoleAdmin) {
			positionID = p.ID
			break
		}
	}
	if positionID == 0 {
		return 0, fmt.Errorf("demo: organisation %d has no position %q", orgID, title)
	}
	d, err := ids.DraftStaff(okno.System, login, name, Password)
	if err != nil {
		return 0, fmt.Errorf("demo: staff %s: %w", login, err)
	}
	var uid int64
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if uid, err = ids.CreateStaffTx(ctx, tx, d); err != nil {
			return err
		}
		return orgs.AssignStaffTx(ctx, tx, uid, positionID, okno.System)
	})
	if okno.IsCode(err, okno.ECONFLICT) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("demo: staff %s: %w", login, err)
	}
	return uid, nil
}
