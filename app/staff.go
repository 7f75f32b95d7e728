package app

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// CreateStaff creates a staff account holding position positionID, in one
// transaction: identity owns accounts and org positions, and neither
// imports the other, so the two steps meet here. A refused assignment (a
// position the actor may not fill, or none at all) leaves no account.
// Each step checks its own rules: identity who may create staff and the
// answers, org who may fill the position.
func (a *App) CreateStaff(ctx context.Context, actor okno.Actor, email, displayName, password string, positionID int64) (int64, error) {
	d, err := a.Identity.DraftStaff(actor, email, displayName, password)
	if err != nil {
		return 0, err
	}
	var uid int64
	err = a.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if uid, err = a.Identity.CreateStaffTx(ctx, tx, d); err != nil {
			return err
		}
		return a.Orgs.AssignStaffTx(ctx, tx, uid, positionID, actor)
	})
	if err != nil {
		return 0, err
	}
	return uid, nil
}
