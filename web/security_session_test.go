package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// TestSecuritySessionFixation plants a session cookie before sign-in — a
// value the attacker made up and the attacker's own live session — and
// checks that signing in always hands out a new token, that the planted
// value opens nothing afterwards, and that signing out ends the session
// on the server, not only in the browser.
func TestSecuritySessionFixation(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		secCitizen(t, live, "Пётр", "fixation@example.ru")
		attacker := secCitizen(t, live, "Злоумышленник", "attacker@example.ru")
		attackerToken := attacker.cookie("okno_session")
		if attackerToken == "" {
			t.Fatal("the attacker's browser holds no session after signing in")
		}

		buildWorld(t, live) // staff-official@spb.example
		doors := []struct{ path, contact, password string }{
			{"/signin", "fixation@example.ru", secPassword},
			{"/staff/signin", "staff-official@spb.example", castPassword},
		}
		for i, planted := range []string{"attacker-chosen-session-value-0123456789", "x", "sess-staff-official"} {
			door := doors[i%2]
			victim := newSecBrowser(t, live)
			victim.plant("okno_session", planted)
			res, body := victim.signIn(door.path, door.contact, door.password)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s with a planted cookie: status %d\n%s", door.path, res.StatusCode, excerptOf(body))
			}
			issued := setCookieOf(res, "okno_session")
			if issued == nil || issued.Value == "" || issued.Value == planted {
				t.Fatalf("sign-in set session cookie %v, want a new token (planted %q)", issued, planted)
			}
			if got := victim.cookie("okno_session"); got != issued.Value {
				t.Errorf("the browser holds %q after sign-in, want the issued token", got)
			}
			// The planted value is nobody: the attacker's browser with it is anonymous.
			replay := newSecBrowser(t, live)
			replay.plant("okno_session", planted)
			if res, _ := replay.get("/cabinet"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
				t.Errorf("the planted value opens /cabinet: status %d location %q", res.StatusCode, res.Header.Get("Location"))
			}
		}

		// A live session of someone else, planted before sign-in, is not
		// adopted either: the sign-in door is for anonymous visitors, so the
		// victim stays the attacker (a login CSRF the victim can see) and the
		// attacker's token never becomes the victim's session.
		victim := newSecBrowser(t, live)
		victim.plant("okno_session", attackerToken)
		victim.get("/signin")
		victim.post("/signin", "contact", "fixation@example.ru", "password", secPassword)
		if s, err := live.App.Identity.Authenticate(context.Background(), attackerToken); err != nil || s.UserID == userID(t, live, "fixation@example.ru") {
			t.Errorf("the attacker's token now authenticates %+v (%v), want the attacker still", s, err)
		}

		// Two sign-ins of the same person get two tokens.
		a := newSecBrowser(t, live)
		a.signIn("/signin", "fixation@example.ru", secPassword)
		b := newSecBrowser(t, live)
		b.signIn("/signin", "fixation@example.ru", secPassword)
		if a.cookie("okno_session") == b.cookie("okno_session") {
			t.Error("two sign-ins got the same session token")
		}

		// Signing out revokes the token on the server: replaying it from
		// another browser opens nothing.
		old := a.cookie("okno_session")
		a.get("/cabinet")
		res, _ := a.post("/signout")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-out: status %d", res.StatusCode)
		}
		if c := setCookieOf(res, "okno_session"); c == nil || c.MaxAge >= 0 {
			t.Errorf("sign-out did not clear the cookie: %v", c)
		}
		if _, err := live.App.Identity.Authenticate(context.Background(), old); !okno.IsCode(err, okno.EUNAUTHORIZED) {
			t.Errorf("the signed-out token authenticates: err %v, want unauthorized", err)
		}
		replay := newSecBrowser(t, live)
		replay.plant("okno_session", old)
		if res, _ := replay.get("/cabinet"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the signed-out token opens /cabinet: status %d", res.StatusCode)
		}
		// The other session of the same person is untouched.
		if res, _ := b.get("/cabinet"); res.StatusCode != http.StatusOK {
			t.Errorf("the other session was ended too: status %d", res.StatusCode)
		}
	})
}

// TestSecurityBruteForce guesses passwords at both sign-in doors and codes
// at confirmation through HTTP: after the allowed failures the account is
// locked with a message saying for how long — even for the right password —
// and a code entered wrongly too often is burnt, so the right code no
// longer confirms.
func TestSecurityBruteForce(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		secCitizen(t, live, "Пётр", "brute@example.ru")
		buildWorld(t, live) // staff-official@spb.example

		for _, door := range []struct{ path, contact, password string }{
			{"/signin", "brute@example.ru", secPassword},
			{"/staff/signin", "staff-official@spb.example", castPassword},
		} {
			t.Run(door.path, func(t *testing.T) {
				b := newSecBrowser(t, live)
				b.get(door.path)
				for i := range 5 {
					res, body := b.post(door.path, "contact", door.contact, "password", "угадываю "+string(rune('а'+i)))
					if res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusTooManyRequests {
						t.Fatalf("wrong password %d: status %d\n%s", i+1, res.StatusCode, excerptOf(body))
					}
				}
				res, body := b.post(door.path, "contact", door.contact, "password", door.password)
				if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Слишком много неудачных попыток входа") {
					t.Fatalf("the right password after 5 wrong ones: status %d, want 429 with the lock message\n%s", res.StatusCode, excerptOf(body))
				}
				if setCookieOf(res, "okno_session") != nil {
					t.Error("a locked sign-in set a session cookie")
				}
			})
		}

		// One address guessing across many accounts (a password spray) is
		// stopped by the per-address limit, even for an account it never
		// tried. It runs after the doors above, whose ten failures count too.
		t.Run("address", func(t *testing.T) {
			b := newSecBrowser(t, live)
			b.get("/signin")
			locked := 0
			for i := range 60 {
				res, _ := b.post("/signin", "contact", "spray"+strconv.Itoa(i)+"@example.ru", "password", "123456")
				if res.StatusCode == http.StatusTooManyRequests {
					locked = i
					break
				}
			}
			if locked == 0 {
				t.Fatal("60 wrong passwords for 60 accounts from one address were all tried")
			}
			res, body := b.post("/signin", "contact", "brute-other@example.ru", "password", secPassword)
			if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Слишком много неудачных попыток входа") {
				t.Errorf("a fresh account from the spraying address: status %d, want 429\n%s", res.StatusCode, excerptOf(body))
			}
		})

		t.Run("confirmation code", func(t *testing.T) {
			const contact = "codes@example.ru"
			b := newSecBrowser(t, live)
			b.get("/signup")
			b.post("/signup", "display_name", "Гость", "contact", contact, "password", secPassword)
			code := live.CodeFor(t, contact)
			var body string
			for range 5 {
				var res *http.Response
				res, body = b.post("/confirm", "contact", contact, "code", wrongCode(code))
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("wrong code: status %d\n%s", res.StatusCode, excerptOf(body))
				}
			}
			if !strings.Contains(body, "Код введён неверно слишком много раз") {
				t.Errorf("the fifth wrong code does not say the code is burnt\n%s", excerptOf(body))
			}
			res, body := b.post("/confirm", "contact", contact, "code", code)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Код введён неверно слишком много раз") {
				t.Errorf("the right code after five wrong ones: status %d, want 422 (burnt)\n%s", res.StatusCode, excerptOf(body))
			}
			p, err := live.App.Identity.Profile(context.Background(), userID(t, live, contact))
			mustOK(t, err)
			if p.Assurance != identity.AssuranceNone {
				t.Errorf("the account is at level %v after a burnt code, want none (unconfirmed)", p.Assurance)
			}
		})
	})
}
