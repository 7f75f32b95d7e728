package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/web/webtest"
)

// TestBackofficeRefund pays a fee through the demo provider and refunds a
// part of it from the payment's page: a wrong amount is told on the field
// with the value kept, the check step shows what will happen with
// «Изменить», the confirmed refund is made once however often the form
// is sent, and only the payee's supervisors and administrators get the
// form.
func TestBackofficeRefund(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		o := newBoOffice(t, dsn)
		ctx := context.Background()
		payer := o.citizen(t, "payer")
		fee := o.fee(t, payer, o.a, "Госпошлина за разрешение", 50000)
		p := o.pay(t, payer, fee.UIN, true)
		page := "/staff/payments/" + strconv.FormatInt(p.ID, 10)

		admin := o.staff(t, "admin-a", o.a, okno.RoleAdmin)
		admin.Get("/staff/payments")
		admin.Expect(200, "№&nbsp;"+strconv.FormatInt(p.ID, 10), fee.UIN, "Оплачен", "500,00\u00a0₽")
		admin.Get("/staff/payments?status=failed")
		admin.Expect(200, "Платежей с такими условиями нет")
		admin.Get("/staff/accruals/" + fee.UIN)
		admin.Expect(200, "Оплачено", `href="`+page+`"`)

		official := o.staff(t, "official-a", o.a, okno.RoleOfficial)
		official.Get(page)
		official.Expect(200, fee.UIN, "Оплачен")
		boExpectNot(t, official, "Вернуть деньги")
		o.staff(t, "official-b", o.b, okno.RoleOfficial).Get(page).Expect(404)

		sup := o.staff(t, "supervisor-a", o.a, okno.RoleSupervisor)
		sup.Get(page)
		sup.Expect(200, "Вернуть деньги", `value="500,00"`)
		for _, tt := range []struct{ amount, message string }{
			{"пятьсот", "Введите сумму в рублях"},
			{"0", "Введите сумму в рублях"},
			{"600", "не больше остатка: 50000 коп."},
		} {
			sup.Post(page+"/refund", "amount", tt.amount, "key", "refund-1")
			sup.Expect(422, tt.message, `href="#f-amount"`, `value="`+tt.amount+`"`)
		}
		sup.Post(page+"/refund", "amount", "200,5", "key", "refund-1")
		sup.Expect(200, "Проверьте возврат", "200,50\u00a0₽", "Изменить", `name="confirm" value="1"`)
		if got := o.refunded(t, p.ID); got != 0 {
			t.Fatalf("the check step refunded %d", got)
		}
		sup.Get(page + "?amount=200%2C5") // «Изменить»: back to the form, the amount kept
		sup.Expect(200, `value="200,5"`)
		for range 2 { // the second is a double click: the same key
			sup.Post(page+"/refund", "amount", "200,5", "key", "refund-1", "confirm", "1")
			sup.Expect(200, "Возврат оформлен", "Возвращён частично", "200,50\u00a0₽", `value="299,50"`)
		}
		if got := o.refunded(t, p.ID); got != 20050 {
			t.Errorf("refunded %d kopecks, want 20050", got)
		}

		// The payment API: the payee's staff see it as JSON.
		admin.Get("/api/v1/payments/" + strconv.FormatInt(p.ID, 10))
		admin.Expect(200)
		var got struct {
			UIN      string         `json:"uin"`
			Amount   int64          `json:"amount"`
			Refunded int64          `json:"refunded"`
			Status   payment.Status `json:"status"`
		}
		mustOK(t, json.Unmarshal([]byte(admin.Last), &got))
		if got.UIN != fee.UIN || got.Amount != 50000 || got.Refunded != 20050 || got.Status != payment.StatusPartly {
			t.Errorf("the API's payment: %+v", got)
		}
		_, err := o.live.App.Payments.Get(ctx, payer, p.ID)
		mustOK(t, err)
	})
}

// refunded reads what was returned of a payment.
func (o *boOffice) refunded(t *testing.T, id int64) int64 {
	t.Helper()
	p, err := o.live.App.Payments.Get(context.Background(), okno.System, id)
	mustOK(t, err)
	return p.Refunded
}

// TestBackofficeReconciliation reconciles a day with a payment the
// provider took but we never heard of (its notification lost): the
// report shows it missing on our side, linked to our payment, next to the
// matched one; the day's list shows the report.
func TestBackofficeReconciliation(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		o := newBoOffice(t, dsn)
		payer := o.citizen(t, "payer")
		o.pay(t, payer, o.fee(t, payer, o.a, "Пошлина первая", 30000).UIN, true)
		lost := o.pay(t, payer, o.fee(t, payer, o.a, "Пошлина вторая", 40000).UIN, false)
		day := o.clock.Now().In(payment.Moscow).Format("2006-01-02")

		admin := o.staff(t, "admin-a", o.a, okno.RoleAdmin)
		admin.Get("/staff/reconciliation")
		admin.Expect(200, "Сверка с провайдером", `value="2026-11-19"`, "За этот день сверок не было")
		admin.Post("/staff/reconciliation", "day", "20.11.2026")
		admin.Expect(422, `href="#f-day"`, `value="20.11.2026"`)
		admin.Post("/staff/reconciliation", "day", day)
		admin.Expect(200, "Сверка за 20.11.2026", "Есть расхождения", "№&nbsp;"+strconv.FormatInt(lost.ID, 10), "400,00\u00a0₽")
		if !strings.HasPrefix(admin.URL, "/staff/reconciliation/") {
			t.Fatalf("the reconciliation led to %s", admin.URL)
		}
		missing := admin.Last[strings.Index(admin.Last, "Нет у нас</h2>"):strings.Index(admin.Last, "Нет у провайдера</h2>")]
		if !strings.Contains(missing, "/staff/payments/"+strconv.FormatInt(lost.ID, 10)) {
			t.Errorf("the lost payment is not under «Нет у нас»:\n%s", missing)
		}
		report := admin.URL
		admin.Get("/staff/reconciliation?" + url.Values{"day": {day}}.Encode())
		admin.Expect(200, "Есть расхождения", `href="`+strings.ReplaceAll(report, "&", "&amp;")+`"`)
		admin.Get("/staff/reconciliation/999999?day=" + day)
		admin.Expect(404, "Такого отчёта о сверке нет")

		// Supervisors do not reconcile: the route is administrators'.
		o.staff(t, "supervisor-a", o.a, okno.RoleSupervisor).Get("/staff/reconciliation").Expect(403)
	})
}

// TestBackofficeWithoutProvider: with no payment provider configured the
// payment pages say so, and the API knows no payment.
func TestBackofficeWithoutProvider(t *testing.T) {
	live := webtest.StartLive(t, "")
	o := &boOffice{live: live}
	var err error
	ctx := context.Background()
	o.a, err = live.App.Orgs.CreateOrganisation(ctx, boOrg("Администрация"), okno.System)
	mustOK(t, err)
	admin := o.staff(t, "admin-a", o.a, okno.RoleAdmin)
	for _, path := range []string{"/staff/payments", "/staff/payments/1", "/staff/reconciliation", "/staff/reconciliation/1?day=2026-11-19"} {
		admin.Get(path)
		admin.Expect(200, "платёжный провайдер")
	}
	admin.Post("/staff/reconciliation", "day", "2026-11-19")
	admin.Expect(200, "платёжный провайдер")
	admin.Get("/api/v1/payments/1")
	admin.Expect(404, "urn:okno:problem:not_found")
}
