package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything Okno reads at start. Each setting has one name used
// three ways: the flag (--data), the environment variable (OKNO_DATA) and the
// key in a config file (data = ./okno-data). Precedence: flag, environment,
// file, default. Validate reports every problem at once, in words an operator
// can act on.
type Config struct {
	Addr           string
	DataDir        string
	DB             string
	SQLiteSync     string
	MasterKeyFile  string
	BehindTLS      bool
	LogLevel       string
	LogFormat      string
	Workers        int
	SMTPAddr       string
	SMTPFrom       string
	SMTPUser       string
	SMTPPassword   string
	SMPPAddr       string
	SMPPSystemID   string
	SMPPPassword   string
	SMPPSource     string
	BaseURL        string
	MapTiles       string
	MapAttribution string
	PaymentURL     string
	PaymentSecret  string
	FineSources    string
	ShutdownGrace  time.Duration
}

// setting describes one configuration knob.
type setting struct {
	name  string // flag name; env is OKNO_ + upper snake; file key is the same as the flag
	usage string
	bind  func(fs *flag.FlagSet, c *Config)
}

func settings() []setting {
	return []setting{
		{"addr", "address to listen on", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.Addr, "addr", c.Addr, "") }},
		{"data", "data directory: SQLite database, keys, files", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.DataDir, "data", c.DataDir, "") }},
		{"db", "database: empty for SQLite in the data directory, or a postgres:// URL", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.DB, "db", c.DB, "") }},
		{"sqlite-sync", "SQLite synchronous pragma: FULL (default, durable on power loss) or NORMAL", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.SQLiteSync, "sqlite-sync", c.SQLiteSync, "") }},
		{"master-key-file", "file with the master keys for personal data (default: DATA/master.key, made on first start)", func(fs *flag.FlagSet, c *Config) {
			fs.StringVar(&c.MasterKeyFile, "master-key-file", c.MasterKeyFile, "")
		}},
		{"behind-tls", "a TLS-terminating proxy is in front: send HSTS", func(fs *flag.FlagSet, c *Config) { fs.BoolVar(&c.BehindTLS, "behind-tls", c.BehindTLS, "") }},
		{"log-level", "debug, info, warn or error", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "") }},
		{"log-format", "json or text", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "") }},
		{"workers", "outbox workers in this process", func(fs *flag.FlagSet, c *Config) { fs.IntVar(&c.Workers, "workers", c.Workers, "") }},
		{"smtp-addr", "SMTP server host:port for e-mail; empty keeps mail in the demo mailbox", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.SMTPAddr, "smtp-addr", c.SMTPAddr, "") }},
		{"smtp-from", "sender address of e-mail", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.SMTPFrom, "smtp-from", c.SMTPFrom, "") }},
		{"smtp-user", "SMTP user name", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.SMTPUser, "smtp-user", c.SMTPUser, "") }},
		{"smtp-password", "SMTP password (prefer the environment or the config file to a flag)", func(fs *flag.FlagSet, c *Config) {
			fs.StringVar(&c.SMTPPassword, "smtp-password", c.SMTPPassword, "")
		}},
		{"smpp-addr", "SMPP exchange host:port for SMS; empty keeps SMS in the demo mailbox", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.SMPPAddr, "smpp-addr", c.SMPPAddr, "") }},
		{"smpp-system-id", "SMPP system_id (account) at the exchange", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.SMPPSystemID, "smpp-system-id", c.SMPPSystemID, "") }},
		{"smpp-password", "SMPP password (prefer the environment or the config file to a flag)", func(fs *flag.FlagSet, c *Config) {
			fs.StringVar(&c.SMPPPassword, "smpp-password", c.SMPPPassword, "")
		}},
		{"smpp-source", "sender name or number of SMS", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.SMPPSource, "smpp-source", c.SMPPSource, "") }},
		{"base-url", "the portal's public address, for links in e-mail and SMS (default: http://ADDR)", func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "") }},
		{"map-tiles", "tile URL template of the public map, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty: territory outlines only (offline)", func(fs *flag.FlagSet, c *Config) {
			fs.StringVar(&c.MapTiles, "map-tiles", c.MapTiles, "")
		}},
		{"map-attribution", "attribution of the map tiles' provider", func(fs *flag.FlagSet, c *Config) {
			fs.StringVar(&c.MapAttribution, "map-attribution", c.MapAttribution, "")
		}},
		{"payment-url", "the payment provider's API address, e.g. http://127.0.0.1:8099 for okno paydemo; empty: no payments", func(fs *flag.FlagSet, c *Config) {
			fs.StringVar(&c.PaymentURL, "payment-url", c.PaymentURL, "")
		}},
		{"payment-secret-file", "file with the secret shared with the payment provider (its API token and notification signing key)", func(fs *flag.FlagSet, c *Config) {
			fs.StringVar(&c.PaymentSecret, "payment-secret-file", c.PaymentSecret, "")
		}},
		{"fine-sources", "issuers that may push fines, each with the file of the secret it signs with: gibdd=/etc/okno/gibdd.secret,ampp=…", func(fs *flag.FlagSet, c *Config) {
			fs.StringVar(&c.FineSources, "fine-sources", c.FineSources, "")
		}},
		{"shutdown-grace", "how long to wait for requests and jobs to finish on shutdown", func(fs *flag.FlagSet, c *Config) {
			fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", c.ShutdownGrace, "")
		}},
	}
}

func defaultConfig() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       "./okno-data",
		SQLiteSync:    "FULL",
		LogLevel:      "info",
		LogFormat:     "json",
		Workers:       2,
		SMTPFrom:      "okno@localhost",
		SMPPSource:    "Okno",
		ShutdownGrace: 15 * time.Second,
	}
}

func envName(flagName string) string {
	return "OKNO_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig fills a Config from defaults, the config file (--config or
// OKNO_CONFIG), the environment and args, and returns the remaining args.
// extra binds a subcommand's own flags on the same flag set.
func parseConfig(name string, args []string, getenv func(string) string, extra func(fs *flag.FlagSet)) (Config, []string, error) {
	c := defaultConfig()
	fs := flag.NewFlagSet("okno "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	var file string
	fs.StringVar(&file, "config", getenv("OKNO_CONFIG"), "config file of key = value lines")
	for _, s := range settings() {
		s.bind(fs, &c)
	}
	if extra != nil {
		extra(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: okno %s [flags]\n\nEvery setting can also be given as an OKNO_* environment variable or a config-file key.\n\n", name)
		fs.PrintDefaults()
	}
	for _, s := range settings() {
		if f := fs.Lookup(s.name); f != nil {
			f.Usage = s.usage + " (" + envName(s.name) + ")"
		}
	}
	// First pass only to find --config; values are re-applied in precedence order below.
	pre := flag.NewFlagSet("", flag.ContinueOnError)
	pre.SetOutput(discard{})
	pre.StringVar(&file, "config", file, "")
	preArgs := []string{}
	for i := 0; i < len(args); i++ {
		if a := args[i]; a == "--config" || a == "-config" {
			if i+1 < len(args) {
				preArgs = append(preArgs, a, args[i+1])
			}
		} else if strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-config=") {
			preArgs = append(preArgs, a)
		}
	}
	_ = pre.Parse(preArgs)

	var problems []string
	if file != "" {
		kv, err := readConfigFile(file)
		if err != nil {
			return c, nil, err
		}
		for k, v := range kv {
			f := fs.Lookup(k)
			if f == nil || k == "config" {
				problems = append(problems, fmt.Sprintf("%s: unknown setting %q", file, k))
				continue
			}
			if err := f.Value.Set(v); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s: %v", file, k, err))
			}
		}
	}
	for _, s := range settings() {
		if v := getenv(envName(s.name)); v != "" {
			if err := fs.Lookup(s.name).Value.Set(v); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", envName(s.name), err))
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	if len(problems) > 0 {
		return c, nil, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return c, fs.Args(), c.Validate()
}

// Validate reports every invalid setting in one error.
func (c Config) Validate() error {
	var p []string
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		p = append(p, fmt.Sprintf("addr %q is not host:port (e.g. 127.0.0.1:8080)", c.Addr))
	}
	if c.DB == "" && c.DataDir == "" {
		p = append(p, "data: a data directory is needed for SQLite")
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		p = append(p, "db must be empty (SQLite) or a postgres:// URL")
	}
	if s := strings.ToUpper(c.SQLiteSync); s != "FULL" && s != "NORMAL" {
		p = append(p, fmt.Sprintf("sqlite-sync %q must be FULL or NORMAL", c.SQLiteSync))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		p = append(p, fmt.Sprintf("log-level %q must be debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		p = append(p, fmt.Sprintf("log-format %q must be json or text", c.LogFormat))
	}
	if c.Workers < 0 || c.Workers > 64 {
		p = append(p, "workers must be between 0 and 64")
	}
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			p = append(p, fmt.Sprintf("smtp-addr %q is not host:port", c.SMTPAddr))
		}
	}
	if c.SMPPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMPPAddr); err != nil {
			p = append(p, fmt.Sprintf("smpp-addr %q is not host:port", c.SMPPAddr))
		}
		if c.SMPPSystemID == "" {
			p = append(p, "smpp-system-id is needed with smpp-addr")
		}
	}
	if c.PaymentURL != "" && !strings.HasPrefix(c.PaymentURL, "https://") && !strings.HasPrefix(c.PaymentURL, "http://") {
		p = append(p, fmt.Sprintf("payment-url %q must start with https:// (or http:// for a local provider)", c.PaymentURL))
	}
	if (c.PaymentURL == "") != (c.PaymentSecret == "") {
		p = append(p, "payment-url and payment-secret-file go together")
	}
	if c.MapTiles != "" && !strings.HasPrefix(c.MapTiles, "https://") && !strings.HasPrefix(c.MapTiles, "http://") {
		p = append(p, fmt.Sprintf("map-tiles %q must start with https:// (or http:// for a local tile server)", c.MapTiles))
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "https://") && !strings.HasPrefix(c.BaseURL, "http://") {
		p = append(p, fmt.Sprintf("base-url %q must start with https:// (or http:// for local use)", c.BaseURL))
	}
	if c.ShutdownGrace <= 0 {
		p = append(p, "shutdown-grace must be positive")
	}
	if len(p) > 0 {
		return errors.New("configuration:\n  " + strings.Join(p, "\n  "))
	}
	return nil
}

// readConfigFile reads `key = value` lines; # starts a comment; values may be quoted.
func readConfigFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	kv := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected key = value", path, n)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		}
		kv[k] = v
	}
	return kv, sc.Err()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
