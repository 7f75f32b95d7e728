// Package identity keeps the accounts of citizens and staff: sign-up with a
// confirmation code, passwords, sign-in with rate limits and lockout stored
// in the database, sessions, the assurance levels (simplified, standard,
// confirmed), operator look-ups, and API keys of organisations.
//
// Personal data (e-mail, phone, full name, birth date, passport, СНИЛС,
// postal address) is sealed with a vault.Sealer before it reaches the
// database and found through blind indexes. It must never appear in a log
// line, an audit entry or an outbox payload: those carry IDs, digests and
// sealed bytes only. The package never imports net/http: doors (web, API,
// CLI) call the Service and render its *okno.Error values.
package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/okno/okno/audit"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// Options tunes the Service. Zero fields take the defaults noted on each.
type Options struct {
	// CitizenIdle and CitizenLifetime bound a citizen's session: it ends after
	// CitizenIdle without a request (default 30 min) and CitizenLifetime after
	// sign-in whatever happens (default 12 h).
	CitizenIdle, CitizenLifetime time.Duration
	// StaffIdle and StaffLifetime do the same for staff, who hold more power
	// and so get shorter sessions (defaults 15 min and 10 h: one working day).
	StaffIdle, StaffLifetime time.Duration

	// CodeTTL is how long a sign-up code is valid (default 15 min);
	// PostCodeTTL how long a code sent by post is (default 60 days: letters
	// are slow). CodeAttempts is how many wrong entries kill a code (default 5).
	CodeTTL, PostCodeTTL time.Duration
	CodeAttempts         int

	// AccountFailures wrong passwords within AccountLock lock an account for
	// AccountLock (defaults 5 and 15 min). IPFailures does the same per client
	// address (default 50: a whole office may share one address).
	AccountFailures, IPFailures int
	AccountLock                 time.Duration

	// Password is the argon2id cost for new hashes (default DefaultArgon2).
	Password Argon2Params

	// Translate renders a catalogue key for messages sent to people (codes by
	// e-mail, SMS and post). cmd/okno wires the i18n catalogue's Russian
	// localizer; the default returns the key and arguments, which is only
	// good enough for tests.
	Translate func(key string, args ...any) string

	// Logger receives operational events (never personal data). Default: discard.
	Logger *slog.Logger
	// Rand is the source of tokens, salts and codes (default crypto/rand.Reader).
	Rand io.Reader
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.CitizenIdle, 30*time.Minute)
	def(&o.CitizenLifetime, 12*time.Hour)
	def(&o.StaffIdle, 15*time.Minute)
	def(&o.StaffLifetime, 10*time.Hour)
	def(&o.CodeTTL, 15*time.Minute)
	def(&o.PostCodeTTL, 60*24*time.Hour)
	def(&o.AccountLock, 15*time.Minute)
	if o.CodeAttempts <= 0 {
		o.CodeAttempts = 5
	}
	if o.AccountFailures <= 0 {
		o.AccountFailures = 5
	}
	if o.IPFailures <= 0 {
		o.IPFailures = 50
	}
	if o.Password == (Argon2Params{}) {
		o.Password = DefaultArgon2
	}
	if o.Translate == nil {
		o.Translate = func(key string, args ...any) string { return key + fmt.Sprint(args...) }
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	return o
}

// Service is the identity feature: every rule about accounts lives in its
// methods, called from every door.
type Service struct {
	db     *sqldb.DB
	vault  vault.Sealer
	audit  audit.Appender
	outbox outbox.Enqueuer
	now    func() time.Time
	opts   Options
	// hashing bounds concurrent argon2id computations: each takes Memory KiB,
	// and a burst of sign-ins must not exhaust the machine's memory.
	hashing chan struct{}

	dummyOnce sync.Once
	dummy     string
}

// New returns the identity service. The sealer protects personal data, the
// appender records every state change and the enqueuer carries deliveries
// (codes by e-mail, SMS, post), all in the same transaction as the change.
func New(db *sqldb.DB, sealer vault.Sealer, auditor audit.Appender, enqueuer outbox.Enqueuer, now func() time.Time, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{
		db: db, vault: sealer, audit: auditor, outbox: enqueuer, now: now, opts: opts,
		hashing: make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
	}
}

// clock returns the current time as stored.
func (s *Service) clock() time.Time { return sqldb.Now(s.now()) }

// random returns n random bytes from the configured source.
func (s *Service) random(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.opts.Rand, b); err != nil {
		return nil, fmt.Errorf("identity: random: %w", err)
	}
	return b, nil
}

// token returns a random 256-bit token in URL-safe base64 and its SHA-256,
// which is what gets stored: a token is high-entropy, so a fast hash is
// enough to make a stolen table useless.
func (s *Service) token() (string, []byte, error) {
	b, err := s.random(32)
	if err != nil {
		return "", nil, err
	}
	t := base64.RawURLEncoding.EncodeToString(b)
	return t, hashToken(t), nil
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// minutesLeft rounds up, so "try again in 1 minute" is never said at 0:59
// remaining and never "0 minutes".
func minutesLeft(d time.Duration) int {
	m := int((d + time.Minute - 1) / time.Minute)
	return max(m, 1)
}
