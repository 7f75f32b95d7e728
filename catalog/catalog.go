// Package catalog is the catalogue of public services: service cards (what
// the service gives, who may apply, what it costs, how long it takes, which
// documents it needs and which the body obtains itself, how to appeal),
// agency cards with their offices, categories and life situations grouping
// services, the person responsible for each service, directories that forms
// refer to, and search in Russian over all of it (package rusearch).
//
// A service declares how it is received: by an application (a form from a
// formdecl declaration and a process from package process), instantly (a
// rule in package instant answers at once), or in person only (a card).
//
// The catalogue never opens cases and never reads a citizen's data: it
// describes services; packages application and instant deliver them.
package catalog

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
)

// Text is a text in the product's languages: "ru" always, "en" when
// written. In falls back to Russian.
type Text map[string]string

// In returns the text in lang, or in Russian when there is none.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	return t["ru"]
}

// Level is who provides a service: the federal, regional or municipal
// level of government.
type Level string

// The levels.
const (
	LevelFederal   Level = "federal"
	LevelRegional  Level = "regional"
	LevelMunicipal Level = "municipal"
)

// Recipient is who may receive a service.
type Recipient string

// The recipient types.
const (
	RecipientCitizen      Recipient = "citizen"      // физическое лицо
	RecipientEntrepreneur Recipient = "entrepreneur" // индивидуальный предприниматель
	RecipientOrganisation Recipient = "organisation" // юридическое лицо
)

// Kind is how a service is received.
type Kind string

// The kinds of service.
const (
	KindApplication Kind = "application" // a form, then a case on the service's process
	KindInstant     Kind = "instant"     // a rule answers in the same request (package instant)
	KindInPerson    Kind = "in_person"   // the card only: apply at an office
)

// Service is a service's card and how it is delivered.
type Service struct {
	ID         int64
	Code       string // stable, URL-safe: "child-birth-allowance"
	Title      Text
	Summary    Text     // one or two sentences for lists and search results
	Keywords   []string // everyday words and abbreviations people search by
	Level      Level
	Recipients []Recipient
	Kind       Kind
	// Assurance is the least assurance level of a citizen's account to
	// apply (information-only services: AssuranceSimplified).
	Assurance  identity.Assurance
	OrgID      int64  // the providing body
	Category   string // category code
	Situations []string
	OfficeIDs  []int64 // where to apply in person or receive the result
	// ComplaintOrgID is the controlling body that receives pre-trial
	// complaints; 0: the providing body's parent.
	ComplaintOrgID int64
	Process        string // application: process name ("application")
	// LegalPeriod overrides the process's legal clock: "10w" (working
	// days) or "30d" (calendar days); "" keeps the process's.
	LegalPeriod string
	InstantRule string // instant: the rule's name in package instant
	// NeedsConsent: the body requests the applicant's data from other
	// bodies, so consent to processing is asked and recorded on submit.
	NeedsConsent bool
	Fee          Fee
	Card         Card
	Owner        Owner
	Form         Form // application and instant services with input
	Published    bool
	Version      int64 // optimistic concurrency for edits
	UpdatedAt    time.Time
}

// Fee is what a service costs.
type Fee struct {
	Kopecks int64 // 0: free
	Text    Text  // how and when to pay, discounts ("скидка 30% при оплате через портал")
}

// Card is what a service card tells citizens, tab by tab.
type Card struct {
	HowTo     []Text // "how to get it", step by step
	Deadline  Text   // how long it takes, in the words of the regulation
	WhoMay    Text   // who may apply
	Refusal   []Text // grounds for refusal
	Result    Text   // what the citizen receives and how
	Documents []Document
	Appeal    Text // how to appeal a decision (pre-trial, then court)
	LegalActs []LegalAct
}

// Document is one document a service needs.
type Document struct {
	Title    Text
	Note     Text
	Required bool // false: only in some cases (Note says which)
	// ByBody: the body obtains it itself by interagency request; the
	// citizen may bring it but need not.
	ByBody   bool
	Original bool // the original is shown at the office
}

// LegalAct is a law or regulation a service rests on.
type LegalAct struct {
	Title string
	URL   string
}

// Owner is the person responsible for a service, named and shown with a
// photo to citizens.
type Owner struct {
	Name     string
	Position string
	Photo    string // blob address of the photo; "" when none
	UserID   int64  // the owner's staff account; 0 when they have none
}

// Form is a service's form declaration as published: the JSON Schema and
// the layout document (package formdecl).
type Form struct {
	Schema json.RawMessage
	Layout json.RawMessage
}

// Empty reports whether the service has no form.
func (f Form) Empty() bool { return len(f.Schema) == 0 }

// Summary is a service in lists and search results.
type Summary struct {
	ID         int64
	Code       string
	Title      Text
	Summary    Text
	Level      Level
	Recipients []Recipient
	Kind       Kind
	OrgID      int64
	OrgName    string // the body's short name
	Category   string
}

// Category groups services by subject ("Семья и дети", "Транспорт").
type Category struct {
	Code     string
	Title    Text
	Position int
}

// Situation is a life situation ("рождение ребёнка", "переезд",
// "открываю бизнес") and the services it takes, in order.
type Situation struct {
	Code     string
	Title    Text
	Summary  Text
	Services []string // service codes, in the order a citizen needs them
	Position int
}

// Office is a place where an organisation receives people: its own
// reception or a multifunctional centre (МФЦ).
type Office struct {
	ID       int64
	OrgID    int64
	Name     Text
	Address  string
	Phone    string
	Hours    org.WorkingHours
	Lat, Lon float64 // 0, 0: unknown
}

// Agency is an organisation's card: the organisation, its offices and the
// services it provides.
type Agency struct {
	Org      org.Organisation
	Offices  []Office
	Services []Summary
}

// Directory is a list that form fields refer to with x-directory: a flat
// list or a hierarchy (items with a parent).
type Directory struct {
	Code  string // "spb-districts", "schools-spb"
	Title Text
	Items []DirItem
}

// DirItem is one entry of a directory.
type DirItem struct {
	Value  string // what the form stores
	Title  Text
	Parent string // the parent item's value; "" at the top
}

// Query selects services for a list. Zero fields select everything.
type Query struct {
	Category  string
	Situation string
	Level     Level
	Recipient Recipient
	OrgID     int64
	After     string // keyset cursor from the previous page
	Limit     int    // 0: a default; capped
}

// Page is one page of a list and the cursor of the next ("" at the end).
type Page[T any] struct {
	Items []T
	Next  string
}

// Hit is one search result.
type Hit struct {
	Summary
	Score   float64
	Matched []string // the query words found, for highlighting
}

// Orgs is what the catalogue needs of package org.
type Orgs interface {
	Get(ctx context.Context, id int64) (org.Organisation, error)
}

// Auditor appends to the audit log in the caller's transaction;
// *audit.Log implements it.
type Auditor interface {
	Append(ctx context.Context, tx *sqldb.Tx, e audit.Entry) (int64, error)
}

// Admins says who may edit the catalogue: the region's administrators
// (and okno.System, for loaders); *org.Service implements it.
type Admins interface {
	CanAdministerRegion(ctx context.Context, actor okno.Actor) (bool, error)
}

// Deps is what the catalogue is built from.
type Deps struct {
	DB     *sqldb.DB
	Audit  Auditor
	Orgs   Orgs
	Admins Admins   // nil: only okno.System may edit
	Blobs  *blob.FS // owners' photos
	Logger *slog.Logger
	Now    func() time.Time
}

// Catalog is the catalogue. (Service is the domain's word for a public
// service — a card — so the feature's type takes the package's name.)
//
// Lists and searches read an in-memory view of the published catalogue
// (view.go), rebuilt from the database after every edit, so that they give
// the same answers on SQLite and PostgreSQL; cards are read from the
// database.
type Catalog struct {
	d Deps

	mu    sync.Mutex // serialises rebuilding the view
	view  atomic.Pointer[view]
	stale atomic.Bool // an edit committed since the view was built

	forms forms // parsed form declarations, by service code
	dirs  dirs  // directory values, by directory code
}

// New returns the catalogue. Call Load before serving searches.
func New(d Deps) *Catalog {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Catalog{d: d}
}

// Load reads the published catalogue and builds the lists and the search
// index, forgetting cached forms and directories (they are read again when
// first asked for); edits mark what they change.
func (s *Catalog) Load(ctx context.Context) error {
	s.forms.reset()
	s.dirs.reset()
	s.stale.Store(true)
	_, err := s.current(ctx)
	return err
}
