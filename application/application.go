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
package application

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// errTODO marks a contract not implemented yet.
var errTODO = errors.New("application: not implemented")

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

// Cases is what applications need of the case engine.
type Cases interface {
	Prepare(ctx context.Context, actor okno.Actor, in casework.NewCase) (*casework.Prepared, error)
	OpenPreparedTx(ctx context.Context, tx *sqldb.Tx, p *casework.Prepared) (casework.Case, error)
	Mine(ctx context.Context, actor okno.Actor, after string, limit int) (casework.Page[casework.CitizenItem], error)
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
	Audit    *audit.Log
	Outbox   *outbox.Queue
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
func New(d Deps) *Service { return &Service{d: d} }

// Start opens a draft of a service for a citizen, prefilled from their
// profile; a citizen below the service's assurance level is refused
// (code forbidden, key application.assurance).
func (s *Service) Start(ctx context.Context, actor okno.Actor, service string) (Draft, error) {
	return Draft{}, errTODO
}

// Draft returns one of the citizen's drafts.
func (s *Service) Draft(ctx context.Context, actor okno.Actor, id int64) (Draft, error) {
	return Draft{}, errTODO
}

// Save merges the answers of one page into a draft and stores it whatever
// they are (values are never cleared); it returns the problems of that
// page's fields for the page to show.
func (s *Service) Save(ctx context.Context, actor okno.Actor, id, version int64, page string, answers map[string]any) (Draft, []formdecl.FieldError, error) {
	return Draft{}, nil, errTODO
}

// Check validates the whole draft for the check-your-answers page.
func (s *Service) Check(ctx context.Context, actor okno.Actor, id int64) (Draft, []formdecl.FieldError, error) {
	return Draft{}, nil, errTODO
}

// Attach stores a document for a file field of a draft and puts its Ref
// into the data at pointer (appending for a field holding several).
func (s *Service) Attach(ctx context.Context, actor okno.Actor, id int64, pointer, name string, content []byte) (File, error) {
	return File{}, errTODO
}

// Detach removes a document from a draft and its reference from the data.
func (s *Service) Detach(ctx context.Context, actor okno.Actor, id, fileID int64) error {
	return errTODO
}

// ReadFile returns a draft's document and its content.
func (s *Service) ReadFile(ctx context.Context, actor okno.Actor, id, fileID int64) (File, []byte, error) {
	return File{}, nil, errTODO
}

// Delete removes a draft that was not submitted.
func (s *Service) Delete(ctx context.Context, actor okno.Actor, id int64) error { return errTODO }

// Submit validates the draft in full and opens the application's case.
func (s *Service) Submit(ctx context.Context, actor okno.Actor, in Submission) (casework.Case, error) {
	return casework.Case{}, errTODO
}

// Mine returns the citizen's drafts and applications, newest first.
func (s *Service) Mine(ctx context.Context, actor okno.Actor, after string, limit int) (Page[Item], error) {
	return Page[Item]{}, errTODO
}

// ServiceOf returns the catalogue service an application's case was
// opened for (code not_found for cases that are not applications).
func (s *Service) ServiceOf(ctx context.Context, caseID int64) (catalog.Service, error) {
	return catalog.Service{}, errTODO
}
