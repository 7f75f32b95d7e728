package accrual

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// fixture is a service on a fresh database with two sources.
type fixture struct {
	db    *sqldb.DB
	svc   *Service
	keys  *vault.Keyring
	audit *audittest.Log
	clock *testClock
}

var (
	gibddSecret = []byte("gibdd-test-secret")
	amppSecret  = []byte("ampp-test-secret")
)

func newFixture(t *testing.T, db *sqldb.DB) *fixture { return newFixtureTB(t, db) }

func newFixtureTB(t testing.TB, db *sqldb.DB) *fixture {
	t.Helper()
	keys, err := vault.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	log := audittest.New(db, clock.Now)
	svc := New(Deps{DB: db, Sealer: keys, Audit: log, Now: clock.Now, UINPrefix: "03100643", BatchSize: 3,
		Sources: []Source{{Code: "gibdd", Name: "ГИБДД", Secret: gibddSecret}, {Code: "ampp", Name: "Парковки", Secret: amppSecret}}})
	return &fixture{db: db, svc: svc, keys: keys, audit: log, clock: clock}
}

// citizen makes a citizen account and returns its actor.
func (f *fixture) citizen(t *testing.T) okno.Actor {
	t.Helper()
	var id int64
	now := f.clock.Now()
	err := f.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO users (kind, password_hash, created_at, updated_at)
			VALUES ('citizen', 'x', ?, ?) RETURNING id`, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return okno.Actor{Kind: okno.ActorCitizen, UserID: id, Name: "Житель"}
}

// uin is the n-th valid УИН of the traffic police's test range.
func uin(n int64) string { return MakeUIN("18810178", n) }

// fine is a valid record of a new fine.
func fine(n int64, licence string) Record {
	return Record{UIN: uin(n), Kind: ChangeNew, Seq: 1, Licence: licence, Amount: 50000,
		DiscountPercent: 50, DiscountUntil: "2026-03-29", DecisionDate: "2026-03-09", Article: "12.9.2", Place: "Невский пр., 1"}
}

// jsonl encodes records as JSON lines.
func jsonl(t *testing.T, rs ...Record) []byte {
	t.Helper()
	var out []byte
	for _, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, b...), '\n')
	}
	return out
}

// push pushes records from source, signed with its secret.
func (f *fixture) push(t *testing.T, source string, secret []byte, rs ...Record) (ImportReport, error) {
	t.Helper()
	body := jsonl(t, rs...)
	return f.svc.Push(context.Background(), okno.System, source, body, Sign(secret, body))
}

// state reads a fine's status, seq and amount.
func (f *fixture) state(t *testing.T, u string) (Status, int64, int64) {
	t.Helper()
	a, err := f.svc.ByUIN(context.Background(), u)
	if err != nil {
		t.Fatalf("ByUIN(%s): %v", u, err)
	}
	return a.Status, a.Seq, a.Amount
}

// count counts rows of a table.
func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fieldKeys lists an error's field problems as "field=key".
func fieldKeys(err error) []string {
	var out []string
	for _, f := range okno.AsError(err).Fields {
		out = append(out, f.Field+"="+f.Key)
	}
	return out
}
