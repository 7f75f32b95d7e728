// Package rating keeps citizens' ratings of the services they received,
// on the criteria Gosuslugi uses ("Ваш контроль"), and their aggregates
// per service and per organisation; services under the threshold are
// flagged for their owners and the region.
//
// A rating belongs to a case: its applicant rates it once the case has
// an outcome (a result issued or a refusal), and may change the rating
// within ChangeWindow. Each rating adds to two aggregate rows — its
// service's and its organisation's: a count and a sum per criterion —
// in the rating's transaction, so dashboards read those rows and never
// scan ratings.
//
// It must never import net/http, and never store a comment unsealed: a
// citizen may write anything there.
package rating

import (
	"context"
	"log/slog"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/sqldb"
)

// Threshold is the overall average under which a service or an
// organisation is flagged on the dashboards.
const Threshold = 4.5

// ChangeWindow is how long after rating a case its applicant may change
// the rating: long enough to think again about a hasty score, short
// enough that aggregates settle. Later, the rating stands (a conflict).
const ChangeWindow = 14 * 24 * time.Hour

// Limits of a rating.
const (
	MaxComment  = 2000 // characters
	maxProblems = 10
)

// Criterion is one of the criteria a service is rated on, 1 to 5.
type Criterion string

// The criteria of "Ваш контроль".
const (
	Time        Criterion = "time"        // срок предоставления услуги
	Courtesy    Criterion = "courtesy"    // вежливость и компетентность сотрудника
	Comfort     Criterion = "comfort"     // комфортность условий в помещении
	Information Criterion = "information" // доступность информации о порядке предоставления
	Convenience Criterion = "convenience" // удобство процедур
)

// Criteria lists the criteria in the order the form asks them.
var Criteria = []Criterion{Time, Courtesy, Comfort, Information, Convenience}

// Problems are what a low rating asks went wrong; each has a title at the
// catalogue key rating.problem.<code>.
var Problems = []string{
	"deadline",        // нарушен срок
	"rude",            // невежливый или некомпетентный сотрудник
	"extra_documents", // требовали лишние документы
	"unclear_info",    // непонятная или неверная информация
	"queue",           // очередь, долгое ожидание
	"many_visits",     // пришлось приходить несколько раз
	"premises",        // неудобное помещение, нет условий
	"online_failed",   // не работала электронная подача
	"other",           // другое: сказано в комментарии
}

// Scores are the five scores of a rating, 1 to 5 each.
type Scores map[Criterion]int

// Average is the mean of the scores.
func (s Scores) Average() float64 {
	sum := 0
	for _, c := range Criteria {
		sum += s[c]
	}
	return float64(sum) / float64(len(Criteria))
}

// Low reports whether the scores ask what went wrong: any criterion at 3
// or below, or an average under 4.
func (s Scores) Low() bool {
	for _, c := range Criteria {
		if s[c] <= 3 {
			return true
		}
	}
	return s.Average() < 4
}

// Input is a citizen's rating of case CaseID.
type Input struct {
	CaseID   int64
	Scores   Scores
	Problems []string // required when Scores are Low
	Comment  string
}

// Rating is a stored rating.
type Rating struct {
	CaseID    int64
	UserID    int64
	Service   string // the catalogue service's code; "" when the case is not an application of one
	OrgID     int64
	Scores    Scores
	Problems  []string
	Comment   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Cases is what ratings need of the case engine.
type Cases interface {
	Get(ctx context.Context, actor okno.Actor, id int64) (casework.Case, error)
}

// Applications says which catalogue service an application's case was
// opened for; *application.Service implements it.
type Applications interface {
	ServiceOf(ctx context.Context, caseID int64) (catalog.Service, error)
}

// Owners says which services a staff member owns; *catalog.Catalog
// implements it.
type Owners interface {
	OwnedBy(ctx context.Context, userID int64) ([]string, error)
}

// Sealer seals comments at rest; *vault.Keyring implements it.
type Sealer = casework.Sealer

// Auditor appends to the audit log in the caller's transaction.
type Auditor interface {
	Append(ctx context.Context, tx *sqldb.Tx, e audit.Entry) (int64, error)
}

// Deps is what the package is built from.
type Deps struct {
	DB           *sqldb.DB
	Cases        Cases
	Applications Applications // nil: no case is an application of a catalogue service
	Owners       Owners       // nil: nobody owns a service
	Sealer       Sealer
	Audit        Auditor
	// MinToFlag is how many ratings a service or organisation needs
	// before it can be flagged, so that one unlucky score does not mark
	// a body; 0 is 1 (the demo flags at once). A region sets it higher.
	MinToFlag int64
	Logger    *slog.Logger
	Now       func() time.Time
}

// Service records and aggregates ratings.
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
	if d.MinToFlag < 1 {
		d.MinToFlag = 1
	}
	return &Service{d: d}
}
