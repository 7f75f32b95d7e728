package casework

import (
	"context"
	"log/slog"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// Sealer encrypts personal data at rest; *vault.Keyring implements it. aad
// binds a sealed value to where it is stored.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// Processes gives published process versions; *process.Registry implements it.
type Processes interface {
	Latest(ctx context.Context, name string) (process.Version, error)
	ByID(ctx context.Context, id int64) (process.Version, error)
}

// Calendars gives the production calendar in force; *calendar.Service
// implements it.
type Calendars interface {
	Current() *calendar.Calendar
}

// Orgs is what casework needs of package org: the tree, positions (the
// escalation ladder) and staff (whom to notify).
type Orgs interface {
	Get(ctx context.Context, id int64) (org.Organisation, error)
	Ancestors(ctx context.Context, id int64) ([]org.Organisation, error)
	Positions(ctx context.Context, orgID int64) ([]org.Position, error)
	StaffOf(ctx context.Context, orgID int64) ([]org.StaffMember, error)
}

// Notices delivers templated notifications; *notify.Notices implements it.
type Notices interface {
	Notify(ctx context.Context, tx *sqldb.Tx, n notify.Notice) error
}

// Webhooks tells subscribed systems what happened; *notify.Webhooks
// implements it.
type Webhooks interface {
	Emit(ctx context.Context, tx *sqldb.Tx, e notify.Event) error
}

// Hook carries out an effect of kind "hook" that another feature
// registered (issue an accrual, send an interagency request). It runs in
// the action's transaction and should only write rows or enqueue outbox
// messages.
type Hook func(ctx context.Context, tx *sqldb.Tx, c Case, params map[string]string) error

// Limits bound what a case may hold.
type Limits struct {
	MaxFileSize      int64    // bytes per file; default 10 MiB
	MaxFilesPerCase  int      // default 30
	MaxFilesPerCall  int      // default 5
	MaxCommentLength int      // characters; default 10000
	MediaTypes       []string // allowed sniffed types; default JPEG, PNG, WebP, HEIC, PDF
}

// Deps is what the service is built from.
type Deps struct {
	DB        *sqldb.DB
	Sealer    Sealer
	Audit     audit.Appender
	Outbox    *outbox.Queue
	Processes Processes
	Calendars Calendars
	Orgs      Orgs
	Blobs     blob.Store
	Notices   Notices
	Webhooks  Webhooks
	Limits    Limits
	Logger    *slog.Logger
	Now       func() time.Time
}

// DeadlinesTopic is the outbox topic of the recurring deadline scan; app
// schedules it with outbox.Every.
const DeadlinesTopic = "casework.deadlines"

// Service is the case engine.
type Service struct {
	d     Deps
	hooks map[string]Hook
}

// New builds the service. Register its outbox handlers with Register.
func New(d Deps) *Service {
	return &Service{d: d, hooks: map[string]Hook{}}
}

// stub marks the parts of the contract not built yet.
func stub() error { return okno.Errorf(okno.EINTERNAL, "internal") }

// RegisterHook makes hook available to process effects of kind "hook"
// under name. Call before serving.
func (s *Service) RegisterHook(name string, h Hook) { s.hooks[name] = h }

// Register registers the service's outbox handlers (the deadline scan,
// child-case completion).
func (s *Service) Register(q *outbox.Queue) {}

// Open opens a case on the latest published version of the process, as
// actor (the citizen applying, an operator for a caller, an API client,
// the system for child cases). One transaction.
func (s *Service) Open(ctx context.Context, actor okno.Actor, in NewCase) (Case, error) {
	return Case{}, stub()
}

// OpenTx is Open inside the caller's transaction, for features that make
// a case together with their own rows (an appeal, an application).
func (s *Service) OpenTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, in NewCase) (Case, error) {
	return Case{}, stub()
}

// Get returns a case actor may see; ENOTFOUND when it does not exist or
// actor may not see it (never telling the two apart).
func (s *Service) Get(ctx context.Context, actor okno.Actor, id int64) (Case, error) {
	return Case{}, stub()
}

// ByRef is Get by reference number.
func (s *Service) ByRef(ctx context.Context, actor okno.Actor, ref string) (Case, error) {
	return Case{}, stub()
}

// Definition returns the process version a case runs on, for titles.
func (s *Service) Definition(ctx context.Context, c Case) (process.Version, error) {
	return process.Version{}, stub()
}

// Timeline returns the case's events, oldest first; a citizen sees only
// the citizen-visible ones.
func (s *Service) Timeline(ctx context.Context, actor okno.Actor, id int64) ([]Event, error) {
	return nil, stub()
}

// Documents returns the case's documents actor may see.
func (s *Service) Documents(ctx context.Context, actor okno.Actor, id int64) ([]Document, error) {
	return nil, stub()
}

// ReadDocument returns a document's content (or, with preview, an image's
// downscaled JPEG) when actor may see the case and the document.
func (s *Service) ReadDocument(ctx context.Context, actor okno.Actor, caseID, docID int64, preview bool) (Document, []byte, error) {
	return Document{}, nil, stub()
}

// Allowed lists the actions actor may take on c now.
func (s *Service) Allowed(ctx context.Context, actor okno.Actor, c Case) ([]AllowedAction, error) {
	return nil, stub()
}

// Act takes an action on a case: checks who, guards, version, required
// fields and documents; moves the state; updates clocks; records the
// event, the audit entry and the effects; all in one transaction. A stale
// version is an ECONFLICT error and changes nothing.
func (s *Service) Act(ctx context.Context, actor okno.Actor, in ActionInput) (Case, error) {
	return Case{}, stub()
}

// Assign moves a case to a position or person within its organisation,
// or reroutes it to another organisation.
func (s *Service) Assign(ctx context.Context, actor okno.Actor, caseID, version int64, a Assignment) (Case, error) {
	return Case{}, stub()
}

// AssignMany assigns several cases at once (bulk assign in the inbox), in
// one transaction: all or none.
func (s *Service) AssignMany(ctx context.Context, actor okno.Actor, caseIDs []int64, a Assignment) (int, error) {
	return 0, stub()
}

// Attach adds a document to a case outside an action.
func (s *Service) Attach(ctx context.Context, actor okno.Actor, caseID, version int64, up Upload) (Document, error) {
	return Document{}, stub()
}

// Note adds an internal note, never shown to the citizen.
func (s *Service) Note(ctx context.Context, actor okno.Actor, caseID, version int64, text string) (Case, error) {
	return Case{}, stub()
}

// RunDue is one scan of the scheduler: it claims cases whose step clock or
// timeout is due (with a lease, so that nodes never take the same case)
// and escalates them or takes their timeout action. It returns how many
// cases it handled.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	return 0, stub()
}

// Inbox returns a page of one of the official's inboxes (see View).
func (s *Service) Inbox(ctx context.Context, actor okno.Actor, q InboxQuery) (Page[InboxItem], error) {
	return Page[InboxItem]{}, stub()
}

// Overdue returns the supervisor's view: open, overdue, due-today and
// escalated counts for the actor's organisation and every one below it.
func (s *Service) Overdue(ctx context.Context, actor okno.Actor) ([]OrgOverdue, error) {
	return nil, stub()
}

// Responsible names who is responsible for the case at its current
// stage — the assigned person, else the holder of the assigned position,
// else the organisation — for the citizen's view.
func (s *Service) Responsible(ctx context.Context, actor okno.Actor, c Case) (Responsible, error) {
	return Responsible{}, stub()
}

// Mine returns a page of the citizen's own cases, newest first.
func (s *Service) Mine(ctx context.Context, actor okno.Actor, after string, limit int) (Page[CitizenItem], error) {
	return Page[CitizenItem]{}, stub()
}
