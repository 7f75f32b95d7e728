package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// TestCitizenSignUpToCabinet walks a new citizen through the pages as a
// browser without JavaScript would: sign up, read the code in the demo
// mailbox, confirm, sign in, and land in the cabinet at the simplified level.
func TestCitizenSignUpToCabinet(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		v := live.NewVisitor(t)

		v.Get("/signup").Expect(http.StatusOK, "Регистрация")
		v.Post("/signup", "display_name", "Анна", "contact", "anna@example.ru", "password", "x")
		v.Expect(http.StatusUnprocessableEntity, "Есть ошибки", "Пароль должен быть не короче 8 символов", `value="anna@example.ru"`)
		v.Post("/signup", "display_name", "Анна", "contact", "anna@example.ru", "password", "тихий вечер у Невы")
		v.Expect(http.StatusOK, "Введите код подтверждения", "anna@example.ru")

		live.Deliver(t)
		v.Get("/demo/mailbox").Expect(http.StatusOK, "Только в демонстрационном режиме", "Код подтверждения Окна")
		code := live.CodeFor(t, "anna@example.ru")

		v.Get("/confirm")
		v.Post("/confirm", "contact", "anna@example.ru", "code", "000000")
		v.Expect(http.StatusUnprocessableEntity, "Неверный код")
		v.Post("/confirm/resend", "contact", "anna@example.ru")
		v.Expect(http.StatusTooManyRequests, "Новый можно запросить через 1 минуту")
		v.Post("/confirm", "contact", "anna@example.ru", "code", code)
		v.Expect(http.StatusOK, "Адрес подтверждён", `value="anna@example.ru"`)

		v.Post("/signin", "contact", "anna@example.ru", "password", "wrong password", "next", "/cabinet")
		v.Expect(http.StatusUnauthorized, "Неверный логин или пароль")
		v.Post("/signin", "contact", "anna@example.ru", "password", "тихий вечер у Невы", "next", "/cabinet")
		v.Expect(http.StatusOK, "Здравствуйте, Анна", "Упрощённая", "0 непрочитанных уведомлений", `aria-current="step"`)
		if v.URL != "/cabinet" {
			t.Errorf("after sign-in at %s, want /cabinet", v.URL)
		}

		v.Get("/signin")
		if v.URL != "/" {
			t.Errorf("a signed-in person opening /signin lands on %s, want /", v.URL)
		}
		v.Post("/signout")
		v.Get("/cabinet")
		if !strings.HasPrefix(v.URL, "/signin?next=") {
			t.Errorf("after sign-out /cabinet lands on %s", v.URL)
		}
	})
}

// signedInCitizen signs up, confirms and signs in a citizen through the pages.
func signedInCitizen(t *testing.T, live *webtest.Live, contact string) *webtest.Visitor {
	t.Helper()
	v := live.NewVisitor(t)
	v.Get("/signup")
	v.Post("/signup", "display_name", "Пётр", "contact", contact, "password", "длинный пароль 2026")
	v.Expect(http.StatusOK)
	v.Post("/confirm", "contact", contact, "code", live.CodeFor(t, contact))
	v.Post("/signin", "contact", contact, "password", "длинный пароль 2026")
	v.Expect(http.StatusOK, "Здравствуйте, Пётр")
	return v
}

// TestRaiseToStandard answers the four questions, meets a wrong СНИЛС on
// its own page (nothing changes), changes an answer from the check page and
// submits.
func TestRaiseToStandard(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		v := signedInCitizen(t, live, "petr@example.ru")
		ctx := context.Background()
		level := func() identity.Assurance {
			p, err := live.App.Identity.Profile(ctx, userID(t, live, "petr@example.ru"))
			if err != nil {
				t.Fatal(err)
			}
			return p.Assurance
		}

		v.Get("/cabinet/level/name").Expect(http.StatusOK, "Как вас зовут?", "Шаг 1 из 4")
		v.Post("/cabinet/level/name", "last_name", "Иванов", "first_name", "", "middle_name", "Сергеевич")
		v.Expect(http.StatusUnprocessableEntity, "Заполните это поле", `value="Иванов"`, `value="Сергеевич"`)
		v.Post("/cabinet/level/name", "last_name", "Иванов", "first_name", "Пётр", "middle_name", "Сергеевич")
		v.Expect(http.StatusOK, "Когда вы родились?")
		v.Post("/cabinet/level/birth-date", "birth_day", "31", "birth_month", "02", "birth_year", "1985")
		v.Expect(http.StatusUnprocessableEntity, "Введите дату рождения")
		v.Post("/cabinet/level/birth-date", "birth_day", "21", "birth_month", "03", "birth_year", "1985")
		v.Expect(http.StatusOK, "Паспорт гражданина РФ")
		v.Post("/cabinet/level/passport", "passport", "4010 123456")
		v.Expect(http.StatusOK, "Ваш СНИЛС")

		v.Post("/cabinet/level/snils", "snils", "112-233-445 96")
		v.Expect(http.StatusUnprocessableEntity, "Есть ошибки", `value="112-233-445 96"`, `aria-invalid="true"`)
		if got := level(); got != identity.AssuranceSimplified {
			t.Fatalf("after a wrong СНИЛС the level is %s", got)
		}
		// Back to the name page: the answers are still there.
		v.Get("/cabinet/level/name").Expect(http.StatusOK, `value="Пётр"`)

		v.Get("/cabinet/level/snils")
		v.Post("/cabinet/level/snils", "snils", "112-233-445 95")
		v.Expect(http.StatusOK, "Проверьте данные", "Иванов Пётр Сергеевич", "21.03.1985", "112-233-445 95", "Изменить")
		v.Get("/cabinet/level/name?return=check")
		v.Post("/cabinet/level/name", "last_name", "Иванов", "first_name", "Пётр", "middle_name", "", "return", "check")
		v.Expect(http.StatusOK, "Проверьте данные", "Иванов Пётр<")

		v.Post("/cabinet/level/check")
		v.Expect(http.StatusOK, "Уровень учётной записи повышен", "Стандартная")
		if got := level(); got != identity.AssuranceStandard {
			t.Fatalf("after submitting the level is %s", got)
		}
		v.Get("/cabinet").Expect(http.StatusOK, "Подтвердить личность", "СНИЛС")
		v.Get("/cabinet/level/post").Expect(http.StatusOK, "Лично в МФЦ")
	})
}

// userID finds a citizen's account by contact, as an operator would.
func userID(t *testing.T, live *webtest.Live, email string) int64 {
	t.Helper()
	c, err := live.App.Identity.FindByEmail(context.Background(), operatorActor, email)
	if err != nil {
		t.Fatal(err)
	}
	return c.UserID
}
