package appeal

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

// Join records actor's support of an open published appeal instead of
// filing a duplicate: once per person (joining again changes nothing),
// never one's own appeal, never a closed one.
func (s *Service) Join(ctx context.Context, actor okno.Actor, caseID int64) (Appeal, error) {
	switch actor.Kind {
	case okno.ActorCitizen:
	case okno.ActorAnonymous:
		return Appeal{}, okno.Errorf(okno.EUNAUTHORIZED, "appeal.sign_in")
	default:
		return Appeal{}, okno.Errorf(okno.EFORBIDDEN, "appeal.join_citizens")
	}
	ref := "citizen:" + strconv.FormatInt(actor.UserID, 10)
	key := hex.EncodeToString(s.d.Index.BlindIndex("appeal.author", ref))
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var author string
		var status Status
		var published bool
		err := tx.QueryRowContext(ctx, `SELECT author_key, status, public_text IS NOT NULL FROM appeals WHERE case_id = ?`,
			caseID).Scan(&author, &status, &published)
		if errors.Is(err, sql.ErrNoRows) || err == nil && (!published || status == StatusModeration || status == StatusRejected) {
			return okno.Errorf(okno.ENOTFOUND, "appeal.not_found")
		}
		if err != nil {
			return fmt.Errorf("appeal: appeal %d: %w", caseID, err)
		}
		if author == key {
			return okno.Errorf(okno.EINVALID, "appeal.join_own")
		}
		if status.Closed() {
			return okno.Errorf(okno.EINVALID, "appeal.join_closed")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO appeal_supporters (case_id, author_key, user_id, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, caseID, key, actor.UserID, s.now())
		if err != nil {
			return fmt.Errorf("appeal: support appeal %d: %w", caseID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // joined before: nothing to do
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appeals SET supporters = supporters + 1 WHERE case_id = ?`, caseID); err != nil {
			return fmt.Errorf("appeal: count supporters of %d: %w", caseID, err)
		}
		// The author sees that someone joined, never who.
		supporter := actor
		supporter.Name = ""
		_, err = s.d.Cases.RecordTx(ctx, tx, supporter, caseID, 0, casework.Event{Kind: casework.EventSupported, CitizenVisible: true})
		return err
	})
	if err != nil {
		return Appeal{}, err
	}
	a, _, err := s.load(ctx, s.d.DB, caseID)
	return a, err
}
