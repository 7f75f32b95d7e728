package identity

import (
	"context"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestLockoutAndExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.citizen("ivan@mail.ru", "correct horse battery")
		bad := Credentials{Contact: "ivan@mail.ru", Password: "wrong password"}
		for i := 0; i < 4; i++ {
			_, err := e.svc.SignIn(ctx, bad)
			wantKey(t, err, okno.EUNAUTHORIZED, "identity.signin_failed")
		}
		_, err := e.svc.SignIn(ctx, bad)
		wantKey(t, err, okno.ERATELIMITED, "identity.signin_locked", 15)
		// Locked means locked, even with the right password.
		e.clock.Advance(10*time.Minute + time.Second)
		_, err = e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery"})
		wantKey(t, err, okno.ERATELIMITED, "identity.signin_locked", 5)
		// An unknown account locks exactly the same way.
		for i := 0; i < 4; i++ {
			_, err := e.svc.SignIn(ctx, Credentials{Contact: "nobody@mail.ru", Password: "wrong password"})
			wantKey(t, err, okno.EUNAUTHORIZED, "identity.signin_failed")
		}
		_, err = e.svc.SignIn(ctx, Credentials{Contact: "nobody@mail.ru", Password: "wrong password"})
		wantKey(t, err, okno.ERATELIMITED, "identity.signin_locked", 15)
		// After the lock, the right password works and clears the count.
		e.clock.Advance(5 * time.Minute)
		if _, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			_, err := e.svc.SignIn(ctx, bad)
			wantKey(t, err, okno.EUNAUTHORIZED, "identity.signin_failed")
		}
	})
}

func TestIPCap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		e.svc.opts.IPFailures = 6
		ctx := context.Background()
		e.citizen("ivan@mail.ru", "correct horse battery")
		// Six unknown accounts tried once each from one address: no account locks,
		// the address does.
		for _, c := range []string{"a@mail.ru", "b@mail.ru", "c@mail.ru", "d@mail.ru", "e@mail.ru"} {
			_, err := e.svc.SignIn(ctx, Credentials{Contact: c, Password: "wrong password", IP: "203.0.113.9"})
			wantKey(t, err, okno.EUNAUTHORIZED, "identity.signin_failed")
		}
		_, err := e.svc.SignIn(ctx, Credentials{Contact: "f@mail.ru", Password: "wrong password", IP: "203.0.113.9"})
		wantKey(t, err, okno.ERATELIMITED, "identity.signin_locked", 15)
		_, err = e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery", IP: "203.0.113.9"})
		wantKey(t, err, okno.ERATELIMITED, "identity.signin_locked", 15)
		// Another address is not affected.
		if _, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery", IP: "198.51.100.7"}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStaffAndCitizenDoors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.citizen("ivan@mail.ru", "correct horse battery")
		if _, err := e.svc.CreateStaff(ctx, okno.Actor{Kind: okno.ActorCitizen, UserID: 1}, "olga@adm.ru", "Ольга", "staff long password"); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Fatalf("citizen creating staff: %v, want forbidden", err)
		}
		staffID, err := e.svc.CreateStaff(ctx, okno.System, "olga@adm.ru", "Ольга", "staff long password")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.CreateStaff(ctx, okno.System, "OLGA@adm.ru", "Ольга 2", "staff long password")
		wantKey(t, err, okno.ECONFLICT, "identity.staff_exists")

		_, err = e.svc.SignIn(ctx, Credentials{Contact: "olga@adm.ru", Password: "staff long password"})
		wantKey(t, err, okno.EUNAUTHORIZED, "identity.signin_failed")
		_, err = e.svc.SignInStaff(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery"})
		wantKey(t, err, okno.EUNAUTHORIZED, "identity.signin_failed")
		ss, err := e.svc.SignInStaff(ctx, Credentials{Contact: "olga@adm.ru", Password: "staff long password"})
		if err != nil {
			t.Fatal(err)
		}
		if ss.UserID != staffID || ss.Kind != KindStaff {
			t.Fatalf("staff session = %+v", ss)
		}
		if err := e.svc.SelectOrganisation(ctx, ss.ID, 7); err != nil {
			t.Fatal(err)
		}
		auth, err := e.svc.Authenticate(ctx, ss.Token)
		if err != nil {
			t.Fatal(err)
		}
		if got := auth.Actor(); got.Kind != okno.ActorStaff || got.OrgID != 7 || got.UserID != staffID {
			t.Errorf("actor = %+v, want staff %d in org 7", got, staffID)
		}
		cit, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SelectOrganisation(ctx, cit.ID, 7); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("citizen selecting an organisation: %v, want forbidden", err)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.citizen("ivan@mail.ru", "correct horse battery")
		signIn := func() Session {
			t.Helper()
			ss, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery"})
			if err != nil {
				t.Fatal(err)
			}
			return ss
		}
		// Idle: 30 minutes without a request ends it; requests keep it alive.
		ss := signIn()
		e.clock.Advance(29 * time.Minute)
		if _, err := e.svc.Authenticate(ctx, ss.Token); err != nil {
			t.Fatalf("after 29 idle minutes: %v", err)
		}
		e.clock.Advance(29 * time.Minute)
		if _, err := e.svc.Authenticate(ctx, ss.Token); err != nil {
			t.Fatalf("29 minutes after the last request: %v", err)
		}
		e.clock.Advance(30 * time.Minute)
		_, err := e.svc.Authenticate(ctx, ss.Token)
		wantKey(t, err, okno.EUNAUTHORIZED, "identity.session_expired")

		// Absolute: 12 hours even when active.
		ss = signIn()
		for i := 0; i < 28; i++ { // 11 h 40 min
			e.clock.Advance(25 * time.Minute)
			if _, err := e.svc.Authenticate(ctx, ss.Token); err != nil {
				t.Fatalf("active after %d min: %v", (i+1)*25, err)
			}
		}
		e.clock.Advance(25 * time.Minute) // 12 h 5 min
		_, err = e.svc.Authenticate(ctx, ss.Token)
		wantKey(t, err, okno.EUNAUTHORIZED, "identity.session_expired")

		_, err = e.svc.Authenticate(ctx, "not a token")
		wantKey(t, err, okno.EUNAUTHORIZED, "identity.session_expired")
	})
}

func TestNewSessionPerSignInAndSignOut(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.citizen("ivan@mail.ru", "correct horse battery")
		cr := Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery"}
		a, err := e.svc.SignIn(ctx, cr)
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.SignIn(ctx, cr)
		if err != nil {
			t.Fatal(err)
		}
		if a.Token == b.Token || a.ID == b.ID || a.CSRFToken == b.CSRFToken || len(a.Token) < 43 {
			t.Fatalf("two sign-ins share a session or token: %+v %+v", a, b)
		}
		// The stored hash is not the token.
		var n int
		db.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE token_hash = ?`, []byte(a.Token)).Scan(&n)
		if n != 0 {
			t.Error("token stored in plaintext")
		}
		if err := e.svc.SignOut(ctx, a.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, a.Token); !okno.IsCode(err, okno.EUNAUTHORIZED) {
			t.Errorf("signed-out session: %v, want unauthorized", err)
		}
		if _, err := e.svc.Authenticate(ctx, b.Token); err != nil {
			t.Errorf("other session after sign-out: %v", err)
		}
		if err := e.svc.SignOut(ctx, a.Token); err != nil {
			t.Errorf("second sign-out: %v", err)
		}
	})
}

func TestChangePasswordRevokesSessions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		uid := e.citizen("ivan@mail.ru", "correct horse battery")
		old, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.ChangePassword(ctx, uid, "wrong current", "new long password")
		wantKey(t, err, okno.EINVALID, "identity.password_wrong")
		fresh, err := e.svc.ChangePassword(ctx, uid, "correct horse battery", "new long password")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, old.Token); !okno.IsCode(err, okno.EUNAUTHORIZED) {
			t.Errorf("old session after password change: %v, want unauthorized", err)
		}
		if _, err := e.svc.Authenticate(ctx, fresh.Token); err != nil {
			t.Errorf("new session: %v", err)
		}
		if _, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "new long password"}); err != nil {
			t.Errorf("sign-in with new password: %v", err)
		}
	})
}

func TestRehashOnSignIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		uid := e.citizen("ivan@mail.ru", "correct horse battery")
		e.svc.opts.Password = Argon2Params{Time: 2, Memory: 128, Threads: 1}
		if _, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		var h string
		db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, uid).Scan(&h)
		if p, _, _, err := parsePHC(h); err != nil || p != e.svc.opts.Password {
			t.Errorf("hash after sign-in = %q, want parameters %+v", h, e.svc.opts.Password)
		}
	})
}

func TestPurgeExpired(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.citizen("ivan@mail.ru", "correct horse battery") // one session, one used code, send throttles
		if n, err := e.svc.PurgeExpired(ctx); err != nil || n != 1 {
			t.Fatalf("PurgeExpired now = %d, %v; want only the used code", n, err)
		}
		e.clock.Advance(25 * time.Hour)
		if n, err := e.svc.PurgeExpired(ctx); err != nil || n != 3 {
			t.Fatalf("PurgeExpired a day later = %d, %v; want the session and two throttle rows", n, err)
		}
	})
}
