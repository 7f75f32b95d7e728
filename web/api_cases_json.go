package web

import (
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/process"
)

// This file holds the case API's JSON: what it answers, what it takes,
// and the schemas OpenAPI shows for both.

// caseJSON is a case in the API.
type caseJSON struct {
	ID             int64           `json:"id"`
	Ref            string          `json:"ref"`
	Kind           process.Kind    `json:"kind"`
	Process        string          `json:"process"`
	ProcessVersion int             `json:"process_version"`
	State          string          `json:"state"`
	StateTitle     string          `json:"state_title"`
	Version        int64           `json:"version"`
	ApplicantID    int64           `json:"applicant_id,omitempty"`
	OrgID          int64           `json:"org_id"`
	PositionID     int64           `json:"position_id,omitempty"`
	AssigneeID     int64           `json:"assignee_id,omitempty"`
	Escalation     *escalationJSON `json:"escalation,omitempty"`
	ParentID       int64           `json:"parent_id,omitempty"`
	Subject        string          `json:"subject"`
	Channel        string          `json:"channel"`
	Data           map[string]any  `json:"data,omitempty"`
	LegalClock     *clockJSON      `json:"legal_clock,omitempty"`
	LegalMetAt     *time.Time      `json:"legal_met_at,omitempty"`
	StepClock      *clockJSON      `json:"step_clock,omitempty"`
	Outcome        string          `json:"outcome,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
	ClosedAt       *time.Time      `json:"closed_at,omitempty"`
}

// escalationJSON is where a case stands on its escalation ladder.
type escalationJSON struct {
	Level      int   `json:"level"`
	OrgID      int64 `json:"org_id,omitempty"`
	PositionID int64 `json:"position_id,omitempty"`
}

// clockJSON is a running deadline.
type clockJSON struct {
	Period   string     `json:"period,omitempty"` // "30d", "15w"
	Due      time.Time  `json:"due"`
	PausedAt *time.Time `json:"paused_at,omitempty"`
}

// optTime is t for an optional JSON field: nil when zero.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func toClockJSON(c calendar.Clock) *clockJSON {
	if c.Due.IsZero() {
		return nil
	}
	return &clockJSON{Period: c.Period.String(), Due: c.Due.UTC(), PausedAt: optTime(c.PausedAt)}
}

// toCaseJSON converts c, titling its state from def in lang.
func toCaseJSON(c casework.Case, def *process.Definition, lang string) caseJSON {
	j := caseJSON{ID: c.ID, Ref: c.Ref, Kind: c.Kind, Process: c.Process, ProcessVersion: c.ProcessVersion,
		State: c.State, StateTitle: c.State, Version: c.Version, ApplicantID: c.ApplicantID, OrgID: c.OrgID,
		PositionID: c.PositionID, AssigneeID: c.AssigneeID, ParentID: c.ParentID, Subject: c.Subject,
		Channel: string(c.Channel), Data: c.Data, LegalClock: toClockJSON(c.Legal), LegalMetAt: optTime(c.LegalMetAt),
		StepClock: toClockJSON(c.Step), Outcome: c.Outcome, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
		ClosedAt: optTime(c.ClosedAt)}
	if c.Escalation.Level > 0 {
		j.Escalation = &escalationJSON{Level: c.Escalation.Level, OrgID: c.Escalation.OrgID, PositionID: c.Escalation.PositionID}
	}
	if def != nil {
		if st, ok := def.State(c.State); ok {
			j.StateTitle = titleIn(st.Title, lang, st.Name)
		}
	}
	return j
}

// caseItemJSON is one case of a list: an official's inbox row, or a line
// of a citizen's own cases. No personal data.
type caseItemJSON struct {
	ID           int64           `json:"id"`
	Ref          string          `json:"ref"`
	Kind         string          `json:"kind,omitempty"`
	Process      string          `json:"process,omitempty"`
	State        string          `json:"state"`
	StateTitle   string          `json:"state_title"`
	Subject      string          `json:"subject"`
	OrgID        int64           `json:"org_id,omitempty"`
	PositionID   int64           `json:"position_id,omitempty"`
	AssigneeID   int64           `json:"assignee_id,omitempty"`
	Assignee     string          `json:"assignee,omitempty"`
	LegalClock   *clockJSON      `json:"legal_clock,omitempty"`
	StepClock    *clockJSON      `json:"step_clock,omitempty"`
	Escalation   *escalationJSON `json:"escalation,omitempty"`
	WaitingForMe bool            `json:"waiting_for_me,omitempty"`
	Outcome      string          `json:"outcome,omitempty"`
	Version      int64           `json:"version,omitempty"`
	CreatedAt    *time.Time      `json:"created_at,omitempty"`
	UpdatedAt    time.Time       `json:"updated_at"`
	ClosedAt     *time.Time      `json:"closed_at,omitempty"`
}

func inboxItemJSON(it casework.InboxItem) caseItemJSON {
	j := caseItemJSON{ID: it.ID, Ref: it.Ref, Process: it.Process, State: it.State, StateTitle: it.StateTitle,
		Subject: it.Subject, OrgID: it.OrgID, PositionID: it.PositionID, AssigneeID: it.AssigneeID, Assignee: it.Assignee,
		LegalClock: toClockJSON(it.LegalDue), StepClock: toClockJSON(it.StepDue), Version: it.Version,
		CreatedAt: optTime(it.CreatedAt), UpdatedAt: it.UpdatedAt.UTC(), ClosedAt: optTime(it.ClosedAt)}
	if it.Escalation.Level > 0 {
		j.Escalation = &escalationJSON{Level: it.Escalation.Level, OrgID: it.Escalation.OrgID, PositionID: it.Escalation.PositionID}
	}
	return j
}

func citizenItemJSON(it casework.CitizenItem) caseItemJSON {
	j := caseItemJSON{ID: it.ID, Ref: it.Ref, Kind: it.Kind, State: it.State, StateTitle: it.StateTitle, Subject: it.Subject,
		WaitingForMe: it.WaitingForMe, Outcome: it.Outcome, UpdatedAt: it.UpdatedAt.UTC(), ClosedAt: optTime(it.ClosedAt)}
	if !it.LegalDue.IsZero() {
		j.LegalClock = &clockJSON{Due: it.LegalDue.UTC()}
	}
	return j
}

// eventJSON is one timeline entry.
type eventJSON struct {
	ID             int64             `json:"id"`
	Seq            int64             `json:"seq"`
	Kind           string            `json:"kind"`
	Action         string            `json:"action,omitempty"`
	ActionTitle    string            `json:"action_title,omitempty"`
	FromState      string            `json:"from_state,omitempty"`
	ToState        string            `json:"to_state,omitempty"`
	Actor          string            `json:"actor"`
	ActorName      string            `json:"actor_name,omitempty"`
	Comment        string            `json:"comment,omitempty"`
	Fields         map[string]string `json:"fields,omitempty"`
	CitizenVisible bool              `json:"citizen_visible"`
	At             time.Time         `json:"at"`
}

func toEventJSON(e casework.Event, def *process.Definition, lang string) eventJSON {
	j := eventJSON{ID: e.ID, Seq: e.Seq, Kind: string(e.Kind), Action: e.Action, FromState: e.FromState, ToState: e.ToState,
		Actor: e.Actor, ActorName: e.ActorName, Comment: e.Comment, Fields: e.Fields, CitizenVisible: e.CitizenVisible, At: e.At.UTC()}
	if a, ok := def.Action(e.Action); ok {
		j.ActionTitle = titleIn(a.Title, lang, a.Name)
	}
	return j
}

// documentJSON is a document's description; its content is at url.
type documentJSON struct {
	ID             int64     `json:"id"`
	Kind           string    `json:"kind"`
	Name           string    `json:"name"`
	MediaType      string    `json:"media_type"`
	Size           int64     `json:"size"`
	Result         bool      `json:"result"`
	CitizenVisible bool      `json:"citizen_visible"`
	UploadedBy     string    `json:"uploaded_by"`
	CreatedAt      time.Time `json:"created_at"`
	URL            string    `json:"url"`
}

func toDocumentJSON(d casework.Document) documentJSON {
	return documentJSON{ID: d.ID, Kind: d.Kind, Name: d.Name, MediaType: d.MediaType, Size: d.Size, Result: d.Result,
		CitizenVisible: d.CitizenVisible, UploadedBy: d.UploadedBy, CreatedAt: d.CreatedAt.UTC(),
		URL: apiCasePath(d.CaseID) + "/documents/" + strconv.FormatInt(d.ID, 10)}
}

// allowedJSON is an action the client may take now, with what it asks for.
type allowedJSON struct {
	Name        string      `json:"name"`
	Title       string      `json:"title"`
	To          string      `json:"to"`
	TargetTitle string      `json:"target_title"`
	Comment     string      `json:"comment"` // none, optional, required
	Fields      []fieldJSON `json:"fields"`
	Documents   []docKind   `json:"documents"`
}

type fieldJSON struct {
	Name     string       `json:"name"`
	Title    string       `json:"title"`
	Type     string       `json:"type"`
	Required bool         `json:"required"`
	Max      int          `json:"max,omitempty"`
	Options  []optionJSON `json:"options,omitempty"`
}

type optionJSON struct {
	Value string `json:"value"`
	Title string `json:"title"`
}

type docKind struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

func toAllowedJSON(a casework.AllowedAction, def *process.Definition, lang string) allowedJSON {
	j := allowedJSON{Name: a.Name, Title: titleIn(a.Title, lang, a.Name), To: a.To, TargetTitle: titleIn(a.Target.Title, lang, a.Target.Name),
		Comment: string(a.Comment), Fields: []fieldJSON{}, Documents: []docKind{}}
	if j.Comment == "" {
		j.Comment = string(process.CommentOptional)
	}
	for _, f := range a.Fields {
		fj := fieldJSON{Name: f.Name, Title: titleIn(f.Title, lang, f.Name), Type: string(f.Type), Required: f.Required, Max: f.Max}
		for _, o := range f.Options {
			fj.Options = append(fj.Options, optionJSON{Value: o.Value, Title: titleIn(o.Title, lang, o.Value)})
		}
		j.Fields = append(j.Fields, fj)
	}
	for _, k := range a.Documents {
		dk := docKind{Name: k, Title: k}
		for _, d := range def.Documents {
			if d.Name == k {
				dk.Title = titleIn(d.Title, lang, k)
			}
		}
		j.Documents = append(j.Documents, dk)
	}
	return j
}

// newCaseJSON is what opening a case takes.
type newCaseJSON struct {
	Process     string         `json:"process"`
	OrgID       int64          `json:"org_id"`
	PositionID  int64          `json:"position_id"`
	ApplicantID int64          `json:"applicant_id"`
	ParentID    int64          `json:"parent_id"`
	Subject     string         `json:"subject"`
	Data        map[string]any `json:"data"`
	LegalClock  string         `json:"legal_clock"`
}

// actionJSON is what taking an action takes.
type actionJSON struct {
	Action  string            `json:"action"`
	Version int64             `json:"version"`
	Comment string            `json:"comment"`
	Fields  map[string]string `json:"fields"`
}

// assignJSON is what assigning one case takes.
type assignJSON struct {
	Version    int64  `json:"version"`
	OrgID      int64  `json:"org_id"`
	PositionID int64  `json:"position_id"`
	AssigneeID int64  `json:"assignee_id"`
	Comment    string `json:"comment"`
}

// assignManyJSON is what assigning several cases takes.
type assignManyJSON struct {
	CaseIDs    []int64 `json:"case_ids"`
	OrgID      int64   `json:"org_id"`
	PositionID int64   `json:"position_id"`
	AssigneeID int64   `json:"assignee_id"`
	Comment    string  `json:"comment"`
}

// apiFieldNames maps the case engine's names of inputs to the API's.
var apiFieldNames = map[string]string{
	"org": "org_id", "position": "position_id", "assignee": "assignee_id", "applicant": "applicant_id",
	"parent": "parent_id", "cases": "case_ids", "idempotency_key": "Idempotency-Key",
}

// renameFields renames the field problems of err by rename, so problems
// name what the client sent.
func renameFields(err error, rename func(field string) string) error {
	e := okno.AsError(err)
	if err == nil || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = make([]okno.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		f.Field = rename(f.Field)
		c.Fields[i] = f
	}
	return &c
}

// apiNames renames the case engine's names of inputs to the API's.
func apiNames(field string) string {
	if n, ok := apiFieldNames[field]; ok {
		return n
	}
	return field
}
