package accrual

import (
	"context"
	"fmt"
)

// MaxByCase bounds what ByCase returns: a case is billed a few fees (one
// per fee code), never hundreds.
const MaxByCase = 50

// ByCase lists the accruals tied to case caseID (its state fees), oldest
// first, as they stand now (DueNow and DaysLeft filled). It does not
// check who asks: the door shows them only to those who may see the case
// (the case engine decides), and they hold no documents.
func (s *Service) ByCase(ctx context.Context, caseID int64) ([]Fine, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT `+accrualCols+` FROM accruals WHERE case_id = ? ORDER BY id LIMIT ?`,
		caseID, MaxByCase)
	if err != nil {
		return nil, fmt.Errorf("accrual: by case %d: %w", caseID, err)
	}
	defer rows.Close()
	now := s.now()
	var out []Fine
	for rows.Next() {
		a, err := scanAccrual(rows)
		if err != nil {
			return nil, fmt.Errorf("accrual: by case %d: %w", caseID, err)
		}
		out = append(out, Fine{Accrual: a, DueNow: a.AmountDue(now), DaysLeft: a.DiscountDaysLeft(now)})
	}
	return out, rows.Err()
}
