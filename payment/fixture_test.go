package payment_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/paydemo"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// accrualDoor adapts the accrual service to what payments need; app holds
// the same adapter.
type accrualDoor struct{ s *accrual.Service }

func (d accrualDoor) Due(ctx context.Context, uin string, at time.Time) (payment.Charge, error) {
	a, err := d.s.ByUIN(ctx, uin)
	if err != nil {
		return payment.Charge{}, err
	}
	return payment.Charge{Amount: a.AmountDue(at), Annulled: a.Status == accrual.StatusAnnulled,
		Purpose: a.Purpose, CaseID: a.CaseID, PayeeOrgID: a.PayeeOrgID}, nil
}

func (d accrualDoor) MarkPaidTx(ctx context.Context, tx *sqldb.Tx, uin string, amount int64, ref string) error {
	_, err := d.s.MarkPaidTx(ctx, tx, uin, amount, ref)
	return err
}

var (
	notifySecret = []byte("paydemo-test-secret-0123456789")
	gibddSecret  = []byte("gibdd-test-secret")
)

// fixture is Okno's payments on a fresh database, the real accrual
// service, and the demo provider on a real listener, sending its
// notifications to a real endpoint that hands them to HandleNotification
// as the web door does.
type fixture struct {
	db       *sqldb.DB
	clock    *testClock
	audit    *audittest.Log
	accruals *accrual.Service
	svc      *payment.Service
	demo     *paydemo.Server
	demoURL  string
	notified []int // HTTP statuses Okno answered notifications with
	mu       sync.Mutex
}

func newFixture(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	keys, err := vault.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, clock: &testClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}}
	f.audit = audittest.New(db, f.clock.Now)
	f.accruals = accrual.New(accrual.Deps{DB: db, Sealer: keys, Audit: f.audit, Now: f.clock.Now, UINPrefix: "03100643",
		Sources: []accrual.Source{{Code: "gibdd", Name: "ГИБДД", Secret: gibddSecret}}})

	okno := httptest.NewServer(http.HandlerFunc(f.notifyEndpoint))
	t.Cleanup(okno.Close)
	var h http.Handler
	demo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(demo.Close)
	f.demo, err = paydemo.New(paydemo.Options{Secret: notifySecret, NotifyURL: okno.URL, PublicURL: demo.URL, Now: f.clock.Now, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	h, f.demoURL = f.demo.Handler(), demo.URL
	f.svc = payment.New(payment.Deps{DB: db, Audit: f.audit, Outbox: outbox.New(db, nil, f.clock.Now),
		Accruals: accrualDoor{f.accruals}, Provider: &paydemo.Client{BaseURL: demo.URL, Secret: notifySecret},
		NotifySecret: notifySecret, Now: f.clock.Now})
	return f
}

// notifyEndpoint is the web door's notification handler in miniature.
func (f *fixture) notifyEndpoint(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, payment.MaxNotification+1))
	_, err := f.svc.HandleNotification(r.Context(), body, r.Header)
	status := http.StatusOK
	switch okno.ErrorCodeOf(err) {
	case "":
	case okno.EUNAUTHORIZED:
		status = http.StatusUnauthorized
	case okno.ENOTFOUND:
		status = http.StatusNotFound
	case okno.ECONFLICT:
		status = http.StatusConflict
	case okno.EINVALID:
		status = http.StatusBadRequest
	default:
		status = http.StatusInternalServerError
	}
	f.mu.Lock()
	f.notified = append(f.notified, status)
	f.mu.Unlock()
	w.WriteHeader(status)
}

// citizen makes a citizen account.
func (f *fixture) citizen(t *testing.T) okno.Actor {
	t.Helper()
	var id int64
	now := sqldb.Now(f.clock.Now())
	err := f.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO users (kind, password_hash, created_at, updated_at)
			VALUES ('citizen', 'x', ?, ?) RETURNING id`, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return okno.Actor{Kind: okno.ActorCitizen, UserID: id, Name: "Житель"}
}

// fee issues a state fee to the citizen and returns its УИН.
func (f *fixture) fee(t *testing.T, payer okno.Actor, amount int64) string {
	t.Helper()
	a, err := f.accruals.Issue(context.Background(), okno.System, accrual.Draft{Fee: "state_duty",
		Payer: accrual.Payer{UserID: payer.UserID}, Purpose: "Госпошлина за выдачу разрешения", Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	return a.UIN
}

// annulledFine imports a traffic fine and its annulment; returns its УИН.
func (f *fixture) annulledFine(t *testing.T) string {
	t.Helper()
	u := accrual.MakeUIN("18810178", 42)
	var lines []string
	for seq, kind := range []accrual.ChangeKind{accrual.ChangeNew, accrual.ChangeAnnul} {
		b, _ := json.Marshal(accrual.Record{UIN: u, Kind: kind, Seq: int64(seq + 1), Licence: "9912345678", Amount: 50000,
			DecisionDate: "2026-03-09", Article: "12.9.2"})
		lines = append(lines, string(b))
	}
	body := []byte(strings.Join(lines, "\n"))
	if _, err := f.accruals.Push(context.Background(), okno.System, "gibdd", body, accrual.Sign(gibddSecret, body)); err != nil {
		t.Fatal(err)
	}
	return u
}

// browser is the citizen's browser at the provider: it does not follow
// redirects, so a test sees where it is sent.
var browser = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// choose opens the payment page and presses a button (pay, decline,
// fail); it returns the page's text and where the citizen is sent.
func (f *fixture) choose(t *testing.T, p payment.Payment, action string) (page, location string) {
	t.Helper()
	resp, err := browser.Get(p.ConfirmationURL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", p.ConfirmationURL, resp.StatusCode, b)
	}
	resp, err = browser.PostForm(p.ConfirmationURL, map[string][]string{"action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: got %d, want 303", p.ConfirmationURL, resp.StatusCode)
	}
	return string(b), resp.Header.Get("Location")
}

// count counts rows of a query.
func (f *fixture) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// accrualState reads an accrual's status and what was paid.
func (f *fixture) accrualState(t *testing.T, uin string) (accrual.Status, int64) {
	t.Helper()
	a, err := f.accruals.ByUIN(context.Background(), uin)
	if err != nil {
		t.Fatal(err)
	}
	return a.Status, a.Paid
}

// key returns an error's catalogue key.
func key(err error) string {
	if err == nil {
		return ""
	}
	return okno.AsError(err).Key
}

const returnURL = "https://okno.example/payments/{payment}/return"
