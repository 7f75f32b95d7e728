package identity

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

var operator = okno.Actor{Kind: okno.ActorStaff, UserID: 99, OrgID: 3, Roles: []okno.Role{okno.RoleOperator}}

func TestStandardLevel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		uid := e.citizen("ivan@mail.ru", "correct horse battery")
		var before []byte
		db.QueryRowContext(ctx, `SELECT person_enc FROM users WHERE id = ?`, uid).Scan(&before)

		bad := validPerson("112-233-445 96", "45 06 123456")
		bad.BirthDate = "2020-01-01"
		bad.FirstName = "Ivan1"
		err := e.svc.SubmitPersonalData(ctx, uid, bad)
		want := []okno.FieldError{
			{Field: "first_name", Key: "identity.name_invalid"},
			{Field: "birth_date", Key: "identity.birth_date_range"},
			{Field: "snils", Key: "ruid.snils_checksum"},
		}
		if diff := cmp.Diff(want, okno.AsError(err).Fields); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		var after []byte
		db.QueryRowContext(ctx, `SELECT person_enc FROM users WHERE id = ?`, uid).Scan(&after)
		if got := assurance(t, db, uid); got != AssuranceSimplified || after != nil || before != nil {
			t.Fatalf("after invalid data: assurance %s, person_enc %x; want nothing changed", got, after)
		}

		if err := e.svc.SubmitPersonalData(ctx, uid, validPerson("112-233-445 95", "45 06 123456")); err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.Profile(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		got := p.Masked()
		wantP := Profile{UserID: uid, Kind: KindCitizen, DisplayName: "Иван", Assurance: AssuranceStandard,
			Email: "i***@mail.ru", LastName: "Петров", FirstName: "Иван", MiddleName: "Сергеевич", BirthDate: "1985-03-21",
			Passport: "45 ** ****56", SNILS: "***-***-*** 95", CreatedAt: testNow}
		if diff := cmp.Diff(wantP, got); diff != "" {
			t.Errorf("masked profile (-want +got):\n%s", diff)
		}
		if p.SNILS != "11223344595" || p.Passport != "4506123456" {
			t.Errorf("profile = %+v, want the normalised identifiers", p)
		}
	})
}

func TestStandardLevelNeedsConfirmedContact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if err := e.svc.SignUp(ctx, NewAccount{Contact: "ivan@mail.ru", Password: "correct horse battery", DisplayName: "Иван"}); err != nil {
			t.Fatal(err)
		}
		var uid int64
		db.QueryRowContext(ctx, `SELECT id FROM users`).Scan(&uid)
		err := e.svc.SubmitPersonalData(ctx, uid, validPerson("112-233-445 95", "45 06 123456"))
		wantKey(t, err, okno.EFORBIDDEN, "identity.contact_unconfirmed")
	})
}

func TestDuplicateSNILS(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.standard("ivan@mail.ru", "112-233-445 95", "45 06 123456")
		e.clock.Advance(time.Minute)
		other := e.citizen("+7 916 123-45-67", "another long password")
		err := e.svc.SubmitPersonalData(ctx, other, validPerson("11223344595", "45 07 654321"))
		wantKey(t, err, okno.ECONFLICT, "identity.snils_taken")
		if got := assurance(t, db, other); got != AssuranceSimplified {
			t.Errorf("assurance = %s, want simplified", got)
		}
	})
}

func TestConfirmByPost(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		uid := e.standard("ivan@mail.ru", "112-233-445 95", "45 06 123456")
		wantKey(t, e.svc.ConfirmPostCode(ctx, uid, "123456"), okno.EINVALID, "identity.code_none")
		wantKey(t, e.svc.RequestPostCode(ctx, uid, "short"), okno.EINVALID, "identity.address_invalid")
		addr := "123456, г. Тверь, ул. Советская, д. 1, кв. 2"
		if err := e.svc.RequestPostCode(ctx, uid, addr); err != nil {
			t.Fatal(err)
		}
		ms := e.deliver()
		if len(ms) != 1 || ms[0].Channel != ChannelPost || ms[0].To != addr {
			t.Fatalf("delivered %+v, want one letter to the address", ms)
		}
		code := sixDigitsRE.FindString(ms[0].Body)
		e.clock.Advance(10 * 24 * time.Hour) // letters are slow
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		wantKey(t, e.svc.ConfirmPostCode(ctx, uid, wrong), okno.EINVALID, "identity.code_wrong", 4)
		if err := e.svc.ConfirmPostCode(ctx, uid, code); err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.Profile(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		if p.Assurance != AssuranceConfirmed || p.ConfirmedVia != "post" || p.Address != addr {
			t.Errorf("profile = %+v, want confirmed by post", p)
		}
		wantKey(t, e.svc.RequestPostCode(ctx, uid, addr), okno.ECONFLICT, "identity.already_confirmed")
		err = e.svc.SubmitPersonalData(ctx, uid, validPerson("112-233-445 95", "45 06 123456"))
		wantKey(t, err, okno.ECONFLICT, "identity.already_confirmed")
	})
}

func TestConfirmByOperator(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		uid := e.standard("ivan@mail.ru", "112-233-445 95", "45 06 123456")

		official := okno.Actor{Kind: okno.ActorStaff, UserID: 5, OrgID: 3, Roles: []okno.Role{okno.RoleOfficial}}
		if _, err := e.svc.FindBySNILS(ctx, official, "112-233-445 95"); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("official looking up: %v, want forbidden", err)
		}
		found, err := e.svc.FindBySNILS(ctx, operator, "11223344595")
		if err != nil {
			t.Fatal(err)
		}
		want := Citizen{UserID: uid, Assurance: AssuranceStandard, LastName: "Петров", FirstName: "Иван", MiddleName: "Сергеевич",
			Email: "i***@mail.ru", SNILS: "***-***-*** 95"}
		if diff := cmp.Diff(want, found); diff != "" {
			t.Errorf("FindBySNILS (-want +got):\n%s", diff)
		}
		if byEmail, err := e.svc.FindByEmail(ctx, operator, "IVAN@mail.ru"); err != nil || byEmail.UserID != uid {
			t.Errorf("FindByEmail = %+v, %v", byEmail, err)
		}
		_, err = e.svc.FindByPhone(ctx, operator, "+7 916 000-00-00")
		wantKey(t, err, okno.ENOTFOUND, "identity.citizen_not_found")

		wantKey(t, e.svc.ConfirmByOperator(ctx, official, uid, "45 06 123456"), okno.EFORBIDDEN, "error.forbidden")
		wantKey(t, e.svc.ConfirmByOperator(ctx, operator, uid, "45 06 123457"), okno.EINVALID, "identity.passport_mismatch")
		if got := assurance(t, db, uid); got != AssuranceStandard {
			t.Fatalf("assurance after mismatch = %s", got)
		}
		if err := e.svc.ConfirmByOperator(ctx, operator, uid, "4506 123456"); err != nil {
			t.Fatal(err)
		}
		var via, by string
		db.QueryRowContext(ctx, `SELECT confirmed_via, confirmed_by FROM users WHERE id = ?`, uid).Scan(&via, &by)
		if via != "operator" || by != operator.Ref() {
			t.Errorf("confirmed via %q by %q, want operator %q", via, by, operator.Ref())
		}
		var actor string
		db.QueryRowContext(ctx, `SELECT actor FROM audit_entries WHERE action = 'identity.confirm_operator'`).Scan(&actor)
		if actor != operator.Ref() {
			t.Errorf("audit actor = %q, want %q", actor, operator.Ref())
		}
	})
}
