package appointment

import (
	"context"
	"time"

	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// PruneTopic is the outbox topic of the daily job that drops the cells of
// days gone by; app schedules it with outbox.Every(ctx, PruneTopic, 24h).
const PruneTopic = "appointment.prune"

// Prune deletes the cells of slots that began before yesterday: nobody
// can book the past, so only future cells need their primary key, and the
// table stays the size of the horizon. The bookings themselves stay: they
// are the offices' record. It returns how many cells went.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	before := sqldb.Now(s.d.Now().Add(-24 * time.Hour))
	rows, err := s.d.DB.QueryContext(ctx, `SELECT office_id FROM appointment_offices ORDER BY office_id`)
	if err != nil {
		return 0, err
	}
	var offices []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		offices = append(offices, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var n int64
	// Office by office, so that each delete walks the primary key's
	// prefix and holds the writer briefly.
	for _, id := range offices {
		res, err := s.d.DB.ExecContext(ctx, `DELETE FROM appointment_cells WHERE office_id = ? AND starts_at < ?`, id, before)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}

// registerPrune makes the pruning job run from q.
func (s *Service) registerPrune(q *outbox.Queue) {
	q.Register(PruneTopic, func(ctx context.Context, _ outbox.Message) error {
		_, err := s.Prune(ctx)
		return err
	})
}
