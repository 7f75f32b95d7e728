package accrual

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// The back office's view of accruals: who of the staff and which API keys
// see which accruals, and their keyset lists. Payer documents are never
// read here: staff and systems see the charge, not the person's papers.

// Filter narrows a staff list of accruals.
type Filter struct {
	Status Status // "": any
	Source string // "": any
	// OrgID is the payee organisation: administrators may pick one (0:
	// all); everyone else sees their own organisation's whatever it says.
	OrgID int64
}

// Page is one page of accruals, newest first; Next is the cursor of the
// page after it ("" on the last).
type Page struct {
	Accruals []Accrual
	Next     string
}

// SourceInfo is an issuer as the back office shows it: without its secret.
type SourceInfo struct {
	Code  string
	Name  string
	OrgID int64
}

// Sources lists the configured issuers by code, without their secrets.
func (s *Service) Sources() []SourceInfo {
	out := make([]SourceInfo, 0, len(s.sources))
	for _, src := range s.sources {
		out = append(out, SourceInfo{Code: src.Code, Name: src.Name, OrgID: src.OrgID})
	}
	slices.SortFunc(out, func(a, b SourceInfo) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// HasSource reports whether fines are taken from the issuer code (the
// push door answers "no such thing" for any other).
func (s *Service) HasSource(code string) bool {
	_, ok := s.sources[code]
	return ok
}

// viewScope says which payee organisations actor may see accruals of: all
// (administrators and the system), one (officials and supervisors acting
// for it, and the organisation's API keys), or none (an error).
func viewScope(actor okno.Actor) (all bool, orgID int64, err error) {
	switch actor.Kind {
	case okno.ActorSystem:
		return true, 0, nil
	case okno.ActorStaff:
		switch {
		case actor.OrgID == 0:
		case actor.Has(okno.RoleAdmin):
			return true, 0, nil
		case actor.Has(okno.RoleOfficial) || actor.Has(okno.RoleSupervisor):
			return false, actor.OrgID, nil
		}
	case okno.ActorAPIKey:
		if actor.OrgID != 0 {
			return false, actor.OrgID, nil
		}
	}
	return false, 0, okno.Errorf(okno.EFORBIDDEN, "accrual.staff_only")
}

// Get returns the accrual uin if actor may see it (viewScope); one of
// another organisation is not found, as if it did not exist.
func (s *Service) Get(ctx context.Context, actor okno.Actor, uin string) (Accrual, error) {
	all, orgID, err := viewScope(actor)
	if err != nil {
		return Accrual{}, err
	}
	a, err := s.ByUIN(ctx, uin)
	if err != nil {
		return Accrual{}, err
	}
	if !all && a.PayeeOrgID != orgID {
		return Accrual{}, okno.Errorf(okno.ENOTFOUND, "accrual.not_found")
	}
	return a, nil
}

// List lists the accruals actor may see, newest first (by ID), narrowed by
// f; keyset pages of limit. Each combination of filters has an index
// (migration 0022): the payee's, the payee's by status, and by status;
// the source narrows what those find.
func (s *Service) List(ctx context.Context, actor okno.Actor, f Filter, cursor string, limit int) (Page, error) {
	all, orgID, err := viewScope(actor)
	if err != nil {
		return Page{}, err
	}
	if all {
		orgID = f.OrgID
	}
	if limit <= 0 || limit > MaxPage {
		limit = DefaultPage
	}
	var fe okno.FieldErrors
	switch f.Status {
	case "", StatusNew, StatusClarified, StatusAnnulled, StatusPaid, StatusPartly:
	default:
		fe.Add("status", "accrual.status_unknown")
	}
	if f.Source != "" && f.Source != OwnSource && !s.HasSource(f.Source) {
		fe.Add("source", "accrual.source_unknown", f.Source)
	}
	var after int64
	if cursor != "" {
		_, id, ok := sqldb.DecodeCursor(cursor)
		if !ok || id <= 0 {
			fe.Add("cursor", "accrual.cursor_invalid")
		}
		after = id
	}
	if err := fe.Err(); err != nil {
		return Page{}, err
	}
	var where []string
	var args []any
	if orgID != 0 {
		where, args = append(where, `payee_org_id = ?`), append(args, orgID)
	}
	if f.Status != "" {
		where, args = append(where, `status = ?`), append(args, string(f.Status))
	}
	if f.Source != "" {
		where, args = append(where, `source = ?`), append(args, f.Source)
	}
	if after != 0 {
		where, args = append(where, `id < ?`), append(args, after)
	}
	q := `SELECT ` + accrualCols + ` FROM accruals`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	// One row more than the page says whether another page follows.
	q += ` ORDER BY id DESC LIMIT ?`
	rows, err := s.d.DB.QueryContext(ctx, q, append(args, limit+1)...)
	if err != nil {
		return Page{}, fmt.Errorf("accrual: list: %w", err)
	}
	defer rows.Close()
	var pg Page
	for rows.Next() {
		a, err := scanAccrual(rows)
		if err != nil {
			return Page{}, err
		}
		pg.Accruals = append(pg.Accruals, a)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(pg.Accruals) > limit {
		pg.Accruals = pg.Accruals[:limit]
		last := pg.Accruals[limit-1]
		pg.Next = sqldb.EncodeCursor(last.CreatedAt, last.ID)
	}
	return pg, nil
}

// Receipt is one payment counted against an accrual: its reference (a
// payment of Okno's is "okno-payment:" and the payment's ID), amount and
// time. It holds no personal data.
type Receipt struct {
	Ref    string
	Amount int64 // kopecks
	At     time.Time
}

// maxReceipts bounds Receipts: an accrual is paid once or in a few parts.
const maxReceipts = 100

// Receipts lists the payments counted against the accrual a, oldest first.
// It does not check who asks: the door reached a through Get.
func (s *Service) Receipts(ctx context.Context, a Accrual) ([]Receipt, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT payment_ref, amount, at FROM accrual_payments
		WHERE accrual_id = ? ORDER BY at, payment_ref LIMIT ?`, a.ID, maxReceipts)
	if err != nil {
		return nil, fmt.Errorf("accrual: receipts: %w", err)
	}
	defer rows.Close()
	var out []Receipt
	for rows.Next() {
		var r Receipt
		if err := rows.Scan(&r.Ref, &r.Amount, &r.At); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
