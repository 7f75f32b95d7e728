package identity

import (
	"context"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestRegisterCitizen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		in := NewAccount{Contact: "+7 (921) 555-12-34", Password: "очень-надёжный-пароль", DisplayName: "Мария"}

		citizen := okno.Actor{Kind: okno.ActorCitizen, UserID: 99}
		_, err := e.svc.RegisterCitizen(ctx, citizen, in)
		wantKey(t, err, okno.EFORBIDDEN, "error.forbidden")

		bad := in
		bad.Contact = "не телефон"
		_, err = e.svc.RegisterCitizen(ctx, operator, bad)
		if !okno.IsCode(err, okno.EINVALID) {
			t.Fatalf("bad contact: %v, want invalid", err)
		}

		uid, err := e.svc.RegisterCitizen(ctx, operator, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := assurance(t, db, uid); got != AssuranceSimplified {
			t.Fatalf("assurance = %s, want simplified", got)
		}
		if _, err := e.svc.SignIn(ctx, Credentials{Contact: "89215551234", Password: in.Password, IP: "192.0.2.1"}); err != nil {
			t.Fatalf("sign in after registration: %v", err)
		}
		_, err = e.svc.RegisterCitizen(ctx, operator, in)
		wantKey(t, err, okno.ECONFLICT, "identity.citizen_exists")
	})
}
