package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/app"
	"github.com/okno/okno/application"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/paydemo"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/web/webtest"
)

// payEnv is a real Okno wired to the real demo provider, each on its own
// loopback port. The provider's notifications go out only when a test
// calls Deliver, so nothing depends on timing.
type payEnv struct {
	live     *webtest.Live
	provider *paydemo.Server
	payURL   string
	secret   []byte
}

// startPayLive starts the provider and Okno pointing at each other: both
// listeners exist before either server is built, so each knows the
// other's address.
func startPayLive(t *testing.T, dsn string) *payEnv {
	t.Helper()
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	oknoLn, payLn := listen(), listen()
	oknoURL, payURL := "http://"+oknoLn.Addr().String(), "http://"+payLn.Addr().String()
	b := make([]byte, 24)
	rand.Read(b)
	secret := []byte(hex.EncodeToString(b))
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "paydemo.secret")
	mustOK(t, os.WriteFile(secretFile, secret, 0o600))
	pd, err := paydemo.New(paydemo.Options{Secret: secret, NotifyURL: oknoURL + "/api/v1/payments/notifications", PublicURL: payURL})
	mustOK(t, err)
	a, err := app.Open(context.Background(), app.Config{DataDir: filepath.Join(dir, "okno"), DB: dsn, DevInsecureCookies: true,
		DemoMailbox: true, PaymentURL: payURL, PaymentSecretFile: secretFile})
	mustOK(t, err)
	oknoSrv := &httptest.Server{Listener: oknoLn, Config: &http.Server{Handler: a.Web.Handler()}}
	paySrv := &httptest.Server{Listener: payLn, Config: &http.Server{Handler: pd.Handler()}}
	oknoSrv.Start()
	paySrv.Start()
	t.Cleanup(func() { oknoSrv.Close(); paySrv.Close(); a.Close() })
	return &payEnv{live: &webtest.Live{App: a, URL: oknoURL}, provider: pd, payURL: payURL, secret: secret}
}

// deliver sends the provider's due notifications and then runs Okno's
// outbox: what a person waits a moment for.
func (e *payEnv) deliver(t *testing.T) {
	t.Helper()
	e.provider.Deliver(context.Background())
	e.live.Deliver(t)
}

// payAtProvider is the citizen on the provider's page: it opens, the
// tester presses a button (pay, decline, fail) and the provider sends
// them back; it returns where to.
func payAtProvider(t *testing.T, page, action string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(page)
	mustOK(t, err)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("provider's page %s: %d", page, res.StatusCode)
	}
	res, err = c.PostForm(page, url.Values{"action": {action}})
	mustOK(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("provider's %s: %d", action, res.StatusCode)
	}
	return res.Header.Get("Location")
}

var (
	goLink = regexp.MustCompile(`<a class="button" href="([^"]+)" rel="noreferrer">`)
)

// payKey finds the idempotency key of the «Оплатить» form for uin.
func payKey(t *testing.T, page, uin string) string {
	t.Helper()
	m := regexp.MustCompile(`name="uin" value="` + uin + `">\s*<input type="hidden" name="idempotency_key" value="([^"]+)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no «Оплатить» for %s on the page", uin)
	}
	return m[1]
}

// importFines imports records from the demo's traffic police, as the
// console would.
func importFines(t *testing.T, live *webtest.Live, rs ...accrual.Record) {
	t.Helper()
	var b bytes.Buffer
	for _, r := range rs {
		line, err := json.Marshal(r)
		mustOK(t, err)
		b.Write(append(line, '\n'))
	}
	rep, err := live.App.Accruals.ImportFile(context.Background(), okno.System, "gibdd", &b, nil)
	mustOK(t, err)
	if rep.Rejected != 0 {
		t.Fatalf("import rejected %d: %v", rep.Rejected, rep.Rejections)
	}
}

// TestPayFinesEndToEnd: a citizen adds their driving licence (a bad
// number first), sees their fines — unpaid first with the discount
// counted down, the annulled one below, the issuer's text escaped — pays
// one through the real demo provider, comes back before and after the
// notification, and sees it paid; a forged notification is refused and
// changes nothing; another citizen cannot see the payment.
func TestPayFinesEndToEnd(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		env := startPayLive(t, dsn)
		live := env.live
		w := buildWorld(t, live)
		ctx := context.Background()
		today := time.Now().In(time.FixedZone("MSK", 3*3600))
		unpaid, annulled := accrual.MakeUIN("18810178", 101), accrual.MakeUIN("18810178", 102)
		rec := func(u string, kind accrual.ChangeKind, seq int64) accrual.Record {
			return accrual.Record{UIN: u, Kind: kind, Seq: seq, Licence: "99 12 345678", Amount: 100000, DiscountPercent: 50,
				DiscountUntil: today.AddDate(0, 0, 5).Format(time.DateOnly), DecisionDate: today.AddDate(0, 0, -15).Format(time.DateOnly),
				Article: "12.9.2", Place: `Невский пр., 1 <script>alert(1)</script>`, Purpose: "Превышение скорости"}
		}
		importFines(t, live, rec(unpaid, accrual.ChangeNew, 1), rec(annulled, accrual.ChangeNew, 1), rec(annulled, accrual.ChangeAnnul, 2))

		me := w.actor(t, "citizen-simplified")
		v := live.NewVisitor(t).SignedIn(me.token)
		v.Get("/cabinet/fines")
		v.Expect(200, "Платежи и штрафы", "Документы не добавлены", "Неоплаченных штрафов и счетов нет")

		v.Post("/cabinet/fines/documents", "licence", "12 34", "sts", "")
		v.Expect(422, "Есть ошибки", `href="#f-licence"`, "Номер документа указан неверно", `value="12 34"`)
		v.Post("/cabinet/fines/documents", "licence", "", "sts", "")
		v.Expect(422, `href="#f-licence"`, "Укажите номер водительского удостоверения или СТС")
		v.Post("/cabinet/fines/documents", "licence", "99 12 345678", "sts", "")
		v.Expect(200, "Документ добавлен", "Водительское удостоверение", "5678", "Превышение скорости",
			"500\u00a0₽", "ещё 6 дней", "ст. 12.9.2 КоАП РФ", unpaid, "Не оплачен", "Отменён", "Оплатить",
			"&lt;script&gt;alert(1)&lt;/script&gt;")
		if strings.Contains(v.Last, "<script>alert") {
			t.Errorf("the issuer's text is not escaped")
		}
		if i, j, k := strings.Index(v.Last, unpaid), strings.Index(v.Last, "Оплаченные и отменённые"), strings.Index(v.Last, annulled); !(i < j && j < k) {
			t.Errorf("unpaid at %d, the paid heading at %d, the annulled at %d: want unpaid first", i, j, k)
		}
		if n := strings.Count(v.Last, `name="idempotency_key"`); n != 1 {
			t.Errorf("%d «Оплатить» forms, want 1 (the annulled fine is not paid)", n)
		}
		key := payKey(t, v.Last, unpaid)

		v.Post("/payments", "uin", "18810178000000001", "idempotency_key", key)
		if v.Status != 422 {
			t.Errorf("a bad УИН: %d, want 422", v.Status)
		}
		v.Post("/payments", "uin", unpaid, "idempotency_key", key)
		v.Expect(200, "Переход к оплате", "500\u00a0₽", "Превышение скорости", unpaid)
		link := goLink.FindStringSubmatch(v.Last)
		if link == nil || !strings.HasPrefix(link[1], env.payURL+"/pay/") {
			t.Fatalf("no link to the provider on the page: %v", link)
		}
		v.Post("/payments", "uin", unpaid, "idempotency_key", key) // a double submit: the same payment
		if again := goLink.FindStringSubmatch(v.Last); again == nil || again[1] != link[1] {
			t.Errorf("a double submit made another payment: %v, want %s", again, link[1])
		}

		back := payAtProvider(t, link[1], "pay")
		ret, err := url.Parse(back)
		mustOK(t, err)
		if !strings.HasPrefix(back, live.URL+"/payments/") || !strings.HasSuffix(ret.Path, "/return") {
			t.Fatalf("the provider sends the citizen to %q", back)
		}

		other := live.NewVisitor(t).SignedIn(w.actor(t, "another-citizen").token)
		other.Get(ret.Path)
		other.Expect(404)

		// A forged notification: signed with another secret. Refused, nothing changes.
		forged := []byte(`{"id":"evt-forged","event":"payment.succeeded","created_at":"2026-01-01T00:00:00Z","payment":{"id":"x","status":"succeeded","amount":50000}}`)
		if st := postNotification(t, live.URL, []byte("another-secret-0123456789"), forged); st != 401 {
			t.Errorf("forged notification: %d, want 401", st)
		}
		if st := postNotification(t, live.URL, nil, forged); st != 401 {
			t.Errorf("unsigned notification: %d, want 401", st)
		}
		if a, err := live.App.Accruals.ByUIN(ctx, unpaid); err != nil || a.Status != accrual.StatusNew {
			t.Errorf("after forged notifications the fine is %s (%v), want new", a.Status, err)
		}

		env.deliver(t)
		v.Get(ret.Path)
		v.Expect(200, "Оплата прошла", "500\u00a0₽", unpaid, "Мои платежи")
		v.Get("/cabinet/fines")
		v.Expect(200, "Оплачен", "Неоплаченных штрафов и счетов нет")
		if strings.Contains(v.Last, `name="idempotency_key"`) {
			t.Errorf("a paid fine still offers «Оплатить»")
		}
		v.Get("/cabinet/payments")
		v.Expect(200, "Мои платежи", unpaid, "Оплачен")
		other.Get("/cabinet/payments")
		other.Expect(200, "Платежей через портал ещё не было")

		// A notification repeated (correctly signed): acknowledged, counted once.
		page, err := live.App.Payments.Mine(ctx, me.actor, "", 10)
		mustOK(t, err)
		p := page.Payments[0]
		n := payment.Notification{ID: "evt-repeat", Event: payment.EventSucceeded, CreatedAt: time.Now(),
			Payment: payment.ProviderPayment{ID: p.ProviderID, Status: payment.StatusSucceeded, Amount: p.Amount, PaidAt: time.Now(), CreatedAt: p.CreatedAt}}
		body, err := json.Marshal(n)
		mustOK(t, err)
		for range 2 {
			if st := postNotification(t, live.URL, env.secret, body); st != 200 {
				t.Errorf("a repeated notification: %d, want 200", st)
			}
		}
		if a, err := live.App.Accruals.ByUIN(ctx, unpaid); err != nil || a.Status != accrual.StatusPaid || a.Paid != 50000 {
			t.Errorf("fine after repeats: %s, paid %d (%v); want paid 50000 once", a.Status, a.Paid, err)
		}
		v.Get("/cabinet/fines?lang=en")
		v.Expect(200, "Payments and fines", "Paid")
		v.Get("/cabinet/fines?lang=ru")
		v.Post("/payments", "uin", unpaid, "idempotency_key", "web-00000000000000000000000000000001")
		v.Expect(409, "уже оплачено")
		v.Post("/payments", "uin", annulled, "idempotency_key", "web-00000000000000000000000000000002")
		v.Expect(409, "аннулировано")
	})
}

// postNotification posts body to Okno's notification endpoint signed
// with secret (unsigned when nil) and returns the status.
func postNotification(t *testing.T, base string, secret, body []byte) int {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/api/v1/payments/notifications", bytes.NewReader(body))
	mustOK(t, err)
	req.Header.Set("Content-Type", "application/json")
	if secret != nil {
		now := time.Now()
		req.Header.Set(payment.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
		req.Header.Set(payment.HeaderSignature, payment.Sign(secret, now, body))
	}
	res, err := http.DefaultClient.Do(req)
	mustOK(t, err)
	res.Body.Close()
	return res.StatusCode
}

// feeProcess is an application that bills a state fee and waits for it:
// what a process author writes to have payments move a case on.
const feeProcess = `
name: paid_permit
kind: application
title: {ru: Разрешение с госпошлиной, en: Permit with a fee}
legal_clock: {days: 15, unit: working}
states:
  - name: registration
    start: true
    title: {ru: Регистрация, en: Registration}
  - name: awaiting_fee
    title: {ru: Ожидает оплаты госпошлины, en: Awaiting the fee}
    citizen: {ru: Оплатите госпошлину — после оплаты заявление рассмотрят., en: Pay the fee and your application will be considered.}
  - name: decision
    title: {ru: Рассмотрение после оплаты, en: Considered after payment}
  - name: done
    terminal: true
    outcome: granted
    title: {ru: Готово, en: Done}
actions:
  - name: bill
    title: {ru: Выставить госпошлину, en: Bill the fee}
    from: [registration]
    to: awaiting_fee
    by: [{role: official}]
    citizen_visible: true
    effects:
      - {kind: hook, hook: accrual, params: {fee: state_duty, amount: "35000", purpose: "Госпошлина за разрешение"}}
  - name: fee_paid
    title: {ru: Госпошлина оплачена, en: Fee paid}
    from: [awaiting_fee]
    to: decision
    by: [{system: true}]
    citizen_visible: true
  - name: grant
    title: {ru: Выдать, en: Grant}
    from: [decision]
    to: done
    by: [{role: official}]
`

// TestPayFeeMovesTheCase: an official bills a case's state fee; the case
// page lists it under «Счета к оплате»; paying it through the real
// provider records «Оплата получена» on the timeline once, however often
// the message runs, and the system takes fee_paid.
func TestPayFeeMovesTheCase(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		env := startPayLive(t, dsn)
		live := env.live
		w := buildWorld(t, live)
		ctx := context.Background()
		_, _, err := live.App.Processes.Publish(ctx, okno.System, []byte(feeProcess))
		mustOK(t, err)
		me := w.actor(t, "citizen-simplified")
		_, err = live.App.Services.Put(ctx, okno.System, catalog.Service{Code: "paid-permit", Title: catalog.Text{"ru": "Разрешение на <b>вырубку</b>"},
			Summary: catalog.Text{"ru": "Услуга с госпошлиной"}, Level: catalog.LevelRegional, Recipients: []catalog.Recipient{catalog.RecipientCitizen},
			Kind: catalog.KindApplication, Assurance: identity.AssuranceSimplified, OrgID: w.a.ID, Process: "paid_permit",
			Form: catalog.Form{Schema: []byte(applyPlainSchema)}, Published: true})
		mustOK(t, err)
		d, err := live.App.Applications.Start(ctx, me.actor, "paid-permit")
		mustOK(t, err)
		d, problems, err := live.App.Applications.Save(ctx, me.actor, d.ID, d.Version, d.Page, map[string]any{"/name": "Пётр Петров"})
		mustOK(t, err)
		if len(problems) != 0 {
			t.Fatalf("answers refused: %v", problems)
		}
		c, err := live.App.Applications.Submit(ctx, me.actor, application.Submission{DraftID: d.ID, Version: d.Version})
		mustOK(t, err)
		page := "/cabinet/cases/" + strconv.FormatInt(c.ID, 10)
		v := live.NewVisitor(t).SignedIn(me.token)
		v.Get(page)
		v.Expect(200)
		if strings.Contains(v.Last, "Счета к оплате") {
			t.Errorf("a case with no fee shows «Счета к оплате»")
		}
		act(t, live, w.actor(t, "staff-official"), c.ID, "bill", "")

		v.Get(page)
		v.Expect(200, "Счета к оплате", "Госпошлина за разрешение", "350\u00a0₽", "Оплатить", "Ожидает оплаты госпошлины")
		caseHTML := v.Last
		v.Get("/cabinet/applications")
		v.Expect(200, "Разрешение на &lt;b&gt;вырубку&lt;/b&gt;", `tag--red">К оплате<`)
		v.Last = caseHTML
		fees, err := live.App.Accruals.ByCase(ctx, c.ID)
		mustOK(t, err)
		if len(fees) != 1 {
			t.Fatalf("%d fees, want 1", len(fees))
		}
		uin := fees[0].UIN
		v.Post("/payments", "uin", uin, "idempotency_key", payKey(t, v.Last, uin))
		v.Expect(200, "Переход к оплате", "Госпошлина за разрешение")
		link := goLink.FindStringSubmatch(v.Last)
		if link == nil {
			t.Fatal("no link to the provider")
		}
		back, err := url.Parse(payAtProvider(t, link[1], "pay"))
		mustOK(t, err)
		env.deliver(t)
		live.Deliver(t) // again: nothing more to do

		v.Get(back.Path)
		v.Expect(200, "Оплата прошла", "Вернуться к заявлению")
		v.Get(page)
		v.Expect(200, "Оплата получена", "350,00 ₽ · УИН "+uin, "Рассмотрение после оплаты", "Оплачено")
		after, err := live.App.Cases.Get(ctx, okno.System, c.ID)
		mustOK(t, err)
		if after.State != "decision" {
			t.Errorf("case state %s, want decision (fee_paid taken)", after.State)
		}
		events, err := live.App.Cases.Timeline(ctx, okno.System, c.ID)
		mustOK(t, err)
		paid := 0
		for _, e := range events {
			if e.Kind == app.EventPaid {
				paid++
			}
		}
		if paid != 1 {
			t.Errorf("%d «Оплата получена» events, want 1", paid)
		}

		// The message again (a worker that crashed after its work): nothing new.
		p, err := live.App.Payments.Mine(ctx, me.actor, "", 1)
		mustOK(t, err)
		payload, err := json.Marshal(payment.Event{PaymentID: p.Payments[0].ID, UIN: uin, CaseID: c.ID, Amount: 35000})
		mustOK(t, err)
		mustOK(t, live.App.DB.InTx(ctx, func(tx *sqldb.Tx) error {
			return live.App.Outbox.Enqueue(ctx, tx, outbox.Message{Topic: payment.TopicSucceeded, Key: "again", Payload: payload})
		}))
		live.Deliver(t)
		again, err := live.App.Cases.Get(ctx, okno.System, c.ID)
		mustOK(t, err)
		if again.Version != after.Version || again.State != "decision" {
			t.Errorf("the repeated message changed the case: version %d→%d, state %s", after.Version, again.Version, again.State)
		}
		v.Get("/cabinet/applications")
		v.Expect(200, "Разрешение на &lt;b&gt;вырубку&lt;/b&gt;")
		if strings.Contains(v.Last, `tag--red">К оплате<`) {
			t.Errorf("a paid application is still marked «К оплате»")
		}
	})
}

// TestPayReturnStates: back from the provider before paying, the citizen
// is told to wait for the bank; after declining, that it did not go
// through, with «Попробовать снова» making a new payment.
func TestPayReturnStates(t *testing.T) {
	env := startPayLive(t, "")
	live := env.live
	w := buildWorld(t, live)
	u := accrual.MakeUIN("18810178", 201)
	importFines(t, live, accrual.Record{UIN: u, Kind: accrual.ChangeNew, Seq: 1, Licence: "99 12 345679", Amount: 30000,
		DecisionDate: time.Now().Format(time.DateOnly), Purpose: "Парковка"})
	me := w.actor(t, "citizen-simplified")
	v := live.NewVisitor(t).SignedIn(me.token)
	v.Get("/cabinet/fines")
	v.Post("/cabinet/fines/documents", "licence", "", "sts", "")
	v.Post("/cabinet/fines/documents", "licence", "9912345679", "sts", "")
	v.Expect(200, "Парковка", "300\u00a0₽")
	if strings.Contains(v.Last, "Скидка") {
		t.Errorf("a fine without a discount shows one")
	}
	v.Post("/payments", "uin", u, "idempotency_key", payKey(t, v.Last, u))
	link := goLink.FindStringSubmatch(v.Last)
	if link == nil {
		t.Fatal("no link to the provider")
	}
	res, err := http.Get(link[1]) // the citizen opens the provider's page and comes back without paying
	mustOK(t, err)
	res.Body.Close()
	page, err := live.App.Payments.Mine(context.Background(), me.actor, "", 1)
	mustOK(t, err)
	ret := "/payments/" + strconv.FormatInt(page.Payments[0].ID, 10) + "/return"
	v.Get(ret)
	v.Expect(200, "Ждём подтверждения от банка", `href="`+ret+`"`, "Не оплачивайте повторно")

	payAtProvider(t, link[1], "decline")
	env.deliver(t)
	v.Get(ret)
	v.Expect(200, "Оплата не прошла", "Попробовать снова", `name="uin" value="`+u+`"`)
	v.Post("/payments", "uin", u, "idempotency_key", payKey(t, v.Last, u))
	v.Expect(200, "Переход к оплате")
	if again := goLink.FindStringSubmatch(v.Last); again == nil || again[1] == link[1] {
		t.Errorf("trying again reused the cancelled payment: %v", again)
	}
	v.Get("/cabinet/payments")
	v.Expect(200, "Отменён", "Ждёт подтверждения")
}

// TestPayNotificationBadInput: a notification that is signed but wrong is
// refused with the status that says why, never 500; a body over the limit
// is 413.
func TestPayNotificationBadInput(t *testing.T) {
	env := startPayLive(t, "")
	tests := []struct {
		name string
		body []byte
		want int
	}{
		{"not JSON", []byte("not json"), 400},
		{"unknown event", []byte(`{"id":"e1","event":"payment.exploded","created_at":"2026-01-01T00:00:00Z","payment":{"id":"pd_x","status":"succeeded","amount":100}}`), 400},
		{"unknown payment", []byte(`{"id":"e2","event":"payment.succeeded","created_at":"2026-01-01T00:00:00Z","payment":{"id":"pd_nobody","status":"succeeded","amount":100}}`), 404},
		{"too large", bytes.Repeat([]byte("x"), payment.MaxNotification+10), 413},
	}
	for _, tt := range tests {
		if got := postNotification(t, env.live.URL, env.secret, tt.body); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
	// A replay: rightly signed, an hour ago.
	body := tests[2].body
	req, err := http.NewRequest("POST", env.live.URL+"/api/v1/payments/notifications", bytes.NewReader(body))
	mustOK(t, err)
	then := time.Now().Add(-time.Hour)
	req.Header.Set(payment.HeaderTimestamp, strconv.FormatInt(then.Unix(), 10))
	req.Header.Set(payment.HeaderSignature, payment.Sign(env.secret, then, body))
	res, err := http.DefaultClient.Do(req)
	mustOK(t, err)
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("a replayed notification: %d, want 401", res.StatusCode)
	}
}

// TestPayWithoutProvider: with no provider configured, fines are listed
// and «Оплатить» is replaced by a note; the return page is not found.
func TestPayWithoutProvider(t *testing.T) {
	live := webtest.StartLive(t, "")
	w := buildWorld(t, live)
	u := accrual.MakeUIN("18810178", 301)
	importFines(t, live, accrual.Record{UIN: u, Kind: accrual.ChangeNew, Seq: 1, STS: "78 УК 123456", Amount: 250000,
		DecisionDate: time.Now().Format(time.DateOnly), Purpose: "Стоянка"})
	v := live.NewVisitor(t).SignedIn(w.actor(t, "citizen-simplified").token)
	v.Get("/cabinet/fines")
	v.Post("/cabinet/fines/documents", "licence", "", "sts", "78 ук 123456")
	v.Expect(200, "Стоянка", "2\u202f500\u00a0₽", "Онлайн-оплата на портале пока не подключена", "Онлайн-оплата не подключена")
	if strings.Contains(v.Last, `name="idempotency_key"`) {
		t.Errorf("«Оплатить» offered without a provider")
	}
	v.Get("/payments/1/return")
	v.Expect(404)
	v.Get("/cabinet/fines")
	doc := regexp.MustCompile(`action="(/cabinet/fines/documents/\d+/delete)"`).FindStringSubmatch(v.Last)
	if doc == nil {
		t.Fatal("no remove form")
	}
	v.Post(doc[1])
	v.Expect(200, "Документ удалён", "Документы не добавлены", "Неоплаченных штрафов и счетов нет")
}

// TestPayFinesPaging pages the fines by keyset: twenty, then the rest,
// with links both ways; a cursor over the limit is refused.
func TestPayFinesPaging(t *testing.T) {
	live := webtest.StartLive(t, "")
	w := buildWorld(t, live)
	var rs []accrual.Record
	for n := range 23 {
		rs = append(rs, accrual.Record{UIN: accrual.MakeUIN("18810178", int64(400+n)), Kind: accrual.ChangeNew, Seq: 1,
			Licence: "99 12 345600", Amount: 50000, DecisionDate: time.Now().AddDate(0, 0, -n).Format(time.DateOnly), Purpose: "Парковка"})
	}
	importFines(t, live, rs...)
	v := live.NewVisitor(t).SignedIn(w.actor(t, "citizen-simplified").token)
	v.Get("/cabinet/fines")
	v.Post("/cabinet/fines/documents", "licence", "99 12 345600", "sts", "")
	v.Expect(200, `rel="next"`)
	next := regexp.MustCompile(`href="(/cabinet/fines\?after=[^"]+)" rel="next"`).FindStringSubmatch(v.Last)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	first := strings.Count(v.Last, `class="pay-list__item"`)
	v.Get(strings.ReplaceAll(next[1], "&amp;", "&"))
	v.Expect(200, `rel="prev"`)
	if second := strings.Count(v.Last, `class="pay-list__item"`); first != 20 || second != 3 {
		t.Errorf("pages of %d and %d fines, want 20 and 3", first, second)
	}
	v.Get("/cabinet/fines?after=" + strings.Repeat("x", 300))
	if v.Status != 400 {
		t.Errorf("a cursor over the limit: %d, want 400", v.Status)
	}
}
