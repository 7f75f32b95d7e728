package payment_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/vault"
)

// fuzzProvider is a provider that registers every payment at once; the
// fuzz targets only need a payment Okno knows by its provider id.
type fuzzProvider struct{}

func (fuzzProvider) Create(_ context.Context, r payment.CreateRequest) (payment.ProviderPayment, error) {
	return payment.ProviderPayment{ID: "prov-" + r.IdempotencyKey, Status: payment.StatusPending, Amount: r.Amount,
		ConfirmationURL: "https://pay.example/" + r.IdempotencyKey}, nil
}

func (fuzzProvider) Get(context.Context, string) (payment.ProviderPayment, error) {
	return payment.ProviderPayment{}, okno.Errorf(okno.ENOTFOUND, "payment.not_found")
}

func (fuzzProvider) Refund(context.Context, string, int64, string) (payment.ProviderRefund, error) {
	return payment.ProviderRefund{}, okno.Errorf(okno.ECONFLICT, "payment.refund_amount")
}

func (fuzzProvider) Statement(context.Context, time.Time) (payment.Statement, error) {
	return payment.Statement{}, nil
}

// fuzzCatalog loads the message catalogue for a fuzz target.
func fuzzCatalog(f *testing.F) *i18n.Catalog {
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	return cat
}

// checkRefusal fails unless err is an okno error of one of codes whose key
// and field keys are in the catalogue: what the door answers with a 4xx
// the provider reads. EINTERNAL (a 500) is never an answer to input.
func checkRefusal(t *testing.T, cat *i18n.Catalog, err error, codes ...okno.ErrorCode) {
	t.Helper()
	e := okno.AsError(err)
	known := false
	for _, c := range codes {
		known = known || e.Code == c
	}
	if !known || !cat.Has(e.Key) {
		t.Fatalf("%v: want one of %v with a catalogue key", err, codes)
	}
	for _, fe := range e.Fields {
		if fe.Field == "" || !cat.Has(fe.Key) {
			t.Fatalf("field problem %+v has no field or no catalogue key", fe)
		}
	}
}

// FuzzVerify gives Verify any body and any timestamp and signature
// headers. It never panics; a refusal is EUNAUTHORIZED or EINVALID with
// a catalogue key; nothing unsigned is ever accepted; and a body signed
// with the secret at now is refused only as EINVALID (its content), and
// what it accepts passes the notification's own checks.
func FuzzVerify(f *testing.F) {
	cat := fuzzCatalog(f)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := notification("ntf-1", payment.EventSucceeded, "prov-1", 50000)
	f.Add(good, ts, payment.Sign(notifySecret, now, good))
	f.Add(good, ts, "v1=zz")
	f.Add(good, "-9223372036854775808", "v1=")
	f.Add([]byte(`{"id":"n","event":"refund.succeeded","payment":{"id":"p","amount":10},"refund":{"id":"r","amount":11}}`), ts, "")
	f.Add([]byte(`{"id":"n","event":"payment.pending","payment":{"id":"p","amount":-1},"created_at":"not a time"}`), ts, "")
	f.Add([]byte(`{"id":"`+string(bytes.Repeat([]byte("x"), 101))+`","event":"?","payment":{"id":"","amount":1e30}}`), "1e9", "v1=00")
	f.Add([]byte("{"), "", "")
	f.Add([]byte("null"), ts, "")
	f.Fuzz(func(t *testing.T, body []byte, tsHeader, sig string) {
		h := http.Header{}
		h.Set(payment.HeaderTimestamp, tsHeader)
		h.Set(payment.HeaderSignature, sig)
		n, err := payment.Verify(notifySecret, body, h, now, 5*time.Minute)
		if err != nil {
			checkRefusal(t, cat, err, okno.EUNAUTHORIZED, okno.EINVALID)
		} else if !hmacHolds(tsHeader, sig, body) {
			t.Fatalf("accepted %q signed %q at %q", body, sig, tsHeader)
		}
		// The same body properly signed now: only its content may be refused.
		h.Set(payment.HeaderTimestamp, ts)
		h.Set(payment.HeaderSignature, payment.Sign(notifySecret, now, body))
		n, err = payment.Verify(notifySecret, body, h, now, 5*time.Minute)
		if err != nil {
			checkRefusal(t, cat, err, okno.EINVALID)
			return
		}
		if n.ID == "" || n.Payment.ID == "" || n.Payment.Amount <= 0 || n.Payment.Amount > payment.MaxAmount {
			t.Fatalf("accepted %+v", n)
		}
		if n.Event == payment.EventRefund && (n.Refund == nil || n.Refund.Amount <= 0 || n.Refund.Amount > n.Payment.Amount) {
			t.Fatalf("accepted the refund %+v", n)
		}
	})
}

// hmacHolds is the protocol's signature check written out again: sig is
// "v1=" and the hex HMAC-SHA-256 of ts + "." + body under notifySecret.
func hmacHolds(ts, sig string, body []byte) bool {
	m := hmac.New(sha256.New, notifySecret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return strings.HasPrefix(sig, "v1=") && strings.EqualFold(sig[3:], hex.EncodeToString(m.Sum(nil)))
}

// FuzzHandleNotification applies signed notifications of any content to
// a real payment (on SQLite; the seeds on PostgreSQL too): the provider id "{PID}" in a body is replaced
// by the started payment's, so the fuzzer reaches past the lookup. It
// never panics and never fails inside (a 500 would make the provider
// resend forever): a refusal is EINVALID, ENOTFOUND or ECONFLICT with a
// catalogue key; what is applied concerns that payment, and the same
// notification again is acknowledged as a duplicate and changes nothing.
func FuzzHandleNotification(f *testing.F) {
	cat := fuzzCatalog(f)
	ctx := context.Background()
	var worlds []*fuzzWorld
	for _, db := range fuzzDBs(f) {
		worlds = append(worlds, newFuzzWorld(f, db))
	}
	at := "2026-03-10T09:00:00Z"
	for _, s := range []string{
		`{"id":"n1","event":"payment.pending","created_at":"` + at + `","payment":{"id":"{PID}","amount":50000}}`,
		`{"id":"n2","event":"payment.succeeded","created_at":"` + at + `","payment":{"id":"{PID}","amount":50000,"paid_at":"` + at + `"}}`,
		`{"id":"n3","event":"payment.failed","payment":{"id":"{PID}","amount":50000}}`,
		`{"id":"n4","event":"refund.succeeded","payment":{"id":"{PID}","amount":50000},"refund":{"id":"r1","payment_id":"{PID}","amount":20000}}`,
		`{"id":"n5","event":"refund.succeeded","payment":{"id":"{PID}","amount":50000},"refund":{"id":"r2","amount":50000}}`,
		`{"id":"n6","event":"payment.cancelled","payment":{"id":"{PID}","amount":49999}}`,
		`{"id":"n7","event":"payment.succeeded","payment":{"id":"someone-else","amount":50000}}`,
		`{"id":"n8","event":"payment.succeeded","payment":{"id":"{PID}","amount":50000,"paid_at":"0001-01-01T00:00:00Z"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, w := range worlds {
			body := bytes.ReplaceAll(body, []byte("{PID}"), []byte(w.p.ProviderID))
			h := signed(notifySecret, w.clock.Now(), body)
			out, err := w.svc.HandleNotification(ctx, body, h)
			if err != nil {
				checkRefusal(t, cat, err, okno.EINVALID, okno.ENOTFOUND, okno.ECONFLICT)
				continue
			}
			if out.PaymentID != w.p.ID {
				t.Fatalf("%s: applied to payment %d, want %d: %+v", w.db.Dialect(), out.PaymentID, w.p.ID, out)
			}
			again, err := w.svc.HandleNotification(ctx, body, h)
			if err != nil || !again.Duplicate || again.Status != out.Status {
				t.Fatalf("%s: the same notification again: %+v, %v; want a duplicate leaving %s", w.db.Dialect(), again, err, out.Status)
			}
		}
	})
}

// fuzzDBs are the databases a fuzz target runs on: SQLite, and PostgreSQL
// too when OKNO_TEST_POSTGRES is set and the seeds are replayed as a test
// (go test); fuzzing itself (-fuzz) stays on SQLite, whose speed it needs.
func fuzzDBs(f *testing.F) []*sqldb.DB {
	dbs := []*sqldb.DB{storetest.OpenSQLite(f)}
	if fl := flag.Lookup("test.fuzz"); os.Getenv(storetest.PostgresEnv) != "" && (fl == nil || fl.Value.String() == "") {
		dbs = append(dbs, storetest.OpenPostgres(f))
	}
	return dbs
}

// fuzzWorld is payments on db with one started payment of 500 ₽ for a
// state fee, waiting for the provider's word.
type fuzzWorld struct {
	db    *sqldb.DB
	clock *testClock
	svc   *payment.Service
	p     payment.Payment
}

func newFuzzWorld(f *testing.F, db *sqldb.DB) *fuzzWorld {
	ctx := context.Background()
	keys, err := vault.Load(f.TempDir(), "")
	if err != nil {
		f.Fatal(err)
	}
	w := &fuzzWorld{db: db, clock: &testClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}}
	log := audittest.New(db, w.clock.Now)
	accruals := accrual.New(accrual.Deps{DB: db, Sealer: keys, Audit: log, Now: w.clock.Now, UINPrefix: "03100643"})
	w.svc = payment.New(payment.Deps{DB: db, Audit: log, Outbox: outbox.New(db, nil, w.clock.Now),
		Accruals: accrualDoor{accruals}, Provider: fuzzProvider{}, NotifySecret: notifySecret, Now: w.clock.Now})
	var user int64
	now := sqldb.Now(w.clock.Now())
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO users (kind, password_hash, created_at, updated_at)
			VALUES ('citizen', 'x', ?, ?) RETURNING id`, now, now).Scan(&user)
	})
	if err != nil {
		f.Fatal(err)
	}
	citizen := okno.Actor{Kind: okno.ActorCitizen, UserID: user, Name: "Житель"}
	a, err := accruals.Issue(ctx, okno.System, accrual.Draft{Fee: "state_duty", Payer: accrual.Payer{UserID: user},
		Purpose: "Госпошлина", Amount: 50000})
	if err != nil {
		f.Fatal(err)
	}
	if w.p, err = w.svc.Start(ctx, citizen, a.UIN, returnURL, "fuzz-1"); err != nil {
		f.Fatal(err)
	}
	return w
}
