// Package web is Okno's HTTP door: server-rendered HTML pages (htmx
// improves them), the JSON API under /api/v1 and operational endpoints. It
// decodes requests, authenticates, checks the route table's access rules,
// calls feature services and renders their answers.
//
// It must never hold business rules: those live in feature packages, reached
// through the small interfaces in Deps.
package web

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/okno/okno/i18n"
	"github.com/okno/okno/metrics"
)

//go:embed templates assets
var embedded embed.FS

// Config is the web server's configuration. Zero fields take the defaults
// documented on them; Validate reports values that cannot work.
type Config struct {
	// BaseURL is the portal's public address ("https://okno.example.ru"),
	// for links that leave the site and must come back — the payment
	// provider's return link. Empty: the address the request came to.
	BaseURL string
	// BehindTLS says a TLS-terminating proxy is in front: HSTS is sent and
	// cookies are Secure even though the request arrived over plain HTTP.
	BehindTLS bool
	// DevInsecureCookies drops the Secure attribute so sign-in works on
	// http://localhost during development. Never in production.
	DevInsecureCookies bool
	// CSRFKey signs the double-submit cookie of anonymous forms (at least 32
	// bytes). Every replica needs the same key. Empty: a random key per
	// process, which breaks forms across restarts and replicas.
	CSRFKey []byte
	// MaxBodyBytes limits request bodies; routes may set their own (default 1 MiB).
	MaxBodyBytes int64
	// Timeouts against slow clients (defaults 5 s, 30 s, 60 s, 120 s).
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes limits request headers (default 64 KiB).
	MaxHeaderBytes int
	// ShutdownTimeout bounds the graceful shutdown (default 15 s).
	ShutdownTimeout time.Duration
	// SignInPath is where people who must sign in are sent (default "/signin").
	SignInPath string
	// DemoMailbox registers /demo/mailbox, which shows every message Okno
	// "sent" to anyone who opens it: demo installations only. It needs
	// Deps.Mailbox.
	DemoMailbox bool
	// MapTileURL is the tile server of the public map and the point
	// picker, a Leaflet URL template such as
	// "https://tile.openstreetmap.org/{z}/{x}/{y}.png". Empty: no tiles —
	// the map shows territory outlines only and works offline. Its origin
	// is added to the CSP's img-src.
	MapTileURL string
	// MapAttribution is the tile provider's attribution (required by most
	// providers), shown on the map.
	MapAttribution string
}

// Validate reports configuration that cannot work, with a message fit for
// the operator starting the server.
func (c Config) Validate() error {
	var errs []error
	if len(c.CSRFKey) > 0 && len(c.CSRFKey) < 32 {
		errs = append(errs, fmt.Errorf("web: CSRF key has %d bytes, need at least 32", len(c.CSRFKey)))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, errors.New("web: body limit must not be negative"))
	}
	if c.BehindTLS && c.DevInsecureCookies {
		errs = append(errs, errors.New("web: insecure development cookies make no sense behind TLS"))
	}
	if c.SignInPath != "" && !strings.HasPrefix(c.SignInPath, "/") {
		errs = append(errs, fmt.Errorf("web: sign-in path %q must start with /", c.SignInPath))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReadHeaderTimeout, 5*time.Second)
	def(&c.ReadTimeout, 30*time.Second)
	def(&c.WriteTimeout, 60*time.Second)
	def(&c.IdleTimeout, 120*time.Second)
	def(&c.ShutdownTimeout, 15*time.Second)
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = 64 << 10
	}
	if c.SignInPath == "" {
		c.SignInPath = "/signin"
	}
	return c
}

// Deps are what the web layer uses but does not own. Nil fields have safe
// defaults: no Sessions means everyone is anonymous, no APIKeys means every
// key is refused, no Ping means always ready.
type Deps struct {
	Logger   *slog.Logger      // access and error logs; nil discards
	Catalog  *i18n.Catalog     // messages; nil loads the embedded catalogue
	Metrics  *metrics.Registry // where HTTP metrics go and what /metrics serves; nil makes one
	Sessions Sessions
	Roles    Roles
	APIKeys  APIKeys
	Ping     Pinger

	// The feature services behind the pages and the API. A nil service
	// makes its pages answer 500; tests of the foundation leave them out.
	Accounts      Accounts
	Operators     Operators
	StaffAccounts StaffAccounts
	Staffing      Staffing
	Orgs          Organisations
	Territories   Territories
	Inbox         Inbox
	Mailbox       Mailbox       // demo installations only: see Config.DemoMailbox
	Cases         Cases         // casework: inboxes, case pages, my cases, the case API
	Calendars     CalendarAdmin // the production calendar, for administrators
	Processes     ProcessAdmin  // published process definitions
	Channels      ChannelPrefs  // the notification channels a citizen chose
	Webhooks      Webhooks      // webhook subscriptions of organisations
	Appeals       Appeals       // the feedback platform: appeals, map, Open311, analytics
	Services      Services      // the service catalogue: cards, agencies, situations, search
	Applications  Applications  // applying for services: drafts, forms, my applications
	Instant       Instant       // instant services
	Complaints    Complaints    // pre-trial complaints
	Ratings       Ratings       // quality ratings
	Accruals      Accruals      // accruals and fines
	Payments      Payments      // payments through the provider; nil when none is configured
	Appointments  Appointments  // booking visits to offices

	Now func() time.Time // clock; nil is time.Now
}

// Server is the HTTP door. Make one with New.
type Server struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	cat      *i18n.Catalog
	reg      *metrics.Registry
	now      func() time.Time
	csrfKey  []byte
	assets   *assetSet
	pages    map[string]*template.Template
	routes   []Route
	handler  http.Handler
	duration *metrics.HistogramVec
	inFlight *metrics.Gauge
}

// New builds the server. It panics when the embedded templates or catalogue
// are broken: both are build defects that this package's tests catch.
func New(cfg Config, deps Deps) *Server {
	s := &Server{cfg: cfg.withDefaults(), deps: deps, log: deps.Logger, cat: deps.Catalog, reg: deps.Metrics, now: deps.Now}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cat == nil {
		cat, err := i18n.Load()
		if err != nil {
			panic(err)
		}
		s.cat = cat
	}
	if s.reg == nil {
		s.reg = metrics.NewRegistry()
	}
	s.csrfKey = cfg.CSRFKey
	if len(s.csrfKey) == 0 {
		s.csrfKey = make([]byte, 32)
		rand.Read(s.csrfKey)
		s.log.Warn("web: no CSRF key configured; using a random one, so forms break across restarts and replicas")
	}
	s.duration = s.reg.NewHistogramVec("http_request_duration_seconds",
		"Time to serve HTTP requests, by route pattern, method and status class.",
		metrics.DefBuckets(), "route", "method", "code")
	s.inFlight = s.reg.NewGauge("http_requests_in_flight", "HTTP requests being served.")

	var err error
	if s.assets, err = loadAssets(embedded, "assets"); err != nil {
		panic(err)
	}
	if s.pages, err = s.parseTemplates(embedded); err != nil {
		panic(err)
	}
	s.routes = s.routeTable()
	for _, p := range routeProblems(s.routes) {
		s.log.Error("web: route table: " + p)
	}
	mux := http.NewServeMux()
	for i := range s.routes {
		mux.Handle(s.routes[i].String(), s.route(&s.routes[i]))
	}
	s.handler = s.outer(mux)
	return s
}

// Handler returns the server's whole HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes returns a copy of the route table, for listings and the
// authorisation matrix test.
func (s *Server) Routes() []Route {
	return append([]Route(nil), s.routes...)
}

// Serve serves HTTP on ln until ctx is cancelled, then shuts down
// gracefully: it stops accepting, lets requests in progress finish within
// Config.ShutdownTimeout, and returns. Timeouts and header limits keep slow
// or hostile clients from holding connections.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
