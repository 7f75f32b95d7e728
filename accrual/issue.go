package accrual

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// OwnSource is the source of the accruals Okno issues itself.
const OwnSource = "okno"

// Draft is a state fee to issue.
type Draft struct {
	Fee        string // what the fee is for, a short code ("state_duty"); one per case
	Payer      Payer
	PayeeOrgID int64
	Purpose    string
	Amount     int64 // kopecks
	Discount   Discount
	DueDate    time.Time // zero: none
	CaseID     int64     // 0: not tied to a case
}

// check validates d, naming fields.
func (d Draft) check() error {
	var fe okno.FieldErrors
	if d.Fee == "" || len(d.Fee) > 64 {
		fe.Add("fee", "accrual.fee_required")
	}
	if d.Purpose == "" {
		fe.Add("purpose", "accrual.purpose_required")
	} else if !utf8.ValidString(d.Purpose) || utf8.RuneCountInString(d.Purpose) > maxPurpose {
		fe.Add("purpose", "accrual.text_too_long", maxPurpose)
	}
	checkAmount("amount", d.Amount, &fe)
	switch d.Discount.Kind {
	case DiscountNone:
	case DiscountPercent:
		if d.Discount.Value < 1 || d.Discount.Value > 99 {
			fe.Add("discount", "accrual.discount_percent")
		}
	case DiscountFixed:
		if d.Discount.Value <= 0 || d.Discount.Value >= d.Amount {
			fe.Add("discount", "accrual.discount_fixed")
		}
	default:
		fe.Add("discount", "accrual.discount_percent")
	}
	if d.Discount.Kind != DiscountNone && d.Discount.Until.IsZero() {
		fe.Add("discount_until", "accrual.discount_until")
	}
	if d.Payer.UserID == 0 && d.Payer.Licence == "" && d.Payer.STS == "" {
		fe.Add("payer", "accrual.payer_required")
	}
	return fe.Err()
}

// mayIssue is who may issue a fee by hand: the system, or an official or
// administrator of the payee organisation.
func mayIssue(actor okno.Actor, d Draft) bool {
	switch actor.Kind {
	case okno.ActorSystem:
		return true
	case okno.ActorStaff:
		return actor.OrgID != 0 && actor.OrgID == d.PayeeOrgID && (actor.Has(okno.RoleOfficial) || actor.Has(okno.RoleAdmin))
	}
	return false
}

// Issue issues a state fee as actor, in its own transaction with its audit
// entry.
func (s *Service) Issue(ctx context.Context, actor okno.Actor, d Draft) (Accrual, error) {
	var a Accrual
	if !mayIssue(actor, d) {
		return a, okno.Errorf(okno.EFORBIDDEN, "accrual.issue_forbidden")
	}
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if a, err = s.IssueTx(ctx, tx, d); err != nil {
			return err
		}
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "accrual.issue",
			ObjectType: "accrual", ObjectID: a.UIN, After: audit.Digest(auditState(a))})
		return err
	})
	return a, err
}

// IssueTx issues a state fee within the caller's transaction (a process
// action's): a new УИН under the service's prefix, status new. A fee
// already issued for the same case and Fee is returned as it is, so an
// action repeated (or retried) never bills twice. The caller audits.
func (s *Service) IssueTx(ctx context.Context, tx *sqldb.Tx, d Draft) (Accrual, error) {
	if err := d.check(); err != nil {
		return Accrual{}, err
	}
	if d.CaseID != 0 {
		a, err := s.get(ctx, tx, `case_id = ? AND fee = ?`, d.CaseID, d.Fee)
		if err == nil {
			return a, nil
		}
		if !okno.IsCode(err, okno.ENOTFOUND) {
			return Accrual{}, err
		}
	}
	n, err := s.nextNumber(ctx, tx)
	if err != nil {
		return Accrual{}, err
	}
	now := s.now()
	c := change{UIN: MakeUIN(s.d.UINPrefix, n), Payer: d.Payer}
	if d.Payer.Licence != "" || d.Payer.STS != "" {
		if err := s.sealPayer(&c); err != nil {
			return Accrual{}, fmt.Errorf("accrual: seal payer: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO accruals (uin, source, kind, status, settled, seq, payer_user_id,
		payer_enc, licence_bidx, sts_bidx, payee_org_id, purpose, amount, discount_kind, discount_value,
		discount_until, bill_date, due_date, case_id, fee, created_at, updated_at)
		VALUES `+sqldb.Placeholders(1, 22), c.UIN, OwnSource, string(KindFee), string(StatusNew), false, 1,
		nullID(d.Payer.UserID), c.payerEnc, c.licence, c.sts, nullID(d.PayeeOrgID), d.Purpose, d.Amount,
		string(d.Discount.Kind), d.Discount.Value, nullTime(d.Discount.Until), now, nullTime(d.DueDate),
		nullID(d.CaseID), d.Fee, now, now); err != nil {
		return Accrual{}, fmt.Errorf("accrual: issue: %w", err)
	}
	if err := insertHistory(ctx, tx, OwnSource, 0, []historyRow{{uin: c.UIN, kind: string(ChangeNew), seq: 1, status: StatusNew, amount: d.Amount}}, now); err != nil {
		return Accrual{}, err
	}
	return s.get(ctx, tx, `uin = ?`, c.UIN)
}

// nextNumber takes the next number for a УИН under the service's prefix.
func (s *Service) nextNumber(ctx context.Context, tx *sqldb.Tx) (int64, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO accrual_counters (prefix, next) VALUES (?, 0) ON CONFLICT (prefix) DO NOTHING`, s.d.UINPrefix); err != nil {
		return 0, fmt.Errorf("accrual: counter: %w", err)
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `UPDATE accrual_counters SET next = next + 1 WHERE prefix = ? RETURNING next`, s.d.UINPrefix).Scan(&n); err != nil {
		return 0, fmt.Errorf("accrual: counter: %w", err)
	}
	return n, nil
}

// HookName is the name process definitions use for the fee hook
// (effect kind "hook", hook "accrual").
const HookName = "accrual"

// CaseRef is what IssueForCaseTx needs of a case (casework.Case's fields
// of the same names), so this package does not depend on casework.
type CaseRef struct {
	ID          int64
	ApplicantID int64
	OrgID       int64
}

// IssueForCaseTx is the body of the process hook "accrual": it issues the
// fee a process action's effect declares, in the action's transaction.
// params: "fee" (a code, one fee per case), "amount" (kopecks), "purpose",
// optional "due_days" (calendar days from now). The payer is the case's
// applicant and the payee the case's organisation.
func (s *Service) IssueForCaseTx(ctx context.Context, tx *sqldb.Tx, c CaseRef, params map[string]string) error {
	amount, err := strconv.ParseInt(params["amount"], 10, 64)
	if err != nil {
		return okno.Invalid(okno.FieldError{Field: "amount", Key: "accrual.amount_positive"})
	}
	d := Draft{Fee: params["fee"], Payer: Payer{UserID: c.ApplicantID}, PayeeOrgID: c.OrgID,
		Purpose: params["purpose"], Amount: amount, CaseID: c.ID}
	if v := params["due_days"]; v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 1 || days > 366 {
			return okno.Invalid(okno.FieldError{Field: "due_days", Key: "accrual.due_days"})
		}
		d.DueDate = s.now().AddDate(0, 0, days)
	}
	_, err = s.IssueTx(ctx, tx, d)
	return err
}

// auditState is what an audit entry commits to about an accrual: no
// personal data.
func auditState(a Accrual) map[string]any {
	return map[string]any{"uin": a.UIN, "status": string(a.Status), "amount": a.Amount, "paid": a.Paid, "seq": a.Seq}
}

const accrualCols = `id, uin, source, kind, status, seq, COALESCE(payer_user_id, 0), COALESCE(payee_org_id, 0), purpose,
	article, place, amount, paid, discount_kind, discount_value, discount_until, bill_date, due_date,
	COALESCE(case_id, 0), created_at, updated_at`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanAccrual(r scanner) (Accrual, error) {
	var a Accrual
	var kind, status, dk string
	var until, due sql.NullTime
	err := r.Scan(&a.ID, &a.UIN, &a.Source, &kind, &status, &a.Seq, &a.Payer.UserID, &a.PayeeOrgID, &a.Purpose,
		&a.Article, &a.Place, &a.Amount, &a.Paid, &dk, &a.Discount.Value, &until, &a.BillDate, &due,
		&a.CaseID, &a.CreatedAt, &a.UpdatedAt)
	a.Kind, a.Status, a.Discount.Kind = Kind(kind), Status(status), DiscountKind(dk)
	a.Discount.Until, a.DueDate = until.Time, due.Time
	return a, err
}

// get reads one accrual matching where.
func (s *Service) get(ctx context.Context, q sqldb.Querier, where string, args ...any) (Accrual, error) {
	a, err := scanAccrual(q.QueryRowContext(ctx, `SELECT `+accrualCols+` FROM accruals WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, okno.Wrap(okno.ENOTFOUND, "accrual.not_found", err)
	}
	return a, err
}

// ByUIN returns the accrual with uin. Staff doors only: it shows no
// documents but does not check who asks.
func (s *Service) ByUIN(ctx context.Context, uin string) (Accrual, error) {
	if key := UINProblem(uin); key != "" {
		return Accrual{}, okno.Invalid(okno.FieldError{Field: "uin", Key: key})
	}
	return s.get(ctx, s.d.DB, `uin = ?`, uin)
}
