package identity

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 15, 123456000, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outboxSender records what the delivery handler hands over.
type outboxSender struct {
	mu   sync.Mutex
	sent []Message
}

func (s *outboxSender) Send(_ context.Context, m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return nil
}

// env wires the Service to the real audit log, outbox and vault on db.
type env struct {
	t      testing.TB
	db     *sqldb.DB
	svc    *Service
	queue  *outbox.Queue
	sender *outboxSender
	clock  *clock
	vault  *vault.Keyring
}

// cheapArgon keeps tests fast; the benchmarks use DefaultArgon2.
var cheapArgon = Argon2Params{Time: 1, Memory: 64, Threads: 1}

func newEnv(t testing.TB, db *sqldb.DB) *env {
	t.Helper()
	dir := t.TempDir()
	kr, err := vault.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	key, err := audit.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: testNow}
	q := outbox.New(db, nil, c.Now)
	e := &env{t: t, db: db, queue: q, sender: &outboxSender{}, clock: c, vault: kr}
	e.svc = New(db, kr, audit.New(db, key, c.Now), q, c.Now, Options{
		Password:  cheapArgon,
		Translate: cat.Localizer("ru").T,
	})
	q.Register(DeliverTopic, DeliverHandler(e.svc, e.sender))
	return e
}

// deliver runs due outbox messages and returns what was sent since the last call.
func (e *env) deliver() []Message {
	e.t.Helper()
	if _, err := e.queue.ProcessDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.sender.mu.Lock()
	defer e.sender.mu.Unlock()
	m := e.sender.sent
	e.sender.sent = nil
	return m
}

var sixDigitsRE = regexp.MustCompile(`\b\d{6}\b`)

// lastCode delivers pending messages and returns the code in the last one.
func (e *env) lastCode() string {
	e.t.Helper()
	ms := e.deliver()
	if len(ms) == 0 {
		e.t.Fatal("no message delivered")
	}
	code := sixDigitsRE.FindString(ms[len(ms)-1].Body)
	if code == "" {
		e.t.Fatalf("no code in %q", ms[len(ms)-1].Body)
	}
	return code
}

// citizen signs up and confirms a citizen, returning its user ID.
func (e *env) citizen(contact, password string) int64 {
	e.t.Helper()
	ctx := context.Background()
	if err := e.svc.SignUp(ctx, NewAccount{Contact: contact, Password: password, DisplayName: "Иван"}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.Confirm(ctx, contact, e.lastCode()); err != nil {
		e.t.Fatal(err)
	}
	ss, err := e.svc.SignIn(ctx, Credentials{Contact: contact, Password: password})
	if err != nil {
		e.t.Fatal(err)
	}
	return ss.UserID
}

// standard raises a fresh citizen to the standard level.
func (e *env) standard(contact, snils, passport string) int64 {
	e.t.Helper()
	uid := e.citizen(contact, "correct horse battery")
	if err := e.svc.SubmitPersonalData(context.Background(), uid, validPerson(snils, passport)); err != nil {
		e.t.Fatal(err)
	}
	return uid
}

func validPerson(snils, passport string) PersonalData {
	return PersonalData{LastName: "Петров", FirstName: "Иван", MiddleName: "Сергеевич", BirthDate: "1985-03-21", Passport: passport, SNILS: snils}
}

// wantKey fails unless err is an okno error with code and key (the key of
// its first field problem when it has fields).
func wantKey(t testing.TB, err error, code okno.ErrorCode, key string, args ...any) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s %s", code, key)
	}
	e := okno.AsError(err)
	gotKey, gotArgs := e.Key, e.Args
	if len(e.Fields) > 0 {
		gotKey, gotArgs = e.Fields[0].Key, e.Fields[0].Args
	}
	if e.Code != code || gotKey != key {
		t.Fatalf("err = %v, want %s %s", err, code, key)
	}
	if len(args) > 0 && len(gotArgs) > 0 {
		if g, w := gotArgs[0], args[0]; g != w {
			t.Fatalf("err args = %v, want %v", gotArgs, args)
		}
	}
}

func assurance(t *testing.T, db *sqldb.DB, userID int64) Assurance {
	t.Helper()
	var a Assurance
	if err := db.QueryRowContext(context.Background(), `SELECT assurance FROM users WHERE id = ?`, userID).Scan(&a); err != nil {
		t.Fatal(err)
	}
	return a
}
