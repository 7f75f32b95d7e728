package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno/identity"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/web/webtest"
)

// TestChangePassword: a wrong current password is refused and changes
// nothing; the right one ends every other session, keeps this browser
// signed in, and only the new password opens the account.
func TestChangePassword(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		const contact, oldPassword, newPassword = "vera@example.ru", "длинный пароль 2026", "новый пароль у Невы"
		v := signedInCitizen(t, live, contact)
		other := live.NewVisitor(t)
		other.Get("/signin")
		other.Post("/signin", "contact", contact, "password", oldPassword, "next", "/cabinet")
		other.Expect(http.StatusOK, "Здравствуйте, Пётр")

		v.Get("/cabinet/password").Expect(http.StatusOK, "Сменить пароль", "Текущий пароль")
		v.Post("/cabinet/password", "current_password", "не тот пароль", "password", newPassword)
		v.Expect(http.StatusUnprocessableEntity, "Есть ошибки", "Текущий пароль введён неверно")
		other.Get("/cabinet").Expect(http.StatusOK, "Здравствуйте, Пётр")

		v.Post("/cabinet/password", "current_password", oldPassword, "password", newPassword)
		v.Expect(http.StatusOK, "Пароль изменён", "Здравствуйте, Пётр")
		if v.URL != "/cabinet?done=password" {
			t.Errorf("after the change at %s, want /cabinet?done=password", v.URL)
		}
		v.Get("/cabinet").Expect(http.StatusOK, "Здравствуйте, Пётр")
		other.Get("/cabinet")
		if !strings.HasPrefix(other.URL, "/signin?next=") {
			t.Errorf("the other browser's session survived the change: at %s", other.URL)
		}

		other.Post("/signin", "contact", contact, "password", oldPassword, "next", "/cabinet")
		other.Expect(http.StatusUnauthorized, "Неверный логин или пароль")
		other.Post("/signin", "contact", contact, "password", newPassword, "next", "/cabinet")
		other.Expect(http.StatusOK, "Здравствуйте, Пётр")
	})
}

// TestMarkNotificationRead: the citizen marks one of two notifications
// read; another citizen cannot touch it.
func TestMarkNotificationRead(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		ctx := context.Background()
		v := signedInCitizen(t, live, "nina@example.ru")
		uid := userID(t, live, "nina@example.ru")
		for _, subject := range []string{"Заявление принято", "Ответ готов"} {
			mustOK(t, live.App.Cabinet.Send(ctx, notify.Message{Channel: notify.ChannelCabinet, UserID: uid, Subject: subject, Body: "Подробности в кабинете"}))
		}
		ns, err := live.App.Cabinet.ListForUser(ctx, uid, 10)
		mustOK(t, err)
		var first int64
		for _, n := range ns {
			if n.Subject == "Заявление принято" {
				first = n.ID
			}
		}
		id := strconv.FormatInt(first, 10)

		v.Get("/cabinet/notifications").Expect(http.StatusOK, "2 непрочитанных уведомления", `action="/cabinet/notifications/`+id+`/read"`)

		stranger := signedInCitizen(t, live, "stranger@example.ru")
		stranger.Get("/cabinet/notifications")
		stranger.Post("/cabinet/notifications/" + id + "/read")
		stranger.Expect(http.StatusNotFound)

		v.Post("/cabinet/notifications/" + id + "/read")
		v.Expect(http.StatusOK, "1 непрочитанное уведомление", "Заявление принято")
		if want := "/cabinet/notifications"; v.URL != want {
			t.Errorf("after marking read at %s, want %s", v.URL, want)
		}
		if strings.Contains(v.Last, `action="/cabinet/notifications/`+id+`/read"`) {
			t.Error("the notification read is still offered to be marked read")
		}
		if n, err := live.App.Cabinet.UnreadCount(ctx, uid); err != nil || n != 1 {
			t.Errorf("unread after marking one read: %d, %v; want 1", n, err)
		}
	})
}

// TestConfirmByPost: a standard-level citizen orders the letter, reads it
// in the demo mailbox, enters a wrong code (refused) and the right one:
// the account becomes confirmed.
func TestConfirmByPost(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		ctx := context.Background()
		v := signedInCitizen(t, live, "oleg@example.ru")
		uid := userID(t, live, "oleg@example.ru")
		mustOK(t, live.App.Identity.SubmitPersonalData(ctx, uid, identity.PersonalData{
			LastName: "Соколов", FirstName: "Олег", BirthDate: "1979-11-02", Passport: "4011 654321", SNILS: validSNILS(7)}))
		level := func() identity.Assurance {
			t.Helper()
			p, err := live.App.Identity.Profile(ctx, uid)
			mustOK(t, err)
			return p.Assurance
		}
		const address = "190000, Санкт-Петербург, ул. Садовая, д. 1, кв. 2"

		v.Get("/cabinet/level/post").Expect(http.StatusOK, "Код по почте", "Заказать письмо с кодом")
		v.Post("/cabinet/level/post", "address", "Питер")
		v.Expect(http.StatusUnprocessableEntity, "Есть ошибки")
		v.Post("/cabinet/level/post", "address", address)
		v.Expect(http.StatusOK, "Письмо с кодом заказано", "Письмо с кодом отправлено по адресу: "+address)

		live.Deliver(t)
		v.Get("/demo/mailbox").Expect(http.StatusOK, address)
		code := live.CodeFor(t, address)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		v.Get("/cabinet/level/post")
		v.Post("/cabinet/level/post/code", "code", wrong)
		v.Expect(http.StatusUnprocessableEntity, "Неверный код")
		if got := level(); got != identity.AssuranceStandard {
			t.Fatalf("after a wrong code the level is %s", got)
		}
		v.Post("/cabinet/level/post/code", "code", code)
		v.Expect(http.StatusOK)
		if v.URL != "/cabinet/level/done" {
			t.Errorf("after the right code at %s, want /cabinet/level/done", v.URL)
		}
		if got := level(); got != identity.AssuranceConfirmed {
			t.Fatalf("after the right code the level is %s", got)
		}
		v.Get("/cabinet").Expect(http.StatusOK, "Подтверждённая")
		v.Get("/cabinet/level/post").Expect(http.StatusOK, "Ваша учётная запись уже подтверждена")
	})
}
