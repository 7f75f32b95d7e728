package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/web/webtest"
)

// TestBackofficeAccruals walks the staff's accrual pages with real
// accounts on a real app: the organisation's list only, its filters and
// pages, the УИН search, an accrual with its history, another
// organisation's hidden, and what an issuer wrote shown as text.
func TestBackofficeAccruals(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		o := newBoOffice(t, dsn)
		payer := o.citizen(t, "payer")
		mine := o.fee(t, payer, o.a, `Госпошлина <script>alert("x")</script>`, 35000)
		theirs := o.fee(t, payer, o.b, "Госпошлина Выборгского района", 20000)
		for i := range 20 {
			o.fee(t, payer, o.a, fmt.Sprintf("Пошлина %02d", i), 10000)
		}
		official := o.staff(t, "official-a", o.a, okno.RoleOfficial)

		official.Get("/staff/accruals")
		official.Expect(200, "Начисления", "Пошлина 19", "100,00\u00a0₽", "Следующая")
		boExpectNot(t, official, mine.UIN, theirs.UIN) // 21 of A's: the oldest is on the next page
		next := nextLink(t, official.Last)
		official.Get(next)
		official.Expect(200, mine.UIN, "350,00\u00a0₽", "&lt;script&gt;")
		boExpectNot(t, official, "<script>alert", theirs.UIN, "Пошлина 19")

		// Filters: none paid yet; a status that does not exist is named.
		official.Get("/staff/accruals?status=paid")
		official.Expect(200, "Начислений с такими условиями нет")
		official.Get("/staff/accruals?status=lost&source=okno")
		official.Expect(422, "Выберите статус из списка", `href="#f-status"`)

		// The search goes to the accrual; a wrong check digit, or another
		// organisation's УИН, is told on the field, the value kept.
		official.Get("/staff/accruals?uin=" + mine.UIN)
		official.Expect(200, "История изменений", "Начисление", "Не оплачено", "Администрация Центрального района")
		if official.URL != "/staff/accruals/"+mine.UIN {
			t.Errorf("the search led to %s, want the accrual's page", official.URL)
		}
		bad := mine.UIN[:19] + fmt.Sprint((int(mine.UIN[19]-'0')+1)%10)
		official.Get("/staff/accruals?uin=" + bad)
		official.Expect(422, `href="#f-uin"`, `value="`+bad+`"`)
		official.Get("/staff/accruals?uin=" + theirs.UIN)
		official.Expect(422, "Начисления с таким УИН нет среди тех, что вам доступны", `value="`+theirs.UIN+`"`)

		// Another organisation's accrual does not exist for A's official;
		// an administrator sees every organisation's.
		official.Get("/staff/accruals/" + theirs.UIN)
		official.Expect(404)
		admin := o.staff(t, "admin-a", o.a, okno.RoleAdmin)
		admin.Get("/staff/accruals/" + theirs.UIN)
		admin.Expect(200, "Госпошлина Выборгского района", "200,00\u00a0₽", "Платежей по начислению нет")
		admin.Get("/staff/accruals/" + theirs.UIN + "?lang=en")
		admin.Expect(200, "RUB 200.00", "History of changes")

		// An operator's roles see no accruals: the route refuses them.
		operator := o.staff(t, "operator-a", o.a, okno.RoleOperator)
		operator.Get("/staff/accruals")
		operator.Expect(403)
	})
}

// nextLink is the href of a page's "next" pagination link.
func nextLink(t *testing.T, page string) string {
	t.Helper()
	_, after, ok := strings.Cut(page, `class="pagination__next"><a class="pagination__link" href="`)
	if !ok {
		t.Fatal("no next link on the page")
	}
	href, _, _ := strings.Cut(after, `"`)
	u, err := url.Parse(strings.ReplaceAll(href, "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}
