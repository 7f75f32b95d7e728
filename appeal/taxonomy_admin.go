package appeal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/sqldb"
)

// Limits of canned replies: enough for a real answer template, bounded so
// that a form cannot fill the database.
const (
	MaxReplies     = 10
	MaxReplyTitle  = 200
	MaxReplyBody   = 4000
	maxPeriodInput = 16
)

// mayAdminister returns an EFORBIDDEN error unless actor administers the
// region: the taxonomy and the routing table belong to the whole region.
func (s *Service) mayAdminister(ctx context.Context, actor okno.Actor) error {
	if s.d.Admins == nil {
		return okno.Errorf(okno.EFORBIDDEN, "appeal.admin_only")
	}
	ok, err := s.d.Admins.CanAdministerRegion(ctx, actor)
	if err != nil {
		return err
	}
	if !ok {
		return okno.Errorf(okno.EFORBIDDEN, "appeal.admin_only")
	}
	return nil
}

// SetLegalPeriod sets the legal period of a category's appeals (reasonID
// 0) or of one reason's: "8w" is 8 working days, "30d" 30 calendar days;
// "" resets it (a reason then follows its category, a category the
// process). Region administrators only; audited.
func (s *Service) SetLegalPeriod(ctx context.Context, actor okno.Actor, categoryID, reasonID int64, period string) error {
	if err := s.mayAdminister(ctx, actor); err != nil {
		return err
	}
	period = strings.TrimSpace(period)
	var fe okno.FieldErrors
	if len(period) > maxPeriodInput {
		fe.Add("legal_period", "appeal.legal_period_bad")
	} else if p, err := calendar.ParsePeriod(period); err != nil {
		fe.Add("legal_period", "appeal.legal_period_bad")
	} else {
		period = p.String()
	}
	if err := fe.Err(); err != nil {
		return err
	}
	table, objType, id := "appeal_categories", "appeal_category", categoryID
	if reasonID != 0 {
		table, objType, id = "appeal_reasons", "appeal_reason", reasonID
	}
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var before string
		var q = `SELECT legal_period FROM ` + table + ` WHERE id = ?`
		args := []any{id}
		if reasonID != 0 {
			q += ` AND category_id = ?`
			args = append(args, categoryID)
		}
		if err := tx.QueryRowContext(ctx, q, args...).Scan(&before); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return okno.Errorf(okno.ENOTFOUND, "appeal.reason_not_found")
			}
			return err
		}
		if before == period {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET legal_period = ? WHERE id = ?`, period, id); err != nil {
			return fmt.Errorf("appeal: set legal period: %w", err)
		}
		tx.AfterCommit(s.invalidateTaxonomy)
		_, err := s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "appeal.legal_period.set", ObjectType: objType,
			ObjectID: strconv.FormatInt(id, 10), Before: audit.Digest(before), After: audit.Digest(period)})
		return err
	})
	return err
}

// SetReplies replaces the canned replies of a reason, in order. Each
// needs a title and a body; at most MaxReplies. Region administrators
// only; audited.
func (s *Service) SetReplies(ctx context.Context, actor okno.Actor, reasonID int64, replies []Reply) error {
	if err := s.mayAdminister(ctx, actor); err != nil {
		return err
	}
	var fe okno.FieldErrors
	if len(replies) > MaxReplies {
		fe.Add("replies", "appeal.replies_too_many", MaxReplies)
	}
	for i := range replies {
		r := &replies[i]
		r.Title, r.Body = strings.TrimSpace(r.Title), strings.TrimSpace(strings.ReplaceAll(r.Body, "\r\n", "\n"))
		field := fmt.Sprintf("replies[%d]", i)
		switch {
		case r.Title == "":
			fe.Add(field+".title", "appeal.reply_title_required")
		case utf8.RuneCountInString(r.Title) > MaxReplyTitle:
			fe.Add(field+".title", "appeal.reply_title_long", MaxReplyTitle)
		}
		switch {
		case r.Body == "":
			fe.Add(field+".body", "appeal.reply_body_required")
		case utf8.RuneCountInString(r.Body) > MaxReplyBody:
			fe.Add(field+".body", "appeal.reply_body_long", MaxReplyBody)
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM appeal_reasons WHERE id = ?`, reasonID).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return okno.Errorf(okno.ENOTFOUND, "appeal.reason_not_found")
			}
			return err
		}
		before, err := repliesOf(ctx, tx, reasonID)
		if err != nil {
			return err
		}
		if sameReplies(before, replies) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM appeal_replies WHERE reason_id = ?`, reasonID); err != nil {
			return fmt.Errorf("appeal: set replies: %w", err)
		}
		for i, r := range replies {
			if _, err := tx.ExecContext(ctx, `INSERT INTO appeal_replies (reason_id, title, body, position) VALUES (?, ?, ?, ?)`,
				reasonID, r.Title, r.Body, i); err != nil {
				return fmt.Errorf("appeal: set replies: %w", err)
			}
		}
		tx.AfterCommit(s.invalidateTaxonomy)
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "appeal.replies.set", ObjectType: "appeal_reason",
			ObjectID: strconv.FormatInt(reasonID, 10), Before: audit.Digest(replyTexts(before)), After: audit.Digest(replyTexts(replies))})
		return err
	})
}

func repliesOf(ctx context.Context, q sqldb.Querier, reasonID int64) ([]Reply, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, title, body FROM appeal_replies WHERE reason_id = ? ORDER BY position, id`, reasonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reply
	for rows.Next() {
		var r Reply
		if err := rows.Scan(&r.ID, &r.Title, &r.Body); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func sameReplies(a, b []Reply) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Title != b[i].Title || a[i].Body != b[i].Body {
			return false
		}
	}
	return true
}

// replyTexts is what the audit digests of replies: their texts, not ids.
func replyTexts(rs []Reply) [][2]string {
	out := make([][2]string, len(rs))
	for i, r := range rs {
		out[i] = [2]string{r.Title, r.Body}
	}
	return out
}
