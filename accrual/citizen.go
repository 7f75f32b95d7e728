package accrual

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// A citizen's documents and fines.

// MaxDocuments bounds the documents one citizen registers (a family's cars).
const MaxDocuments = 10

// Document is a registered driving licence or СТС, shown masked.
type Document struct {
	ID     int64
	Kind   DocKind
	Masked string // e.g. "•••••• 5678": enough to recognise, not to reuse
}

// citizenOnly refuses anyone but a signed-in citizen: fines are looked up
// by the citizen's own documents only.
func citizenOnly(actor okno.Actor) error {
	if actor.Kind != okno.ActorCitizen || actor.UserID == 0 {
		return okno.Errorf(okno.EFORBIDDEN, "accrual.citizens_only")
	}
	return nil
}

// AddDocument registers a document of the citizen's, sealed, with its
// blind index; registering one twice is a no-op.
func (s *Service) AddDocument(ctx context.Context, actor okno.Actor, kind DocKind, number string) error {
	if err := citizenOnly(actor); err != nil {
		return err
	}
	var fe okno.FieldErrors
	if kind != DocLicence && kind != DocSTS {
		fe.Add("kind", "accrual.doc_kind")
	}
	n, ok := NormalizeDoc(number)
	if !ok {
		fe.Add(string(kind), "accrual.doc_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	bidx := s.d.Sealer.BlindIndex(blindDomain(kind), n)
	sealed, err := s.d.Sealer.Seal([]byte(n), docAAD(actor.UserID, kind))
	if err != nil {
		return fmt.Errorf("accrual: seal document: %w", err)
	}
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM citizen_documents WHERE user_id = ?`, actor.UserID).Scan(&count); err != nil {
			return err
		}
		if count >= MaxDocuments {
			return okno.Invalid(okno.FieldError{Field: string(kind), Key: "accrual.doc_too_many", Args: []any{MaxDocuments}})
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO citizen_documents (user_id, kind, number_enc, bidx, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, kind, bidx) DO NOTHING`, actor.UserID, string(kind), sealed, bidx, s.now())
		if err != nil {
			return fmt.Errorf("accrual: add document: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return nil
		}
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "accrual.document_add",
			ObjectType: "user", ObjectID: strconv.FormatInt(actor.UserID, 10)})
		return err
	})
}

// docAAD binds a sealed document number to its owner and kind.
func docAAD(userID int64, kind DocKind) string {
	return "citizen_documents.number_enc:" + strconv.FormatInt(userID, 10) + ":" + string(kind)
}

// Documents lists the citizen's registered documents, masked.
func (s *Service) Documents(ctx context.Context, actor okno.Actor) ([]Document, error) {
	if err := citizenOnly(actor); err != nil {
		return nil, err
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT id, kind, number_enc FROM citizen_documents WHERE user_id = ? ORDER BY id`, actor.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var kind string
		var sealed []byte
		if err := rows.Scan(&d.ID, &kind, &sealed); err != nil {
			return nil, err
		}
		d.Kind = DocKind(kind)
		plain, err := s.d.Sealer.Open(sealed, docAAD(actor.UserID, d.Kind))
		if err != nil {
			return nil, fmt.Errorf("accrual: open document %d: %w", d.ID, err)
		}
		r := []rune(string(plain))
		d.Masked = "•••••• " + string(r[max(0, len(r)-4):])
		out = append(out, d)
	}
	return out, rows.Err()
}

// RemoveDocument forgets one of the citizen's documents.
func (s *Service) RemoveDocument(ctx context.Context, actor okno.Actor, id int64) error {
	if err := citizenOnly(actor); err != nil {
		return err
	}
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM citizen_documents WHERE id = ? AND user_id = ?`, id, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return okno.Errorf(okno.ENOTFOUND, "accrual.doc_not_found")
		}
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "accrual.document_remove",
			ObjectType: "user", ObjectID: strconv.FormatInt(actor.UserID, 10)})
		return err
	})
}

// Fine is an accrual as its payer sees it at a moment.
type Fine struct {
	Accrual
	DueNow   int64 // kopecks to pay now, discount applied
	DaysLeft int   // days left to pay with the discount; 0: none or expired
}

// FinePage is one page of a citizen's fines.
type FinePage struct {
	Fines []Fine
	Next  string // cursor of the next page; "" at the end
}

// Page sizes.
const (
	DefaultPage = 20
	MaxPage     = 100
)

// Fines lists every accrual issued to the citizen — by their account or
// by a document they registered — what is still to pay first (newest
// decision first), then what is paid or annulled; keyset pages of limit.
func (s *Service) Fines(ctx context.Context, actor okno.Actor, cursor string, limit int) (FinePage, error) {
	var page FinePage
	if err := citizenOnly(actor); err != nil {
		return page, err
	}
	if limit <= 0 || limit > MaxPage {
		limit = DefaultPage
	}
	done, after, afterID, err := decodeFineCursor(cursor)
	if err != nil {
		return page, err
	}
	var lic, sts [][]byte
	rows, err := s.d.DB.QueryContext(ctx, `SELECT kind, bidx FROM citizen_documents WHERE user_id = ?`, actor.UserID)
	if err != nil {
		return page, err
	}
	for rows.Next() {
		var kind string
		var b []byte
		if err := rows.Scan(&kind, &b); err != nil {
			rows.Close()
			return page, err
		}
		if DocKind(kind) == DocLicence {
			lic = append(lic, b)
		} else {
			sts = append(sts, b)
		}
	}
	if err := rows.Close(); err != nil {
		return page, err
	}
	// The payer's rows are found through three partial indexes (the
	// engines combine them for the OR); each section is then ordered by
	// decision date.
	who := []string{`payer_user_id = ?`}
	args := []any{actor.UserID}
	for _, l := range []struct {
		col string
		vs  [][]byte
	}{{"licence_bidx", lic}, {"sts_bidx", sts}} {
		if len(l.vs) > 0 {
			who = append(who, l.col+` IN (`+sqldb.Placeholders(len(l.vs), 1)+`)`)
			for _, v := range l.vs {
				args = append(args, v)
			}
		}
	}
	now := s.d.Now()
	for section := done; section <= 1; section++ {
		need := limit - len(page.Fines)
		q := `SELECT ` + accrualCols + ` FROM accruals WHERE (` + strings.Join(who, ` OR `) + `) AND settled = ?`
		a := append(append([]any{}, args...), section == 1)
		if section == done && afterID != 0 {
			q += ` AND (bill_date < ? OR (bill_date = ? AND id < ?))`
			a = append(a, after, after, afterID)
		}
		// One row more than the page needs says whether another page follows.
		q += ` ORDER BY bill_date DESC, id DESC LIMIT ?`
		a = append(a, need+1)
		fs, err := s.queryFines(ctx, q, a, now)
		if err != nil {
			return page, err
		}
		if len(fs) > need {
			page.Fines = append(page.Fines, fs[:need]...)
			last, lastSection := page.Fines[len(page.Fines)-1], section
			if need == 0 { // the page ended with the section before
				lastSection--
			}
			page.Next = encodeFineCursor(lastSection, last.BillDate, last.ID)
			return page, nil
		}
		page.Fines = append(page.Fines, fs...)
	}
	return page, nil
}

func (s *Service) queryFines(ctx context.Context, q string, args []any, now time.Time) ([]Fine, error) {
	rows, err := s.d.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("accrual: list fines: %w", err)
	}
	defer rows.Close()
	var out []Fine
	for rows.Next() {
		a, err := scanAccrual(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, Fine{Accrual: a, DueNow: a.AmountDue(now), DaysLeft: a.DiscountDaysLeft(now)})
	}
	return out, rows.Err()
}

// A fines cursor is the section of the page's last row ("0" unpaid, "1"
// settled) and that row's decision date and ID (sqldb's keyset cursor).
func encodeFineCursor(section int, at time.Time, id int64) string {
	return strconv.Itoa(section) + sqldb.EncodeCursor(at, id)
}

func decodeFineCursor(s string) (section int, at time.Time, id int64, err error) {
	if s == "" {
		return 0, time.Time{}, 0, nil
	}
	bad := okno.Invalid(okno.FieldError{Field: "cursor", Key: "accrual.cursor_invalid"})
	switch s[0] {
	case '0', '1':
		section = int(s[0] - '0')
	default:
		return 0, time.Time{}, 0, bad
	}
	at, id, ok := sqldb.DecodeCursor(s[1:])
	if !ok {
		return 0, time.Time{}, 0, bad
	}
	return section, at, id, nil
}
