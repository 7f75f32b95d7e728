// Package application delivers catalogue services that are applied for:
// drafts that save as the citizen goes and survive signing out, the
// documents attached to them (photographed on a phone: images and PDF,
// checked by content), validation against the service's form declaration
// (package formdecl), submission into a case on the service's process
// (package casework) with the consent to personal-data processing
// recorded when the service needs data from other bodies, and "Мои
// заявки": drafts and applications with their status and what to do next.
//
// Submitting is one transaction: the case, its timeline and audit entry,
// the consent, the draft marked submitted and the outbox messages commit
// together; a retried or double-clicked submit returns the first case.
//
// Answers and file names are personal data: they are sealed at rest
// (bound to their rows), and the package never logs them nor puts them in
// audit entries, which commit to a draft's ID, service and version only.
// It decides who may touch a draft (its owner; anyone else learns nothing,
// not even that it exists) and never reaches the web: pages call it.
package application

import (
	"context"
	"log/slog"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// Draft is an application being filled in.
type Draft struct {
	ID        int64
	UserID    int64
	Service   string // catalogue service code
	Data      map[string]any
	Files     []File
	Page      string // the page the citizen was last on
	Version   int64  // optimistic concurrency: pass it back to save
	CaseID    int64  // set once submitted
	CreatedAt time.Time
	UpdatedAt time.Time
}

// File is a document attached to a draft. The form data refers to it by
// Ref at the field it was attached to.
type File struct {
	ID          int64
	Ref         string // what the form data holds: "f" + ID
	Pointer     string // the field: "/documents" or "/children/0/birthCertificate"
	Name        string
	ContentType string
	Size        int64
	CreatedAt   time.Time
}

// Submission is the citizen's "Отправить" on the check page.
type Submission struct {
	DraftID int64
	Version int64
	// Consent is the answer to the consent to personal-data processing;
	// required when the service NeedsConsent.
	Consent        bool
	IdempotencyKey string // "" is the draft's own key: one case per draft
}

// ItemKind says what a line of "Мои заявки" is.
type ItemKind string

// The kinds of lines.
const (
	ItemDraft       ItemKind = "draft"
	ItemApplication ItemKind = "application"
)

// Item is one line of "Мои заявки": a draft or a submitted application.
type Item struct {
	Kind       ItemKind
	DraftID    int64 // drafts
	CaseID     int64 // applications
	Ref        string
	Service    string // service code
	Title      catalog.Text
	State      string // the case's state; "" for drafts
	StateTitle catalog.Text
	// Next is what the citizen should do next, when anything: "finish
	// the draft", "answer the official's question", "pay", "rate".
	Next      string // a catalogue key of the application package
	Waiting   bool   // the case waits for the citizen
	Closed    bool
	Outcome   string
	DueAt     time.Time // the legal deadline of an open case
	UpdatedAt time.Time
}

// Page is one page of a list and the cursor of the next ("" at the end).
type Page[T any] struct {
	Items []T
	Next  string
}

// Catalogue is what applications need of package catalog.
type Catalogue interface {
	Get(ctx context.Context, code string) (catalog.Service, error)
	ByID(ctx context.Context, id int64) (catalog.Service, error)
	Decl(ctx context.Context, code string) (*formdecl.Decl, error)
	Has(ctx context.Context, directory, value string) (bool, error)
}

// Cases is what applications need of the case engine; *casework.Service
// implements it.
type Cases interface {
	Prepare(ctx context.Context, actor okno.Actor, in casework.NewCase) (*casework.Prepared, error)
	OpenPreparedTx(ctx context.Context, tx *sqldb.Tx, p *casework.Prepared) (casework.Case, error)
	// Get returns the case a submitted draft made, for a repeated submit.
	Get(ctx context.Context, actor okno.Actor, id int64) (casework.Case, error)
	// Definition gives the process version of a case: the states' titles
	// and which of them wait for the citizen ("Мои заявки").
	Definition(ctx context.Context, c casework.Case) (process.Version, error)
}

// Auditor appends to the audit log in the caller's transaction;
// *audit.Log implements it.
type Auditor interface {
	Append(ctx context.Context, tx *sqldb.Tx, e audit.Entry) (int64, error)
}

// Profiles gives the citizen's profile for prefilling and the assurance
// check; *identity.Service implements it.
type Profiles interface {
	Profile(ctx context.Context, userID int64) (identity.Profile, error)
}

// Deps is what the package is built from.
type Deps struct {
	DB       *sqldb.DB
	Keys     casework.Sealer // personal data at rest: draft data, file names
	Blobs    *blob.FS        // drafts' documents
	Audit    Auditor
	Catalog  Catalogue
	Cases    Cases
	Profiles Profiles
	Logger   *slog.Logger
	Now      func() time.Time
}

// Service is the applications feature.
type Service struct {
	d Deps
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d}
}

// now is the service's clock in the form tables store.
func (s *Service) now() time.Time { return sqldb.Now(s.d.Now()) }
