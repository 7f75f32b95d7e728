package casework

import (
	"context"

	"github.com/okno/okno/sqldb"
)

// DataTx returns the unsealed form data of case caseID inside the caller's
// transaction, for a feature's observer that must act on it (an appeal's
// text published when moderation passes). The caller has decided that
// reading it is right; it never leaves the server as is.
func (s *Service) DataTx(ctx context.Context, tx *sqldb.Tx, caseID int64) (map[string]any, error) {
	r, err := loadCase(ctx, tx, caseID)
	if err != nil {
		return nil, err
	}
	if err := s.openData(&r); err != nil {
		return nil, err
	}
	return r.Data, nil
}
