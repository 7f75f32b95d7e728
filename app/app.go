// Package app assembles Okno: it opens the database and the keys, builds
// every feature's service, wires them to the web server and the outbox
// workers, and runs them until asked to stop. cmd/okno calls it; end-to-end
// tests call it the same way, on port 0.
//
// It holds no business rules: only construction, adapters between a
// feature's types and a consumer's small interfaces, the transactions that
// span two features (CreateStaff), and lifecycle.
package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/okno/okno/accrual"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/application"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/complaint"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/instant"
	"github.com/okno/okno/keyfile"
	"github.com/okno/okno/metrics"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/process"
	"github.com/okno/okno/rating"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
	"github.com/okno/okno/web"
)

// Config is what the assembly needs; cmd/okno fills it from flags,
// environment and file.
type Config struct {
	DataDir       string
	DB            string // empty: SQLite in DataDir
	SQLiteSync    string // FULL or NORMAL
	MasterKeyFile string // empty: DataDir/master.key
	BehindTLS     bool
	// DevInsecureCookies drops the Secure cookie attribute for plain-HTTP
	// development on loopback (the demo). Never in production.
	DevInsecureCookies bool
	// DemoMailbox keeps e-mail, SMS and letters in the demo mailbox that the
	// /demo/mailbox page shows, instead of failing when no gateway is set.
	DemoMailbox bool
	SMTP        notify.SMTPConfig // Addr empty: no e-mail gateway
	SMPP        notify.SMPPConfig // Addr empty: no SMS gateway
	// BaseURL is the portal's public address, for links in e-mail and SMS.
	BaseURL string
	// PortalURL is the public address when one is configured ("" when
	// BaseURL was only guessed from the listening address): links that
	// leave the site and come back (the payment provider's return link)
	// use it, else the address the browser reached.
	PortalURL string
	// MapTileURL and MapAttribution configure the public map's tiles (see
	// web.Config).
	MapTileURL, MapAttribution string
	// PaymentURL and PaymentSecretFile connect a payment provider (okno
	// paydemo in the demo); empty: payments are not taken.
	PaymentURL, PaymentSecretFile string
	// FineSources are the issuers that may push fines: "code=secret-file,…".
	FineSources string
	// TimeZone is the region's time zone for deadlines ("" is Europe/Moscow).
	TimeZone string
	Workers  int
	// CheckpointEvery is how often the audit log gets a signed checkpoint (default 10 min).
	CheckpointEvery time.Duration
	Logger          *slog.Logger
	Now             func() time.Time
}

// App is a running Okno: its services and the doors to them.
type App struct {
	cfg       Config
	log       *slog.Logger
	DB        *sqldb.DB
	Keys      *vault.Keyring
	Audit     *audit.Log
	AuditKey  ed25519.PublicKey // for verifiers
	Outbox    *outbox.Queue
	Catalog   *i18n.Catalog
	Metrics   *metrics.Registry
	Identity  *identity.Service
	Orgs      *org.Service
	Geo       *geo.Service
	Cabinet   *notify.Cabinet
	Notices   *notify.Notices
	Channels  *notify.Preferences
	Webhooks  *notify.Webhooks
	sms       *notify.SMPP
	Processes *process.Registry
	Calendar  *calendar.Service
	Blobs     *blob.FS
	Cases     *casework.Service
	Appeals   *appeal.Service
	// Issue 5: the catalogue and what delivers its services.
	Services     *catalog.Catalog
	Applications *application.Service
	Instant      *instant.Service
	Complaints   *complaint.Service
	Ratings      *rating.Service
	// Issue 6.
	Appointments *appointment.Service
	Accruals     *accrual.Service
	Payments     *payment.Service // nil when no provider is configured
	Mailbox      *notify.Mailbox  // nil unless DemoMailbox
	Web          *web.Server
}

// Open builds everything and migrates the database. Close releases it.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CheckpointEvery <= 0 {
		cfg.CheckpointEvery = 10 * time.Minute
	}
	a := &App{cfg: cfg, log: cfg.Logger}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := sqldb.Open(ctx, sqldb.Config{DSN: cfg.DB, DataDir: cfg.DataDir, Synchronous: cfg.SQLiteSync})
	if err != nil {
		return nil, err
	}
	a.DB = db
	ok := false
	defer func() {
		if !ok {
			db.Close()
		}
	}()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return nil, err
	}
	if len(applied) > 0 {
		a.log.Info("migrations applied", "count", len(applied), "last", applied[len(applied)-1])
	}
	if a.Keys, err = vault.Load(cfg.DataDir, cfg.MasterKeyFile); err != nil {
		return nil, err
	}
	signer, err := audit.LoadOrCreateKey(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a.AuditKey = signer.Public().(ed25519.PublicKey)
	a.Audit = audit.New(db, signer, cfg.Now)
	a.Outbox = outbox.New(db, a.log, cfg.Now)
	if a.Catalog, err = i18n.Load(); err != nil {
		return nil, err
	}
	ru := a.Catalog.Localizer(i18n.Russian)

	a.Cabinet = notify.NewCabinet(db, cfg.Now)
	var smtp *notify.SMTP
	if cfg.SMTP.Addr != "" {
		if smtp, err = notify.NewSMTP(cfg.SMTP, cfg.Now); err != nil {
			return nil, err
		}
	}
	if cfg.DemoMailbox {
		a.Mailbox = notify.NewMailbox(db, a.Keys, cfg.Now)
	}
	var sms *notify.SMPP
	if cfg.SMPP.Addr != "" {
		if sms, err = notify.NewSMPP(cfg.SMPP, cfg.Now); err != nil {
			return nil, err
		}
	}
	a.sms = sms
	router := notify.NewRouter(smtp, a.Mailbox, a.Cabinet).WithSMS(sms)

	a.Identity = identity.New(db, a.Keys, a.Audit, a.Outbox, cfg.Now, identity.Options{Translate: ru.T, Logger: a.log})
	a.Orgs = org.New(db, a.Audit, cfg.Now)
	a.Geo = geo.New(db, a.Audit, cfg.Now)
	if err := a.openCasework(ctx, router); err != nil {
		return nil, err
	}
	if err := a.openAppeals(ctx); err != nil {
		return nil, err
	}
	for _, open := range []func(context.Context) error{a.openCatalog, a.openApplications, a.openInstant, a.openComplaints, a.openAppointments, a.openAccruals, a.openPayments} {
		if err := open(ctx); err != nil {
			return nil, err
		}
	}

	a.Outbox.Register(identity.DeliverTopic, identity.DeliverHandler(a.Identity, identitySender{router}))
	a.Outbox.Register(checkpointTopic, func(ctx context.Context, _ outbox.Message) error {
		_, err := a.Audit.Checkpoint(ctx)
		return err
	})

	a.Metrics = metrics.NewRegistry()
	a.registerMetrics()
	a.registerRuntimeMetrics()
	csrfKey, err := loadOrCreateSecret(filepath.Join(cfg.DataDir, "csrf.key"))
	if err != nil {
		return nil, err
	}
	wcfg := web.Config{BaseURL: cfg.PortalURL, BehindTLS: cfg.BehindTLS, DevInsecureCookies: cfg.DevInsecureCookies, CSRFKey: csrfKey, DemoMailbox: cfg.DemoMailbox,
		MapTileURL: cfg.MapTileURL, MapAttribution: cfg.MapAttribution}
	if err := wcfg.Validate(); err != nil {
		return nil, err
	}
	a.Web = web.New(wcfg, web.Deps{
		Logger:   a.log,
		Catalog:  a.Catalog,
		Metrics:  a.Metrics,
		Sessions: sessions{a.Identity},
		Roles:    a.Orgs,
		APIKeys:  apiKeys{a.Identity, a.Orgs},
		Ping:     db,
		Now:      cfg.Now,

		Accounts:      a.Identity,
		Operators:     a.Identity,
		StaffAccounts: a.Identity,
		Staffing:      a,
		Orgs:          a.Orgs,
		Territories:   a.Geo,
		Inbox:         a.Cabinet,
		Mailbox:       demoMailbox(a.Mailbox),
		Cases:         a.Cases,
		Calendars:     a.Calendar,
		Processes:     a.Processes,
		Channels:      a.Channels,
		Webhooks:      a.Webhooks,
		Appeals:       a.Appeals,
		Services:      a.Services,
		Applications:  a.Applications,
		Instant:       a.Instant,
		Complaints:    a.Complaints,
		Ratings:       a.Ratings,
		Accruals:      a.Accruals,
		Payments:      payments(a.Payments),
		Appointments:  a.Appointments,
	})
	ok = true
	return a, nil
}

// checkpointTopic is the recurring job that signs audit checkpoints.
const checkpointTopic = "audit.checkpoint"

// Run serves HTTP on ln, runs the outbox workers and reloads the
// production calendar until ctx is cancelled, then shuts them down
// gracefully and signs a final audit checkpoint.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	if err := a.Outbox.Every(ctx, checkpointTopic, a.cfg.CheckpointEvery); err != nil {
		return err
	}
	if err := a.Outbox.Every(ctx, casework.DeadlinesTopic, deadlinesEvery); err != nil {
		return err
	}
	if err := a.scheduleAppeals(ctx); err != nil {
		return err
	}
	if err := a.Outbox.Every(ctx, appointment.PruneTopic, appointmentPruneEvery); err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(3)
	go func() {
		defer wg.Done()
		a.refreshCalendar(ctx)
	}()
	go func() {
		defer wg.Done()
		errs[0] = a.Web.Serve(ctx, ln)
	}()
	go func() {
		defer wg.Done()
		if a.cfg.Workers > 0 {
			errs[1] = a.Outbox.Run(ctx, a.cfg.Workers)
		}
	}()
	wg.Wait()
	if _, err := a.Audit.Checkpoint(context.WithoutCancel(ctx)); err != nil {
		errs = append(errs, fmt.Errorf("final audit checkpoint: %w", err))
	}
	for i, err := range errs {
		if errors.Is(err, context.Canceled) {
			errs[i] = nil
		}
	}
	return errors.Join(errs...)
}

// Close releases the database and the SMS gateway's connection.
func (a *App) Close() error {
	if a.sms != nil {
		a.sms.Close()
	}
	return a.DB.Close()
}

// loadOrCreateSecret reads a 32-byte secret file, creating it on first use.
// Replicas share the data directory's copy or get the same file deployed.
func loadOrCreateSecret(path string) ([]byte, error) {
	b, err := keyfile.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		b = make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		if _, err := keyfile.Create(path, b); err != nil {
			return nil, err
		}
		b, err = keyfile.Read(path) // another process may have made it first
	}
	if err != nil {
		return nil, err
	}
	if len(b) < 32 {
		return nil, fmt.Errorf("%s: secret is %d bytes, need 32", path, len(b))
	}
	return b, nil
}

// Logger is the application's logger.
func (a *App) Logger() *slog.Logger { return a.log }

// Localize renders err for a person in Russian, naming each field's problem;
// the command line uses it.
func (a *App) Localize(err error) string {
	msg, fields := a.Catalog.Localizer(i18n.Russian).Error(err)
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		msg += "\n  " + f + ": " + fields[f]
	}
	return msg
}
