package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/app"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/notify"
)

// openApp parses the command's configuration and assembles Okno.
func openApp(ctx context.Context, env *Env, name string, args []string, demoMode bool, extra func(*flag.FlagSet)) (*app.App, Config, []string, error) {
	cfg, rest, err := parseConfig(name, args, env.Getenv, extra)
	if err != nil {
		return nil, cfg, nil, err
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
		MapTileURL:         cfg.MapTiles,
		MapAttribution:     cfg.MapAttribution,
		PaymentURL:         cfg.PaymentURL,
		PaymentSecretFile:  cfg.PaymentSecret,
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
	a, cfg, _, err := openApp(ctx, env, name, args, demoMode, nil)
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
	a.Logger().Info("okno started", "addr", ln.Addr().String(), "startup_ms", time.Since(start).Milliseconds(), "demo", demoMode)
	if demoMode {
		printDemo(env, url)
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
