package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// Notification is one message in a citizen's cabinet inbox.
type Notification struct {
	ID        int64
	UserID    int64
	Subject   string
	Body      string
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Cabinet is the citizen cabinet's inbox, kept in the notifications table.
//
// Subjects and bodies are stored in plain text, so they must hold no personal
// data: by convention they say what happened and where to look ("Заявление
// № 2026-000123 принято"), and the case itself, behind authorisation, holds
// the details. That keeps the inbox cheap to list and count, and keeps
// personal data in the places that are sealed and audited.
type Cabinet struct {
	db  *sqldb.DB
	now func() time.Time
}

// NewCabinet returns the inbox on db; now stamps new notifications and reads.
func NewCabinet(db *sqldb.DB, now func() time.Time) *Cabinet {
	return &Cabinet{db: db, now: now}
}

// Send stores a cabinet message in its user's inbox. m.To is ignored.
func (c *Cabinet) Send(ctx context.Context, m Message) error {
	if err := requireChannel(m, ChannelCabinet); err != nil {
		return err
	}
	if m.UserID <= 0 {
		return okno.Errorf(okno.EINVALID, "notify.recipient_missing")
	}
	_, err := c.db.ExecContext(ctx, `INSERT INTO notifications (user_id, subject, body, created_at) VALUES (?, ?, ?, ?)`,
		m.UserID, m.Subject, m.Body, sqldb.Now(c.now()))
	if sqldb.ViolationOf(err) == sqldb.ForeignKey {
		return okno.Wrap(okno.EINVALID, "notify.recipient_missing", err)
	}
	if err != nil {
		return fmt.Errorf("notify: cabinet: %w", err)
	}
	return nil
}

// ListForUser returns the user's newest notifications first, at most limit
// (1..100; other values mean 20).
func (c *Cabinet) ListForUser(ctx context.Context, userID int64, limit int) ([]Notification, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := c.db.QueryContext(ctx, `SELECT id, user_id, subject, body, created_at, read_at
		FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("notify: cabinet list: %w", err)
	}
	defer rows.Close()
	ns := []Notification{}
	for rows.Next() {
		var n Notification
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.UserID, &n.Subject, &n.Body, &n.CreatedAt, &read); err != nil {
			return nil, fmt.Errorf("notify: cabinet list: %w", err)
		}
		n.CreatedAt = n.CreatedAt.UTC()
		if read.Valid {
			n.ReadAt = read.Time.UTC()
		}
		ns = append(ns, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: cabinet list: %w", err)
	}
	return ns, nil
}

// MarkRead marks the user's notification id as read. Marking it again keeps
// the first time it was read. A notification of another user is not found:
// the user ID is the authorisation check, done here so no door can skip it.
func (c *Cabinet) MarkRead(ctx context.Context, userID, id int64) error {
	res, err := c.db.ExecContext(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?`,
		sqldb.Now(c.now()), id, userID)
	if err != nil {
		return fmt.Errorf("notify: cabinet mark read: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("notify: cabinet mark read: %w", err)
	}
	if n == 0 {
		return okno.Wrap(okno.ENOTFOUND, "notify.not_found", errors.New("notify: no such notification for this user"))
	}
	return nil
}

// UnreadCount is how many of the user's notifications are unread.
func (c *Cabinet) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := c.db.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("notify: cabinet unread: %w", err)
	}
	return n, nil
}
