package instant

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// Request is one of a citizen's instant requests as their history shows it.
type Request struct {
	ID        int64
	Service   string
	Status    Status
	Reference string // certificates only
	CreatedAt time.Time
	Result    Result
}

// Page is one page of a list and the cursor of the next ("" at the end).
type Page[T any] struct {
	Items []T
	Next  string
}

// Limits of a history page.
const (
	DefaultPage = 20
	MaxPage     = 100
)

// History returns the citizen's instant requests, newest first, a page
// after the cursor after ("" for the first).
func (s *Service) History(ctx context.Context, actor okno.Actor, after string, limit int) (Page[Request], error) {
	if actor.Kind != okno.ActorCitizen || actor.UserID == 0 {
		return Page[Request]{}, okno.Errorf(okno.EFORBIDDEN, "instant.citizens_only")
	}
	if limit <= 0 {
		limit = DefaultPage
	}
	limit = min(limit, MaxPage)
	q := `SELECT id, service, status, reference, created_at, result_enc FROM instant_requests WHERE user_id = ?`
	args := []any{actor.UserID}
	if after != "" {
		at, id, ok := sqldb.DecodeCursor(after)
		if !ok {
			return Page[Request]{}, okno.Invalid(okno.FieldError{Field: "after", Key: "instant.cursor"})
		}
		q += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
		args = append(args, at, at, id)
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := s.d.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return Page[Request]{}, fmt.Errorf("instant: history: %w", err)
	}
	defer rows.Close()
	var page Page[Request]
	for rows.Next() {
		r, err := s.scan(rows)
		if err != nil {
			return Page[Request]{}, err
		}
		page.Items = append(page.Items, r)
	}
	if err := rows.Err(); err != nil {
		return Page[Request]{}, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = sqldb.EncodeCursor(last.CreatedAt, last.ID)
	}
	return page, nil
}

// Request returns one of the citizen's instant requests with its result,
// to show or print again; another citizen's is not found.
func (s *Service) Request(ctx context.Context, actor okno.Actor, id int64) (Request, error) {
	if actor.Kind != okno.ActorCitizen || actor.UserID == 0 {
		return Request{}, okno.Errorf(okno.EFORBIDDEN, "instant.citizens_only")
	}
	row := s.d.DB.QueryRowContext(ctx, `SELECT id, service, status, reference, created_at, result_enc
		FROM instant_requests WHERE id = ? AND user_id = ?`, id, actor.UserID)
	r, err := s.scan(row)
	if err != nil {
		return Request{}, sqldb.NotFound(err, "instant.request_not_found")
	}
	return r, nil
}

// scan reads a request row and opens its result.
func (s *Service) scan(row interface{ Scan(...any) error }) (Request, error) {
	var r Request
	var status string
	var sealed []byte
	if err := row.Scan(&r.ID, &r.Service, &status, &r.Reference, &r.CreatedAt, &sealed); err != nil {
		if err == sql.ErrNoRows {
			return Request{}, err
		}
		return Request{}, fmt.Errorf("instant: read request: %w", err)
	}
	r.Status = Status(status)
	b, err := s.d.Keys.Open(sealed, resultAAD(r.ID))
	if err != nil {
		return Request{}, fmt.Errorf("instant: open result of request %d: %w", r.ID, err)
	}
	if err := json.Unmarshal(b, &r.Result); err != nil {
		return Request{}, fmt.Errorf("instant: decode result of request %d: %w", r.ID, err)
	}
	return r, nil
}

// SealedColumns names every column this package seals, for vault.Rotate.
func SealedColumns() []vault.Column {
	return []vault.Column{{Table: "instant_requests", IDColumn: "id", Column: "result_enc"}}
}
