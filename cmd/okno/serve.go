package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/app"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/paydemo"
)

// openApp parses the command's configuration and assembles Okno.
func openApp(ctx context.Context, env *Env, name string, args []string, demoMode bool, extra func(*flag.FlagSet)) (*app.App, Config, []string, error) {
	return openAppAdjusted(ctx, env, name, args, demoMode, extra, nil)
}

// openAppAdjusted is openApp with adjust, if not nil, changing the parsed
// configuration before Okno is assembled (the demo's own payment provider).
func openAppAdjusted(ctx context.Context, env *Env, name string, args []string, demoMode bool, extra func(*flag.FlagSet), adjust func(*Config) error) (*app.App, Config, []string, error) {
	cfg, rest, err := parseConfig(name, args, env.Getenv, extra)
	if err != nil {
		return nil, cfg, nil, err
	}
	if adjust != nil {
		if err := adjust(&cfg); err != nil {
			return nil, cfg, nil, err
		}
	}
	log := newLogger(env, cfg)
	a, err := app.Open(ctx, app.Config{
		DataDir:       cfg.DataDir,
		DB:            cfg.DB,
		SQLiteSync:    cfg.SQLiteSync,
		MasterKeyFile: cfg.MasterKeyFile,
		BehindTLS:     cfg.BehindTLS,
		// Browsers keep Secure cookies from plain-HTTP loopback, but other
		// clients do not; the demo on loopback drops the attribute, a real
		// deployment never does.
		DevInsecureCookies: demoMode && !cfg.BehindTLS && isLoopback(cfg.Addr),
		DemoMailbox:        demoMode,
		SMTP:               notify.SMTPConfig{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUser, Password: cfg.SMTPPassword},
		SMPP:               notify.SMPPConfig{Addr: cfg.SMPPAddr, SystemID: cfg.SMPPSystemID, Password: cfg.SMPPPassword, SourceAddr: cfg.SMPPSource},
		BaseURL:            baseURL(cfg),
		PortalURL:          cfg.BaseURL,
		MapTileURL:         cfg.MapTiles,
		MapAttribution:     cfg.MapAttribution,
		PaymentURL:         cfg.PaymentURL,
		PaymentSecretFile:  cfg.PaymentSecret,
		FineSources:        cfg.FineSources,
		Workers:            cfg.Workers,
		Logger:             log,
	})
	return a, cfg, rest, err
}

// baseURL is the configured public address, or the listening address.
func baseURL(cfg Config) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL
	}
	return "http://" + cfg.Addr
}

func newLogger(env *Env, cfg Config) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(env.Stderr, opts))
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func cmdServe(ctx context.Context, env *Env, args []string) error {
	return serve(ctx, env, "serve", args, false)
}

func cmdDemo(ctx context.Context, env *Env, args []string) error {
	return serve(ctx, env, "demo", args, true)
}

func serve(ctx context.Context, env *Env, name string, args []string, demoMode bool) error {
	start := time.Now()
	var pay *demoPay
	defer func() { pay.stop() }()
	a, cfg, _, err := openAppAdjusted(ctx, env, name, args, demoMode, nil, func(cfg *Config) error {
		if !demoMode || cfg.PaymentURL != "" {
			return nil
		}
		var err error
		pay, err = listenDemoPay(cfg)
		return err
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if demoMode {
		if err := loadDemo(ctx, env, a); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := "http://" + ln.Addr().String()
	if err := pay.start(ctx, url+"/api/v1/payments/notifications", a.Logger()); err != nil {
		ln.Close()
		return err
	}
	a.Logger().Info("okno started", "addr", ln.Addr().String(), "startup_ms", time.Since(start).Milliseconds(), "demo", demoMode)
	if demoMode {
		printDemo(env, url)
		if pay != nil {
			fmt.Fprintf(env.Stdout, "Демо-платёжная система (деньги не списываются): %s — оплата штрафов и пошлин в «Платежи и штрафы» (%s/cabinet/fines)\n", pay.url, url)
		}
	}
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	return a.Run(ctx, ln)
}

// loadDemo loads the demo region once. Demo accounts are hashed at a low
// argon2id cost so the first start takes seconds, not a minute; their
// password is public anyway, and a real sign-in rehashes at full cost.
func loadDemo(ctx context.Context, env *Env, a *app.App) error {
	cheap := identity.New(a.DB, a.Keys, a.Audit, a.Outbox, time.Now, identity.Options{
		Password: identity.Argon2Params{Time: 1, Memory: 8 * 1024, Threads: 1},
	})
	loaded, err := demo.Load(ctx, a.DB, a.Orgs, a.Geo, cheap, time.Now)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	// The routing table first: demo appeals are routed by it.
	if _, err := demo.LoadRoutes(ctx, a.Appeals, a.Orgs, a.Geo, okno.System); err != nil {
		return fmt.Errorf("demo routing table: %w", err)
	}
	if err := demo.LoadCases(ctx, a.DB, a.Cases, a.Appeals); err != nil {
		return fmt.Errorf("demo cases: %w", err)
	}
	if err := demo.LoadCatalog(ctx, a.Services, a.Orgs); err != nil {
		return fmt.Errorf("demo catalogue: %w", err)
	}
	if _, err := demo.LoadAppointments(ctx, a.Services, a.Appointments); err != nil {
		return fmt.Errorf("demo appointments: %w", err)
	}
	var petr int64
	if err := a.DB.QueryRowContext(ctx, `SELECT id FROM users WHERE kind = 'citizen' AND display_name = ?`, "Пётр Петров").Scan(&petr); err != nil {
		return fmt.Errorf("demo fines: the demo driver: %w", err)
	}
	// The demo's issuers are known to this loader whether or not the
	// running app accepts them (a demo started by another command).
	fines := accrual.New(accrual.Deps{DB: a.DB, Sealer: a.Keys, Audit: a.Audit, Sources: demo.DemoFineSources()})
	if err := demo.LoadDemoFines(ctx, fines, petr, time.Now()); err != nil {
		return fmt.Errorf("demo fines: %w", err)
	}
	if loaded {
		fmt.Fprintln(env.Stdout, "Демо-данные Санкт-Петербурга загружены.")
	}
	return nil
}

func printDemo(env *Env, url string) {
	w := env.Stdout
	fmt.Fprintf(w, "\nОкно работает: %s\n", url)
	fmt.Fprintf(w, "Демо-почта (коды подтверждения): %s/demo/mailbox\n\n", url)
	fmt.Fprintf(w, "Вход для граждан: %s/signin    Вход для сотрудников: %s/staff/signin\n", url, url)
	fmt.Fprintf(w, "Пароль всех демо-учётных записей: %s\n\n", demo.Password)
	for _, acc := range demo.Accounts() {
		fmt.Fprintf(w, "  %-40s %s — %s\n", acc.Login, acc.Name, acc.What)
	}
	fmt.Fprintln(w, "\nСотрудники других организаций: official.<код>@okno.test, head.<код>@okno.test (например, official.admin-nevsky@okno.test).")
	fmt.Fprintln(w, "Остановить: Ctrl+C")
}

// demoPay is the demo provider (package paydemo) a demo runs in-process
// when no --payment-url is given, so that paying works end to end with
// one command: on its own loopback listener, with a secret generated into
// the data directory and its state kept there, stopped with the server.
type demoPay struct {
	ln        net.Listener
	url       string
	secret    []byte
	stateFile string
	hs        *http.Server
	cancel    context.CancelFunc
	done      chan struct{}
}

// listenDemoPay opens the provider's listener and points cfg at it. The
// server itself starts once Okno listens (start): its notifications go
// to Okno's address, known only then.
func listenDemoPay(cfg *Config) (*demoPay, error) {
	if cfg.DataDir == "" {
		return nil, nil // a PostgreSQL demo without a data directory: no provider, pages say so
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("demo payments: %w", err)
	}
	secretFile := filepath.Join(cfg.DataDir, "paydemo.secret")
	secret, err := os.ReadFile(secretFile)
	if errors.Is(err, fs.ErrNotExist) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("demo payments: %w", err)
		}
		secret = []byte(hex.EncodeToString(b))
		err = os.WriteFile(secretFile, secret, 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("demo payments: secret: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo payments: listen: %w", err)
	}
	p := &demoPay{ln: ln, url: "http://" + ln.Addr().String(), secret: bytes.TrimSpace(secret),
		stateFile: filepath.Join(cfg.DataDir, "paydemo-state.json")}
	cfg.PaymentURL, cfg.PaymentSecret = p.url, secretFile
	return p, nil
}

// start serves the provider, sending notifications to notifyURL.
func (p *demoPay) start(ctx context.Context, notifyURL string, log *slog.Logger) error {
	if p == nil {
		return nil
	}
	srv, err := paydemo.New(paydemo.Options{Secret: p.secret, NotifyURL: notifyURL, PublicURL: p.url, StateFile: p.stateFile,
		Log: log.With("component", "paydemo")})
	if err != nil {
		return fmt.Errorf("demo payments: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	p.cancel, p.done = cancel, make(chan struct{})
	p.hs = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { defer close(p.done); srv.Run(runCtx) }()
	go func() { _ = p.hs.Serve(p.ln) }()
	return nil
}

// stop stops the provider (or closes its listener if it never started).
func (p *demoPay) stop() {
	if p == nil {
		return
	}
	if p.hs == nil {
		p.ln.Close()
		return
	}
	p.cancel()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.hs.Shutdown(shutdown)
	<-p.done
}
