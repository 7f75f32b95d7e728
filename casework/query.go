package casework

import (
	"time"

	"github.com/okno/okno/calendar"
)

// View is one of an official's inboxes.
type View string

// The inbox views.
const (
	ViewMine       View = "mine"       // assigned to me, or to a position I hold with nobody assigned
	ViewOrg        View = "org"        // my organisation's open cases
	ViewUnassigned View = "unassigned" // my organisation's open cases with nobody assigned
	ViewDueToday   View = "due_today"  // legal or step clock runs out before the end of today
	ViewOverdue    View = "overdue"    // the legal clock ran out and the case is still open
	ViewEscalated  View = "escalated"  // escalated to my organisation
	ViewClosed     View = "closed"     // my organisation's closed cases
)

// Views lists the views in the order the back office shows them.
var Views = []View{ViewMine, ViewOrg, ViewUnassigned, ViewDueToday, ViewOverdue, ViewEscalated, ViewClosed}

// InboxQuery selects a page of an inbox.
type InboxQuery struct {
	View    View
	State   string // "" any
	Process string // "" any
	Search  string // a reference number, or words of the subject
	After   string // the cursor of the previous page's Next; "" the first page
	Limit   int    // 0: 50; at most 200
}

// InboxItem is one row of an inbox: enough to show and sort, no personal data.
type InboxItem struct {
	ID         int64
	Ref        string
	Process    string
	State      string
	StateTitle string
	Subject    string
	OrgID      int64
	PositionID int64
	AssigneeID int64
	Assignee   string // the assigned person's display name
	LegalDue   calendar.Clock
	LegalMetAt time.Time // zero until a state stopped the legal clock: then it cannot run out
	StepDue    calendar.Clock
	Escalation Escalation
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ClosedAt   time.Time
}

// Page is one page of a list, with the cursor of the next ("" when last).
type Page[T any] struct {
	Items []T
	Next  string
}

// OrgOverdue is one line of the supervisor's view: an organisation under
// the viewer's and its open and overdue work.
type OrgOverdue struct {
	OrgID     int64
	OrgName   string
	Open      int
	Overdue   int
	DueToday  int
	Escalated int
}

// CitizenItem is one line of a citizen's "my cases".
type CitizenItem struct {
	ID           int64
	Ref          string
	Kind         string
	Subject      string
	State        string
	StateTitle   string // the state's citizen text or title, in the viewer's language
	WaitingForMe bool   // the case waits for the citizen
	LegalDue     time.Time
	LegalMetAt   time.Time // zero until a state stopped the legal clock (answered, decided)
	UpdatedAt    time.Time
	ClosedAt     time.Time
	Outcome      string
}

// Responsible is the person or body responsible for a case now, as shown
// to the citizen: a name and position (DESIGN.md: named and shown with
// photo at each stage), and the organisation.
type Responsible struct {
	Name     string // a person's display name; "" when nobody in particular
	Position string // the position's title; "" when the organisation's inbox holds it
	OrgName  string
	PhotoURL string // "" when none is given
}
