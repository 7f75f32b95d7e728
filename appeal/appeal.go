// Package appeal is the feedback platform (ПОС): citizens' reports of local
// problems — a pothole, no heating, uncleared snow — with a category and a
// reason, a point on the map, text and photos; the routing table that sends
// each to the responsible body; moderation; the public map and pages; the
// responsiveness of bodies; Open311's view of appeals; analytics for the
// region; and the import of a region's history.
//
// An appeal is a case of process kind "appeal" (package casework moves it
// through its states, keeps its clocks, timeline and sealed data); this
// package owns what an appeal adds: its taxonomy, its place, its public
// text and status, its route. It keeps its table appeals in step with the
// case through a casework Observer, in the same transaction as every change.
//
// Files: taxonomy.go (categories, reasons, hints, canned replies),
// routing.go (the routing table with history), submit.go (submission,
// screening, nearby duplicates, joining, re-categorising, the projection),
// public.go (map, public pages, responsiveness, Open311 listing and
// updates), classify.go (category suggestion), import.go (history import),
// analytics.go (density, near-duplicates, spikes, efficiency, export).
//
// Like every feature package it must never import net/http or another
// feature package.
package appeal

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// ProcessName is the process appeals are opened on.
const ProcessName = "appeal"

// Cases is what appeals need of package casework; *casework.Service
// implements it.
type Cases interface {
	OpenTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, in casework.NewCase) (casework.Case, error)
	Prepare(ctx context.Context, actor okno.Actor, in casework.NewCase) (*casework.Prepared, error)
	OpenPreparedTx(ctx context.Context, tx *sqldb.Tx, p *casework.Prepared) (casework.Case, error)
	AssignTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, caseID, version int64, a casework.Assignment) (casework.Case, error)
	DataTx(ctx context.Context, tx *sqldb.Tx, caseID int64) (map[string]any, error)
	RecordTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, caseID, version int64, e casework.Event) (casework.Case, error)
	Get(ctx context.Context, actor okno.Actor, id int64) (casework.Case, error)
	Timeline(ctx context.Context, actor okno.Actor, id int64) ([]casework.Event, error)
	Observe(kind process.Kind, o casework.Observer)
}

// Territories is what appeals need of package geo; *geo.Service
// implements it.
type Territories interface {
	Lookup(ctx context.Context, lat, lon float64) ([]geo.Territory, error)
	Get(ctx context.Context, id int64) (geo.Territory, error)
	List(ctx context.Context, q geo.ListQuery) ([]geo.Territory, error)
}

// Orgs is what appeals need of package org; *org.Service implements it.
type Orgs interface {
	Get(ctx context.Context, id int64) (org.Organisation, error)
	Positions(ctx context.Context, orgID int64) ([]org.Position, error)
}

// Admins says who may change the region's settings (the routing table,
// the taxonomy); *org.Service implements it.
type Admins interface {
	CanAdministerRegion(ctx context.Context, actor okno.Actor) (bool, error)
}

// Indexer makes blind indexes (keyed HMAC) of personal values;
// *vault.Keyring implements it.
type Indexer interface {
	BlindIndex(domain, value string) []byte
}

// Calendars gives the production calendar in force.
type Calendars interface {
	Current() *calendar.Calendar
}

// Limits bound what one appeal and one author may send.
type Limits struct {
	MaxText      int           // characters of text; default 4000
	MinText      int           // default 10
	MaxPhotos    int           // default 5
	MaxPhotoSize int64         // bytes per photo; default 10 MiB
	PerHour      int           // appeals one author may file per hour; default 10
	PerDay       int           // default 30
	NearbyRadius float64       // metres within which duplicates are looked for; default 300
	NearbyMax    int           // candidates shown; default 5
	NearbyAge    time.Duration // how far back duplicates are looked for; default 90 days
}

// DefaultLimits are the limits of a service built with zero Limits.
func DefaultLimits() Limits {
	return Limits{MaxText: 4000, MinText: 10, MaxPhotos: 5, MaxPhotoSize: 10 << 20, PerHour: 10, PerDay: 30,
		NearbyRadius: 300, NearbyMax: 5, NearbyAge: 90 * 24 * time.Hour}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	set := func(dst *int, v int) {
		if v > 0 {
			*dst = v
		}
	}
	set(&d.MaxText, l.MaxText)
	set(&d.MinText, l.MinText)
	set(&d.MaxPhotos, l.MaxPhotos)
	set(&d.PerHour, l.PerHour)
	set(&d.PerDay, l.PerDay)
	set(&d.NearbyMax, l.NearbyMax)
	if l.MaxPhotoSize > 0 {
		d.MaxPhotoSize = l.MaxPhotoSize
	}
	if l.NearbyRadius > 0 {
		d.NearbyRadius = l.NearbyRadius
	}
	if l.NearbyAge > 0 {
		d.NearbyAge = l.NearbyAge
	}
	return d
}

// Deps is what the service is built from.
type Deps struct {
	DB          *sqldb.DB
	Audit       audit.Appender
	Outbox      *outbox.Queue
	Cases       Cases
	Territories Territories
	Orgs        Orgs
	Admins      Admins
	Index       Indexer
	Calendars   Calendars
	Limits      Limits
	// ModelPath is where the category classifier's model file lives
	// (DATA/appeals-classifier.model); "" keeps no model on disk.
	ModelPath string
	Logger    *slog.Logger
	Now       func() time.Time
}

// Service is the feedback platform.
type Service struct {
	d Deps

	taxMu sync.Mutex
	tax   *Taxonomy // cached; nil until loaded or after a change

	model modelHolder // the classifier in force; see classify.go

	routes routeCache // the routing table in force; see routing.go

	respCache respCache // Responsiveness's last answer; see public.go

	mapSlots chan struct{} // map queries running at once; see Clusters
}

// mapQueries is how many map queries of the public run at once.
const mapQueries = 4

// New builds the service and registers its observer of appeal cases.
// Register its outbox handlers with Register; load the taxonomy with
// SeedTaxonomy at start.
func New(d Deps) *Service {
	d.Limits = d.Limits.withDefaults()
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Service{d: d, mapSlots: make(chan struct{}, mapQueries)}
	if d.Cases != nil {
		d.Cases.Observe(process.KindAppeal, s.observe)
	}
	return s
}

func (s *Service) now() time.Time { return sqldb.Now(s.d.Now()) }

// Status is an appeal's public status, what the map colours by.
type Status string

// The public statuses.
const (
	StatusModeration Status = "moderation"
	StatusOpen       Status = "open" // review, interim, info_requested
	StatusAnswered   Status = "answered"
	StatusFixed      Status = "fixed"
	StatusFixedAuto  Status = "fixed_auto"
	StatusNotFixed   Status = "not_fixed"
	StatusRejected   Status = "rejected"
)

// Closed reports whether the status is final (Open311 "closed").
func (s Status) Closed() bool {
	switch s {
	case StatusFixed, StatusFixedAuto, StatusNotFixed, StatusRejected:
		return true
	}
	return false
}

// Category is a top level of the taxonomy ("Благоустройство").
type Category struct {
	ID      int64
	Code    string
	Title   string
	TitleEn string
	Legal   *calendar.Period // nil: the process's legal clock
	Reasons []Reason
}

// Reason is a reason within a category ("Яма на проезжей части"). Its
// Code is its Open311 service_code.
type Reason struct {
	ID         int64
	CategoryID int64
	Code       string
	Title      string
	TitleEn    string
	Hint       string // plain language: what to report under this reason
	Keywords   []string
	Legal      *calendar.Period // nil: the category's
	Replies    []Reply
}

// Reply is a canned reply an official starts an answer from.
type Reply struct {
	ID    int64
	Title string
	Body  string
}

// Route is one rule of the routing table.
type Route struct {
	ID          int64
	CategoryID  int64
	ReasonID    int64 // 0: every reason of the category
	TerritoryID int64 // 0: anywhere
	OrgID       int64
	PositionID  int64 // 0: the organisation's inbox
	ValidFrom   time.Time
	ValidTo     time.Time // zero: in force
	CreatedBy   string
}

// RouteInput sets a rule: the one with the same category, reason and
// territory in force is closed and this one takes its place.
type RouteInput struct {
	CategoryID  int64
	ReasonID    int64
	TerritoryID int64
	OrgID       int64
	PositionID  int64
}

// Contact is how an author who has no account here can be reached (a
// caller registered by an operator, an Open311 client's user). Sealed in
// the case's data.
type Contact struct {
	FirstName string
	LastName  string
	Phone     string
	Email     string
	DeviceID  string
}

// Submission is a new appeal.
type Submission struct {
	ReasonCode string // or ReasonID
	ReasonID   int64
	Text       string
	// The place: a point (HasPoint), or an address, or both. When the point
	// lies outside every territory, TerritoryID names the district the
	// author picked.
	HasPoint    bool
	Lat, Lon    float64
	Address     string
	TerritoryID int64
	Anonymous   bool // hidden from the public; the body still sees who wrote
	Photos      []casework.Upload
	// Channel is set by the door (web, api, open311, operator).
	Channel casework.Channel
	// ApplicantID: an operator registering an appeal for a caller with an
	// account; 0 for a caller without one (Contact then says who).
	ApplicantID int64
	Contact     Contact
	// IdempotencyKey makes a retried submission return the first appeal.
	IdempotencyKey string
	// AuthorHint distinguishes authors behind one API client (an Open311
	// app's user e-mail or device id); ignored for citizens.
	AuthorHint string
}

// Flag is something screening or the classifier found in an appeal, for
// moderators.
type Flag struct {
	Kind   string   `json:"kind"` // obscenity, personal_data, spam, link, caps, repeated, category
	Detail string   `json:"detail,omitempty"`
	Args   []string `json:"args,omitempty"`
}

// Appeal is an appeal as its viewer may see it. Text is the public text
// for the public and the author's text for those who see the case in full.
type Appeal struct {
	CaseID         int64
	Ref            string
	Version        int64 // the case's version, for actions
	CategoryID     int64
	CategoryCode   string
	CategoryTitle  string
	ReasonID       int64
	ReasonCode     string
	ReasonTitle    string
	TerritoryID    int64
	TerritoryName  string
	OrgID          int64
	OrgName        string
	Lat, Lon       float64
	Address        string
	Text           string
	Anonymous      bool
	AuthorName     string // the public's view: "" when anonymous; a first name otherwise
	Status         Status
	State          string
	Channel        casework.Channel
	Outcome        string
	Photos         int
	Supporters     int
	DuplicateOf    int64
	Reroutes       int
	Recategorised  int
	Reopened       int
	Flags          []Flag // staff only
	Suggested      *Suggestion
	Token          string
	ExternalID     string
	CreatedAt      time.Time
	PublishedAt    time.Time
	DueAt          time.Time
	AnsweredAt     time.Time
	AnsweredOnTime bool
	ClosedAt       time.Time
	UpdatedAt      time.Time
}

// Suggestion is the classifier's guess of an appeal's reason or category.
type Suggestion struct {
	CategoryCode  string
	CategoryTitle string
	ReasonCode    string // "" when the model names categories only
	ReasonTitle   string
	Confidence    float64
}

// Candidate is an open appeal near a new one with similar text, which the
// author may join instead of filing a duplicate.
type Candidate struct {
	Appeal     Appeal
	Distance   float64 // metres
	Similarity float64 // 0..1
}

// Query filters public listings: the map, Open311 GET requests, the API.
type Query struct {
	ReasonCodes  []string
	CategoryIDs  []int64
	Statuses     []Status
	TerritoryIDs []int64
	OrgID        int64
	From, To     time.Time // created_at window; zero: open-ended
	UpdatedFrom  time.Time // Open311 updated_after-ish filters
	UpdatedTo    time.Time
	BBox         *geo.BBox
	CaseIDs      []int64
	After        string // keyset cursor from the previous page
	Limit        int    // default 100, at most 1000
}

// Page is one page of a listing.
type Page[T any] struct {
	Items []T
	Next  string
}

// Update is one public change of an appeal (Open311
// servicerequestupdates): a status change or an answer.
type Update struct {
	ID          int64 // the case event's id
	CaseID      int64
	Status      Status
	Description string // the citizen-visible comment
	At          time.Time
}

// OrgStats is an organisation's responsiveness over a window.
type OrgStats struct {
	OrgID        int64
	OrgName      string
	Received     int
	Answered     int
	OnTime       int     // answered by the legal deadline
	OnTimeShare  float64 // OnTime / (answered + overdue unanswered)
	MedianAnswer time.Duration
	Confirmed    int // the citizen confirmed the fix
	Refuted      int
	Confirmation float64 // confirmed / (confirmed + refuted + not fixed)
	Fixed        int
	NotFixed     int
	Reroutes     int
	Reopened     int
}

// Register registers the service's outbox handlers: scheduled retraining
// of the classifier and the refresh of analytics' pre-aggregates. app
// schedules them with outbox.Every (ClassifierTopic, AnalyticsTopic).
func (s *Service) Register(q *outbox.Queue) {
	s.classifierJobs(q)
	s.analyticsJobs(q)
}

// The recurring jobs' outbox topics.
const (
	ClassifierTopic = "appeals.classifier.train"
	AnalyticsTopic  = "appeals.analytics.refresh"
)
