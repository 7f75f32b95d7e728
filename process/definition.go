// Package process is Okno's engine of administrative regulations as code: a
// process definition declares the states a case moves through, the actions
// that move it, who may take each, what each requires and causes, and the
// deadlines. This package parses and validates definitions, stores
// published versions (immutable once published), and answers pure
// questions about a definition: which actions lead out of a state, who may
// take one, what an action's input must hold.
//
// It holds no cases: package casework moves cases through the versions
// stored here. It must never import net/http or another feature package.
package process

import (
	"time"

	"github.com/okno/okno/calendar"
)

// Kind says what a process is for; a case takes its kind from its process.
type Kind string

// The kinds of process.
const (
	KindAppeal      Kind = "appeal"      // обращение: a report about a local problem
	KindApplication Kind = "application" // заявление на услугу
	KindComplaint   Kind = "complaint"   // жалоба: pre-trial complaint against a decision
)

// Text is a string in several languages, keyed by language tag ("ru",
// "en"). Russian is required; other languages fall back to it.
type Text map[string]string

// In returns the text in lang, or in Russian when lang is missing.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t["ru"]
}

// Definition is one process as declared in a YAML or JSON file. Its json
// tags are the file's keys; the JSON Schema that Schema returns
// (process/schema.json) describes the file, and docs/PROCESSES.md explains
// it to regulation authors.
type Definition struct {
	Name  string `json:"name"` // identifier, [a-z][a-z0-9_]*, stable across versions
	Kind  Kind   `json:"kind"`
	Title Text   `json:"title"`
	// LegalClock is the time the law gives for the whole case (30 days for
	// an appeal, 15 working days for a complaint). Required.
	LegalClock *calendar.Period `json:"legal_clock"`
	// Escalation is the ladder a case climbs when a step clock runs out,
	// from the assigned position upward. Empty means DefaultLadder.
	Escalation []Rung    `json:"escalation,omitempty"`
	States     []State   `json:"states"`
	Actions    []Action  `json:"actions"`
	Documents  []DocKind `json:"documents,omitempty"` // the kinds of document actions may ask for
}

// Rung is one step of the escalation ladder.
type Rung string

// The rungs, in the order a case normally climbs them.
const (
	RungSupervisor Rung = "supervisor"  // the position the assigned position reports to
	RungHead       Rung = "head"        // the head of the responsible organisation (its top position)
	RungHigherBody Rung = "higher_body" // the parent organisation's head (вышестоящий орган)
)

// DefaultLadder is the ladder of a definition that declares none.
var DefaultLadder = []Rung{RungSupervisor, RungHead, RungHigherBody}

// ClockMode says what a state does to the legal clock.
type ClockMode string

// The clock modes. A state that declares none runs the clock, except a
// waiting state (paused) and a terminal one (stopped).
const (
	ClockRunning ClockMode = "running"
	ClockPaused  ClockMode = "paused"  // waiting for the citizen: the deadline moves on by the time spent here
	ClockStopped ClockMode = "stopped" // the legal obligation is met (answered, decided); reopening resumes it
)

// State is one state of a process.
type State struct {
	Name  string `json:"name"`
	Title Text   `json:"title"`
	// Citizen is how the state is told to the citizen, in plain language,
	// with what they must do next when anything ("Ответьте на запрос...").
	Citizen  Text `json:"citizen,omitempty"`
	Start    bool `json:"start,omitempty"`    // the state a new case is in; exactly one
	Terminal bool `json:"terminal,omitempty"` // no way out but reopening actions
	// Waiting marks a state in which the case waits for the citizen (a
	// request for information, corrections): clocks pause.
	Waiting bool      `json:"waiting,omitempty"`
	Clock   ClockMode `json:"clock,omitempty"` // empty: see ClockMode
	// StepClock, when set, is the time the state may take before the case
	// escalates (or OnTimeout is taken).
	StepClock *calendar.Period `json:"step_clock,omitempty"`
	// OnTimeout names an action the system takes when the step clock runs
	// out (e.g. closing an appeal the citizen did not confirm in 15 days);
	// empty means escalate.
	OnTimeout string `json:"on_timeout,omitempty"`
	// Outcome of a terminal state ("fixed", "not_fixed", "granted",
	// "refused"...), counted in reports.
	Outcome string `json:"outcome,omitempty"`
}

// Comment says whether an action takes a comment.
type Comment string

// The comment rules.
const (
	CommentNone     Comment = "none"
	CommentOptional Comment = "optional" // the default
	CommentRequired Comment = "required"
)

// Action is one way out of one or more states.
type Action struct {
	Name  string   `json:"name"`
	Title Text     `json:"title"`
	From  []string `json:"from"`
	To    string   `json:"to"`
	By    []Party  `json:"by"`
	// Comment: whether the actor writes a comment; CitizenVisible says
	// whether the comment (and the event) shows in the citizen's timeline.
	Comment        Comment `json:"comment,omitempty"`
	CitizenVisible bool    `json:"citizen_visible,omitempty"`
	Fields         []Field `json:"fields,omitempty"`
	// Documents are the kinds of document the action requires (attached
	// with it or earlier).
	Documents []string `json:"documents,omitempty"`
	Guards    []Guard  `json:"guards,omitempty"`
	Effects   []Effect `json:"effects,omitempty"`
	// Replies are reply templates the back office offers for the comment.
	Replies []Reply `json:"replies,omitempty"`
}

// Reply is a canned reply an official may start the comment from.
type Reply struct {
	Title Text `json:"title"`
	Body  Text `json:"body"`
}

// Scope says in which organisations a role counts for an action.
type Scope string

// The scopes.
const (
	ScopeOrganisation Scope = "organisation" // the responsible organisation (the default)
	ScopeAssignee     Scope = "assignee"     // only the assigned position, or the assigned person when there is one
	ScopeHigher       Scope = "higher"       // the responsible organisation or any organisation above it
	ScopeEscalated    Scope = "escalated"    // the organisation the case is escalated to
	ScopeAny          Scope = "any"          // any organisation (call-centre operators, region-wide moderators)
)

// Party is who may take an action: staff holding Role within Scope, or the
// case's applicant, or the system (scheduled timeouts).
type Party struct {
	Role      string `json:"role,omitempty"` // an okno.Role
	Scope     Scope  `json:"scope,omitempty"`
	Applicant bool   `json:"applicant,omitempty"`
	System    bool   `json:"system,omitempty"`
}

// FieldType is the type of an action's input field.
type FieldType string

// The field types.
const (
	FieldText   FieldType = "text"   // a line or paragraph of text
	FieldNumber FieldType = "number" // an integer
	FieldDate   FieldType = "date"   // YYYY-MM-DD
	FieldChoice FieldType = "choice" // one of Options
	FieldBool   FieldType = "bool"   // "true" or "false"
)

// Field is one input an action takes besides its comment (a decision's
// number, a refusal's ground).
type Field struct {
	Name     string    `json:"name"`
	Title    Text      `json:"title"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	Max      int       `json:"max,omitempty"` // text: most characters (default 10000)
	Options  []Option  `json:"options,omitempty"`
}

// Option is one choice of a choice field.
type Option struct {
	Value string `json:"value"`
	Title Text   `json:"title"`
}

// DocKind is a kind of document a process knows ("answer_letter",
// "decision", "passport_copy").
type DocKind struct {
	Name  string `json:"name"`
	Title Text   `json:"title"`
}

// Guard is a condition that must hold for an action to be allowed.
type Guard string

// The guards the engine knows.
const (
	GuardChildrenDone Guard = "children_done" // every child case is in a terminal state
	GuardHasChildren  Guard = "has_children"  // the case has child cases
)

// EffectKind is what an effect does.
type EffectKind string

// The effects the engine knows. Each is carried out through the outbox in
// the transaction of the action, so none is lost or done twice.
const (
	// EffectNotify tells Audience about the action, with Template
	// (defaulting to "<process>.<action>").
	EffectNotify EffectKind = "notify"
	// EffectResult marks the action's documents of kind Document as the
	// case's result documents, shown to the citizen.
	EffectResult EffectKind = "result"
	// EffectChildren opens a child case for each process in Processes.
	EffectChildren EffectKind = "children"
	// EffectWebhook emits Event to subscribed webhooks.
	EffectWebhook EffectKind = "webhook"
	// EffectHook runs a hook another feature registered under Hook (an
	// accrual of a state fee, an interagency request).
	EffectHook EffectKind = "hook"
)

// Audience is who a notification is for.
type Audience string

// The audiences.
const (
	AudienceApplicant  Audience = "applicant"
	AudienceAssignee   Audience = "assignee"   // the assigned person, else the staff of the assigned position or organisation
	AudienceEscalation Audience = "escalation" // whoever the case is escalated to
)

// Effect is one consequence of an action.
type Effect struct {
	Kind      EffectKind        `json:"kind"`
	Audience  Audience          `json:"audience,omitempty"`  // notify
	Template  string            `json:"template,omitempty"`  // notify
	Document  string            `json:"document,omitempty"`  // result
	Processes []string          `json:"processes,omitempty"` // children
	Event     string            `json:"event,omitempty"`     // webhook
	Hook      string            `json:"hook,omitempty"`      // hook
	Params    map[string]string `json:"params,omitempty"`    // hook
}

// Version is a published, immutable version of a definition.
type Version struct {
	ID          int64 // process_versions.id: what a case references
	Name        string
	Version     int
	Definition  *Definition // shared and cached: never change it
	Source      string      // the file exactly as published
	Digest      string      // SHA-256 of Source, hex
	PublishedAt time.Time
	PublishedBy string // okno.Actor.Ref() of the publisher
}
