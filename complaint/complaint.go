// Package complaint files pre-trial complaints (досудебные жалобы) against
// a decision, an action or an inaction in an application or any other
// case: the complaint goes to the controlling body on its own process
// with a 15-working-day clock and the full history of the original case.
//
// A complaint is a case on process "complaint" (package casework) plus a
// row in table complaints linking it to the case complained about. Filing
// is one transaction: the complaint case with the history document, the
// link row, an event on the original case's timeline and the audit entry.
// Who may see a complaint is the case engine's rule: the package asks it.
//
// It must never import net/http, never read another feature's tables and
// never put personal data (the complaint's text, the history) anywhere but
// the complaint case, where the case engine seals it.
package complaint

import (
	"context"
	"log/slog"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/org"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// Process is the name of the process complaints run on.
const Process = "complaint"

// EventFiled is the kind of the event a complaint leaves on the original
// case's timeline, shown to the citizen ("Подана жалоба").
const EventFiled casework.EventKind = "complaint"

// Limits of a complaint.
const (
	MaxText       = 5000 // characters of the complaint's text
	MinText       = 10   // a complaint says what happened, not "плохо"
	MaxPerCase    = 10   // complaints one citizen may file about one case
	maxKey        = 200  // an idempotency key's bytes
	maxListLength = 100  // complaints Of returns about one case
)

// Filing is a citizen's complaint about case CaseID.
type Filing struct {
	CaseID  int64
	Grounds []string // ground codes (see Grounds); at least one
	Text    string   // what happened, in the citizen's words
	// IdempotencyKey makes a double click or a retry one complaint; ""
	// derives one from the case, grounds and text, so that the same
	// complaint sent twice is filed once.
	IdempotencyKey string
}

// Complaint is a filed complaint: its own case and the case it is about.
type Complaint struct {
	CaseID         int64  // the complaint's case
	Ref            string // the complaint's reference number
	OriginalCaseID int64
	OriginalRef    string
	Grounds        []string
	FiledBy        int64 // the citizen's user ID
	At             time.Time
	// Due is when the controlling body must answer (the complaint case's
	// legal clock); set by File, zero in lists.
	Due time.Time
}

// Cases is what complaints need of the case engine; *casework.Service
// implements it.
type Cases interface {
	Get(ctx context.Context, actor okno.Actor, id int64) (casework.Case, error)
	Timeline(ctx context.Context, actor okno.Actor, id int64) ([]casework.Event, error)
	Documents(ctx context.Context, actor okno.Actor, id int64) ([]casework.Document, error)
	Definition(ctx context.Context, c casework.Case) (process.Version, error)
	Prepare(ctx context.Context, actor okno.Actor, in casework.NewCase) (*casework.Prepared, error)
	OpenPreparedTx(ctx context.Context, tx *sqldb.Tx, p *casework.Prepared) (casework.Case, error)
	RecordTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, caseID, version int64, e casework.Event) (casework.Case, error)
}

// Applications says which catalogue service an application's case was
// opened for; *application.Service implements it.
type Applications interface {
	ServiceOf(ctx context.Context, caseID int64) (catalog.Service, error)
}

// Orgs gives organisations (their parents); *org.Service implements it.
type Orgs interface {
	Get(ctx context.Context, id int64) (org.Organisation, error)
}

// Auditor appends to the audit log in the caller's transaction.
type Auditor interface {
	Append(ctx context.Context, tx *sqldb.Tx, e audit.Entry) (int64, error)
}

// Deps is what the package is built from.
type Deps struct {
	DB           *sqldb.DB
	Cases        Cases
	Applications Applications // nil: no case is an application of a catalogue service
	Orgs         Orgs
	Audit        Auditor
	Logger       *slog.Logger
	Now          func() time.Time
}

// Service files and finds complaints.
type Service struct {
	d Deps
}

// New returns the service. A nil Logger discards; a nil Now is time.Now.
func New(d Deps) *Service {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d}
}
