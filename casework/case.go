// Package casework moves cases — applications, appeals, complaints —
// through published process versions: it opens cases, takes actions on
// them with their guards, requirements and effects, keeps the timeline,
// the two clocks and the escalations, holds the documents and the
// correspondence with the citizen, and answers the inboxes of officials and
// the "my cases" of citizens.
//
// Who may see and do what to a case is decided here and only here (see
// access.go); every door — pages, API, jobs — calls the same functions.
// Every change is one transaction: the case row, its timeline event, the
// audit entry and the outbox messages of its effects.
//
// It must never import net/http or another feature package; it declares
// the small interfaces it needs of organisations, notifications and files.
package casework

import (
	"time"

	"github.com/okno/okno/calendar"
	"github.com/okno/okno/process"
)

// Channel says through which door a case came in.
type Channel string

// The channels.
const (
	ChannelWeb      Channel = "web"
	ChannelAPI      Channel = "api"
	ChannelOperator Channel = "operator" // registered by a call-centre or МФЦ operator for a caller
	ChannelOpen311  Channel = "open311"
	ChannelSystem   Channel = "system" // child cases, proactive offers
)

// Case is one case as its viewer may see it. Data is the case's form data,
// unsealed; it is personal data and is left empty for viewers who may see
// only the case's status.
type Case struct {
	ID             int64
	Ref            string // the reference number shown to people, e.g. "2026-000123"
	Kind           process.Kind
	Process        string // process name
	ProcessVersion int
	ProcessID      int64 // the process_versions row
	State          string
	Version        int64 // optimistic-concurrency counter: pass it back to act
	ApplicantID    int64 // 0: none (an appeal registered anonymously by an operator)
	OrgID          int64
	PositionID     int64 // 0: the organisation's role inbox
	AssigneeID     int64 // 0: nobody in particular
	Escalation     Escalation
	ParentID       int64
	Subject        string
	Channel        Channel
	Data           map[string]any
	Legal          calendar.Clock
	LegalMetAt     time.Time // zero until a state stopped the legal clock
	Step           calendar.Clock
	Outcome        string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ClosedAt       time.Time // zero while open
}

// Open reports whether the case is not closed.
func (c Case) Open() bool { return c.ClosedAt.IsZero() }

// Escalation is where a case stands on its escalation ladder.
type Escalation struct {
	Level      int   // 0: not escalated
	OrgID      int64 // who it is escalated to
	PositionID int64
}

// EventKind is what kind of thing happened to a case.
type EventKind string

// The event kinds.
const (
	EventOpened    EventKind = "opened"
	EventAction    EventKind = "action"     // a process action, by a person or by the system
	EventAssigned  EventKind = "assigned"   // to a position or a person within the organisation
	EventRerouted  EventKind = "rerouted"   // to another organisation
	EventEscalated EventKind = "escalated"  // a step clock ran out
	EventDocument  EventKind = "document"   // a document attached outside an action
	EventNote      EventKind = "note"       // an internal note, never shown to the citizen
	EventChildDone EventKind = "child_done" // a child case reached a terminal state
	// EventRecategorised: an appeal's category or reason was changed (by
	// package appeal, through RecordTx).
	EventRecategorised EventKind = "recategorised"
	// EventSupported: a citizen joined an appeal instead of filing a
	// duplicate (package appeal, through RecordTx).
	EventSupported EventKind = "supported"
)

// Event is one entry of a case's timeline.
type Event struct {
	ID             int64
	CaseID         int64
	Seq            int64
	Kind           EventKind
	Action         string
	FromState      string
	ToState        string
	Actor          string // okno.Actor.Ref()
	ActorName      string
	Comment        string
	Fields         map[string]string
	CitizenVisible bool
	At             time.Time
}

// Document is a file of a case.
type Document struct {
	ID             int64
	CaseID         int64
	EventID        int64
	Kind           string // a process.DocKind name, or "attachment"
	Blob           string // content address
	Name           string
	MediaType      string
	Size           int64
	Result         bool
	CitizenVisible bool
	UploadedBy     string
	CreatedAt      time.Time
}

// Upload is a file arriving with an action or on its own.
type Upload struct {
	Kind    string // a process.DocKind name; "" is "attachment"
	Name    string // the file name as the uploader gave it
	Content []byte
}

// NewCase is what opening a case takes.
type NewCase struct {
	Process     string // process name: the latest published version is used
	ApplicantID int64
	OrgID       int64 // the responsible organisation
	PositionID  int64 // 0: the organisation's inbox
	Subject     string
	Channel     Channel
	Data        map[string]any
	ParentID    int64
	// LegalClock overrides the process's legal clock (a category with 8
	// working days instead of 30 days).
	LegalClock *calendar.Period
	Documents  []Upload
	// IdempotencyKey makes a retried open return the case the first one
	// made (per actor).
	IdempotencyKey string
	// AnyOrg says the feature opening the case has decided that an API
	// client may file it with any organisation (a citizen's appeal sent
	// through an Open311 app or the JSON API is routed by the region's
	// routing table, not by who the client is).
	AnyOrg bool
}

// ActionInput is one action taken on a case.
type ActionInput struct {
	CaseID    int64
	Version   int64 // the version the actor saw; a stale one is a conflict
	Action    string
	Comment   string
	Fields    map[string]string
	Documents []Upload
}

// Assignment moves cases within their organisation, or to another one.
type Assignment struct {
	OrgID      int64 // 0: stay in the case's organisation; another: reroute (a timeline event)
	PositionID int64
	AssigneeID int64
	Comment    string
}

// AllowedAction is an action the viewer may take on a case now, with what
// it asks for, ready for a form.
type AllowedAction struct {
	process.Action
	Target process.State // the state it leads to
}
