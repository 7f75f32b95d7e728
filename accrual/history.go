package accrual

import (
	"context"
	"time"

	"github.com/okno/okno"
)

// Change is one applied change of an accrual: an issuer's record or a
// payment.
type Change struct {
	Source string
	Kind   string // "new", "clarify", "annul" or "payment"
	Seq    int64
	Status Status // after the change
	Amount int64  // the accrual's amount, or the payment's
	At     time.Time
}

// maxHistory bounds the changes History returns: an accrual changes a few
// times in its life, so anything beyond is noise.
const maxHistory = 200

// History lists the changes applied to the accrual uin, oldest first. For
// staff doors: it holds no personal data.
func (s *Service) History(ctx context.Context, uin string) ([]Change, error) {
	if key := UINProblem(uin); key != "" {
		return nil, okno.Invalid(okno.FieldError{Field: "uin", Key: key})
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT source, kind, seq, status, amount, at FROM accrual_changes
		WHERE uin = ? ORDER BY id LIMIT ?`, uin, maxHistory)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var st string
		if err := rows.Scan(&c.Source, &c.Kind, &c.Seq, &st, &c.Amount, &c.At); err != nil {
			return nil, err
		}
		c.Status = Status(st)
		out = append(out, c)
	}
	return out, rows.Err()
}
