package identity

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestSignUpConfirmSignIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		err := e.svc.SignUp(ctx, NewAccount{Contact: " Ivan.Petrov@Mail.RU ", Password: "correct horse battery", DisplayName: "Иван"})
		if err != nil {
			t.Fatal(err)
		}
		// Before confirming, the account exists at level none.
		ms := e.deliver()
		if len(ms) != 1 {
			t.Fatalf("delivered %d messages, want 1", len(ms))
		}
		got := ms[0]
		code := sixDigitsRE.FindString(got.Body)
		got.Body, got.UserID = "", 0
		want := Message{Channel: ChannelEmail, To: "ivan.petrov@mail.ru", Subject: "Код подтверждения Окна"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("message (-want +got):\n%s", diff)
		}
		// The outbox payload carries no personal data and no plain code.
		var payload string
		if err := db.QueryRowContext(ctx, `SELECT payload FROM outbox WHERE topic = ?`, DeliverTopic).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(payload, "ivan") || strings.Contains(payload, code) {
			t.Errorf("outbox payload %q holds personal data or the code", payload)
		}

		if _, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan.petrov@mail.ru", Password: "correct horse battery"}); err != nil {
			t.Fatalf("sign-in before confirming: %v", err)
		}
		if err := e.svc.Confirm(ctx, "IVAN.PETROV@mail.ru", code); err != nil {
			t.Fatal(err)
		}
		ss, err := e.svc.SignIn(ctx, Credentials{Contact: "ivan.petrov@mail.ru", Password: "correct horse battery", IP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		auth, err := e.svc.Authenticate(ctx, ss.Token)
		if err != nil {
			t.Fatal(err)
		}
		if auth.UserID != ss.UserID || auth.Kind != KindCitizen || auth.Assurance != AssuranceSimplified || auth.CSRFToken != ss.CSRFToken || auth.CSRFToken == "" {
			t.Errorf("Authenticate = %+v, want the signed-in simplified citizen", auth)
		}
		// The code is single-use.
		wantKey(t, e.svc.Confirm(ctx, "ivan.petrov@mail.ru", code), okno.EINVALID, "identity.code_wrong")
		// The audit log has the story, without personal data.
		var actions []string
		rows, err := db.QueryContext(ctx, `SELECT action FROM audit_entries ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			rows.Scan(&a)
			actions = append(actions, a)
		}
		if diff := cmp.Diff([]string{"identity.signup", "identity.signin", "identity.confirm_contact", "identity.signin"}, actions); diff != "" {
			t.Errorf("audit actions (-want +got):\n%s", diff)
		}
	})
}

func TestSignUpPhone(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		uid := e.citizen("8 (916) 123-45-67", "correct horse battery")
		p, err := e.svc.Profile(context.Background(), uid)
		if err != nil {
			t.Fatal(err)
		}
		if p.Phone != "+79161234567" || p.Email != "" || p.Assurance != AssuranceSimplified {
			t.Errorf("profile = %+v", p)
		}
	})
}

func TestSignUpValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		err := e.svc.SignUp(context.Background(), NewAccount{Contact: "ivan@", Password: "qwerty123", DisplayName: " "})
		want := []okno.FieldError{
			{Field: "contact", Key: "ruid.email_format"},
			{Field: "password", Key: "identity.password_common"},
			{Field: "display_name", Key: "identity.display_name_required"},
		}
		if diff := cmp.Diff(want, okno.AsError(err).Fields); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		err = e.svc.SignUp(context.Background(), NewAccount{Contact: "12", Password: "short", DisplayName: "a"})
		want = []okno.FieldError{
			{Field: "contact", Key: "identity.contact_format"},
			{Field: "password", Key: "identity.password_short", Args: []any{MinPasswordLen}},
		}
		if diff := cmp.Diff(want, okno.AsError(err).Fields); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
	})
}

func TestSignUpExistingDoesNotReveal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.citizen("anna@mail.ru", "correct horse battery")
		e.clock.Advance(2 * time.Minute) // past the resend limit
		err := e.svc.SignUp(ctx, NewAccount{Contact: "anna@mail.ru", Password: "another long password", DisplayName: "Не Анна"})
		if err != nil {
			t.Fatalf("sign-up of an existing contact: %v, want the same success as a new one", err)
		}
		ms := e.deliver()
		if len(ms) != 1 || ms[0].Subject != "У вас уже есть учётная запись в Окне" || sixDigitsRE.MatchString(ms[0].Body) {
			t.Fatalf("delivered %+v, want one 'already have an account' message without a code", ms)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
		if n != 1 {
			t.Errorf("users = %d, want 1", n)
		}
		// The old password still works; the new one does not.
		if _, err := e.svc.SignIn(ctx, Credentials{Contact: "anna@mail.ru", Password: "correct horse battery"}); err != nil {
			t.Errorf("old password: %v", err)
		}
	})
}

func TestCodeAttemptsExhausted(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if err := e.svc.SignUp(ctx, NewAccount{Contact: "ivan@mail.ru", Password: "correct horse battery", DisplayName: "Иван"}); err != nil {
			t.Fatal(err)
		}
		code := e.lastCode()
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for left := 4; left >= 1; left-- {
			wantKey(t, e.svc.Confirm(ctx, "ivan@mail.ru", wrong), okno.EINVALID, "identity.code_wrong", left)
		}
		wantKey(t, e.svc.Confirm(ctx, "ivan@mail.ru", wrong), okno.EINVALID, "identity.code_exhausted")
		// Even the right code is refused now.
		wantKey(t, e.svc.Confirm(ctx, "ivan@mail.ru", code), okno.EINVALID, "identity.code_exhausted")
		// A contact without an account answers exactly the same way.
		for left := 4; left >= 1; left-- {
			wantKey(t, e.svc.Confirm(ctx, "nobody@mail.ru", wrong), okno.EINVALID, "identity.code_wrong", left)
		}
		wantKey(t, e.svc.Confirm(ctx, "nobody@mail.ru", wrong), okno.EINVALID, "identity.code_exhausted")

		// A resend (after the minute limit) gives a fresh code that works.
		e.clock.Advance(time.Minute)
		if err := e.svc.ResendCode(ctx, "ivan@mail.ru"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Confirm(ctx, "ivan@mail.ru", e.lastCode()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCodeExpired(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if err := e.svc.SignUp(ctx, NewAccount{Contact: "ivan@mail.ru", Password: "correct horse battery", DisplayName: "Иван"}); err != nil {
			t.Fatal(err)
		}
		code := e.lastCode()
		e.clock.Advance(15 * time.Minute)
		wantKey(t, e.svc.Confirm(ctx, "ivan@mail.ru", code), okno.EINVALID, "identity.code_expired")
		var uid int64
		db.QueryRowContext(ctx, `SELECT id FROM users`).Scan(&uid)
		if got := assurance(t, db, uid); got != AssuranceNone {
			t.Errorf("assurance = %s, want none", got)
		}
	})
}

func TestResendThrottled(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if err := e.svc.SignUp(ctx, NewAccount{Contact: "ivan@mail.ru", Password: "correct horse battery", DisplayName: "Иван"}); err != nil {
			t.Fatal(err)
		}
		wantKey(t, e.svc.ResendCode(ctx, "ivan@mail.ru"), okno.ERATELIMITED, "identity.send_wait", 1)
		// The same for a contact nobody has: the limit tells nothing.
		if err := e.svc.ResendCode(ctx, "nobody@mail.ru"); err != nil {
			t.Fatal(err)
		}
		wantKey(t, e.svc.ResendCode(ctx, "nobody@mail.ru"), okno.ERATELIMITED, "identity.send_wait", 1)
		// Four more sends an hour apart by a minute each, then the hourly cap.
		for i := 0; i < 4; i++ {
			e.clock.Advance(time.Minute)
			if err := e.svc.ResendCode(ctx, "ivan@mail.ru"); err != nil {
				t.Fatalf("resend %d: %v", i+2, err)
			}
		}
		e.clock.Advance(time.Minute)
		wantKey(t, e.svc.ResendCode(ctx, "ivan@mail.ru"), okno.ERATELIMITED, "identity.send_wait", 55) // the hour opened with the first send, 5 minutes ago
		// Delivered only now, the four superseded codes are skipped: only the
		// newest would work.
		if n := len(e.deliver()); n != 1 {
			t.Errorf("delivered %d codes, want 1", n)
		}
	})
}
