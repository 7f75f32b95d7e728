package casework

import (
	"context"
	"log/slog"
	"time"

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
// binds a sealed value to where it is stored ("cases.data_enc:12").
type Sealer interface {
	Seal(plaintext []byte, aad string) ([]byte, error)
	Open(sealed []byte, aad string) ([]byte, error)
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

// DefaultLimits are the limits of a service built with zero Limits:
// photos and scans, as citizens and officials attach them.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:      10 << 20,
		MaxFilesPerCase:  30,
		MaxFilesPerCall:  5,
		MaxCommentLength: 10000,
		MediaTypes:       []string{"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"},
	}
}

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize > 0 {
		d.MaxFileSize = l.MaxFileSize
	}
	if l.MaxFilesPerCase > 0 {
		d.MaxFilesPerCase = l.MaxFilesPerCase
	}
	if l.MaxFilesPerCall > 0 {
		d.MaxFilesPerCall = l.MaxFilesPerCall
	}
	if l.MaxCommentLength > 0 {
		d.MaxCommentLength = l.MaxCommentLength
	}
	if len(l.MediaTypes) > 0 {
		d.MediaTypes = l.MediaTypes
	}
	return d
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

// ChildDoneTopic is the outbox topic that tells a parent case one of its
// children reached a terminal state.
const ChildDoneTopic = "casework.child_done"

// Service is the case engine.
type Service struct {
	d         Deps
	hooks     map[string]Hook
	observers map[process.Kind][]Observer
}

// Observer sees every recorded change of a case of one kind, in the
// change's transaction, after its timeline event is written: a feature
// keeps its own projection of its cases (an appeal's public status, its
// answer time) in step with the case. before is the case as it was; e
// carries the new event's ID. An error rolls the change back.
type Observer func(ctx context.Context, tx *sqldb.Tx, before, after Case, e Event) error

// Observe registers o for changes of cases of kind. Call before serving.
func (s *Service) Observe(kind process.Kind, o Observer) {
	s.observers[kind] = append(s.observers[kind], o)
}

// New builds the service. Register its outbox handlers with Register.
// Zero limits take DefaultLimits; a nil Logger discards; a nil Now is
// time.Now.
func New(d Deps) *Service {
	d.Limits = d.Limits.withDefaults()
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d, hooks: map[string]Hook{}, observers: map[process.Kind][]Observer{}}
}

// now is the service's clock in the form every table stores.
func (s *Service) now() time.Time { return sqldb.Now(s.d.Now()) }

// RegisterHook makes hook available to process effects of kind "hook"
// under name. Call before serving.
func (s *Service) RegisterHook(name string, h Hook) { s.hooks[name] = h }
