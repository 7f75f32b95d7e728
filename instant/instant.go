// Package instant answers instant services: a rule evaluates the
// citizen's data and registry data (through an adapter) and returns the
// result in the same request — fines, a certificate of no debt, the place
// in the kindergarten queue, water meter readings accepted.
//
// A service is instant when the catalogue says so (catalog.KindInstant)
// and names its rule; the rules are registered by name in the Service.
// They read registries only through the Registry interface, which a region
// implements over its own systems; package demo ships one with made-up
// records, and every result drawn from it says so (Result.Demo).
//
// Every request a citizen makes is recorded (who, which service, when, the
// outcome) with its result sealed, since it is personal data, and an audit
// entry, in one transaction. The package never logs what a citizen asked
// or what a registry answered, and never imports net/http.
package instant

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/sqldb"
)

// Status is the outcome of an instant request.
type Status string

// The outcomes.
const (
	StatusFound    Status = "found"    // the registry holds a record: facts follow
	StatusNone     Status = "none"     // nothing found: no fines, not in the queue
	StatusAccepted Status = "accepted" // the citizen's data was taken (meter readings)
)

// Text is a text in the product's languages ("ru" always, "en" when
// written); catalog.Text, so pages show both kinds the same way.
type Text = catalog.Text

// Fact is one row of a result: a label and its value.
type Fact struct {
	Label Text
	Value Text
}

// Section is a group of facts under a heading: one fine, one meter.
type Section struct {
	Title Text
	Facts []Fact
}

// Result is what an instant service answers. A certificate («Справка»)
// has a reference number and an issue date, so it can be shown, printed
// and checked later.
type Result struct {
	ID       int64  // the request's ID (set when recorded)
	Service  string // the service's code
	Status   Status
	Title    Text
	Facts    []Fact
	Sections []Section
	Notes    []Text
	// Certificate: the result is a certificate; Reference and IssuedAt are
	// set when it is recorded.
	Certificate bool
	Reference   string
	IssuedAt    time.Time
	// Demo: the registry behind the result holds demonstration data, and
	// every page showing the result must say so.
	Demo bool

	readings []reading // meter readings to store with the request
}

// Input is what a rule evaluates.
type Input struct {
	Service catalog.Service
	// Data is the citizen's form data, prefilled from the profile and
	// valid against the service's declaration.
	Data    map[string]any
	Profile identity.Profile
	Now     time.Time
}

// Rule is one instant service's logic. It reads registries through the
// Service's Registry, returns a result (StatusNone when the registry has
// nothing) or an error: okno.EINVALID with field problems when the data
// cannot be accepted (nothing is recorded then).
type Rule interface {
	Name() string
	Run(ctx context.Context, in Input) (Result, error)
}

// Catalogue is what instant services need of package catalog.
type Catalogue interface {
	Get(ctx context.Context, code string) (catalog.Service, error)
	Decl(ctx context.Context, code string) (*formdecl.Decl, error)
	Has(ctx context.Context, directory, value string) (bool, error)
}

// Profiles gives the citizen's profile for prefilling and the assurance
// check; *identity.Service implements it.
type Profiles interface {
	Profile(ctx context.Context, userID int64) (identity.Profile, error)
}

// Keys seals results at rest and makes blind indexes of registry keys
// (a personal account number); *vault.Keyring implements it.
type Keys interface {
	Seal(plaintext []byte, aad string) ([]byte, error)
	Open(sealed []byte, aad string) ([]byte, error)
	BlindIndex(domain, value string) []byte
}

// Limits bound how often a citizen may ask.
type Limits struct {
	PerHour int // requests of one service by one citizen within an hour
}

// DefaultLimits are the limits when Deps leaves them zero.
var DefaultLimits = Limits{PerHour: 30}

// Deps is what the package is built from.
type Deps struct {
	DB       *sqldb.DB
	Keys     Keys
	Audit    audit.Appender
	Catalog  Catalogue
	Profiles Profiles
	// Registry is the region's registries; nil when none is connected,
	// and then every instant service answers ErrNoRegistry.
	Registry Registry
	// Rules are added to the built-in rules, replacing one of the same name.
	Rules    []Rule
	Limits   Limits
	Location *time.Location // the region's time zone; nil is Moscow
	Logger   *slog.Logger
	Now      func() time.Time
}

// Service runs instant services.
type Service struct {
	d     Deps
	rules map[string]Rule
}

// New returns the service with the built-in rules and those of d.Rules.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Limits.PerHour <= 0 {
		d.Limits = DefaultLimits
	}
	if d.Location == nil {
		d.Location = calendar.DefaultLocation()
	}
	s := &Service{d: d, rules: map[string]Rule{}}
	for _, r := range []Rule{finesRule{s}, debtRule{s}, kindergartenRule{s}, housingRule{s}, meterRule{s}} {
		s.rules[r.Name()] = r
	}
	for _, r := range d.Rules {
		s.rules[r.Name()] = r
	}
	return s
}

// Connected reports whether a registry is connected: without one the
// pages say so instead of offering a form that cannot be answered.
func (s *Service) Connected() bool { return s.d.Registry != nil }

// Demo reports whether the connected registry holds demonstration data.
func (s *Service) Demo() bool { return s.d.Registry != nil && s.d.Registry.Demo() }

// Examples returns what a citizen may type to find something in a demo
// registry for a rule (nil for a real registry): the demo must be
// explorable without knowing its data.
func (s *Service) Examples(rule string) []string {
	if !s.Demo() {
		return nil
	}
	if ex, ok := s.d.Registry.(Exampler); ok {
		return ex.Examples(rule)
	}
	return nil
}

// ErrNoRegistry is returned when no registry is connected: the pages show
// that the service is temporarily unavailable (never made-up data).
var ErrNoRegistry = &okno.Error{Code: okno.EINTERNAL, Key: "instant.no_registry", Err: errors.New("instant: no registry connected")}

// Problems are the problems of form data against a service's
// declaration, kept with their labels in both languages; Run's EINVALID
// error wraps them so a page can name each field in its language.
type Problems []formdecl.FieldError

func (p Problems) Error() string { return "instant: the form data is invalid" }

func (s *Service) now() time.Time { return sqldb.Now(s.d.Now()) }
