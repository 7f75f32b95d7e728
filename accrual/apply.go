package accrual

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/okno/okno/sqldb"
)

// Applying changes in order.
//
// A fine's changes are applied by the issuer's sequence, whatever order
// and channel they arrive in: a change whose seq is not above the fine's
// current seq is stale (a duplicate from a second channel, or an older
// change arriving late) and is counted but never applied. An annulment is
// therefore final against everything the issuer sent before it; only a
// change the issuer sequenced after the annulment (ГИС ГМП's
// «деаннулирование», a clarification that revives the fine) brings it back.
// Every record carries the fine's whole state, so a clarification that
// arrives before the fine's first record simply creates it.

// current is what apply needs of a fine already stored.
type current struct {
	id     int64
	seq    int64
	status Status
	paid   int64
}

// pending is a fine's state being built from a batch's changes.
type pending struct {
	cur     *current // nil: not stored yet
	c       change   // the latest change applied
	status  Status
	changed bool
}

// historyRow is one accrual_changes row.
type historyRow struct {
	uin    string
	kind   string
	seq    int64
	status Status
	amount int64
}

// applyResult counts what a batch did.
type applyResult struct {
	Applied int
	Stale   int
	history []historyRow
}

// apply applies changes from source within tx, recording history under
// importID.
func (s *Service) apply(ctx context.Context, tx *sqldb.Tx, src Source, importID int64, cs []change) (applyResult, error) {
	var res applyResult
	slices.SortStableFunc(cs, func(a, b change) int {
		if c := strings.Compare(a.UIN, b.UIN); c != 0 {
			return c
		}
		return compareInt(a.Seq, b.Seq)
	})
	uins := make([]string, 0, len(cs))
	for i, c := range cs {
		if i == 0 || cs[i-1].UIN != c.UIN {
			uins = append(uins, c.UIN)
		}
	}
	stored, err := loadCurrent(ctx, tx, uins)
	if err != nil {
		return res, err
	}
	now := s.now()
	var fines []*pending
	for i := 0; i < len(cs); {
		j := i
		for j < len(cs) && cs[j].UIN == cs[i].UIN {
			j++
		}
		p := &pending{cur: stored[cs[i].UIN]}
		seq, paid := int64(0), int64(0)
		if p.cur != nil {
			seq, paid, p.status = p.cur.seq, p.cur.paid, p.cur.status
		}
		for _, c := range cs[i:j] {
			if c.Seq <= seq {
				res.Stale++
				continue
			}
			seq = c.Seq
			p.c, p.changed = c, true
			p.status = statusOf(c, p.cur == nil && p.status == "", paid, now)
			res.Applied++
			res.history = append(res.history, historyRow{uin: c.UIN, kind: string(c.Kind), seq: c.Seq, status: p.status, amount: c.Amount})
		}
		if p.changed {
			fines = append(fines, p)
		}
		i = j
	}
	if err := s.write(ctx, tx, src, fines, now); err != nil {
		return res, err
	}
	return res, insertHistory(ctx, tx, src.Code, importID, res.history, now)
}

// statusOf is a fine's status after change c: annulled by an annulment;
// otherwise new for a first record, clarified for a later one, and paid or
// partly paid once payments came in.
func statusOf(c change, first bool, paid int64, now time.Time) Status {
	if c.Kind == ChangeAnnul {
		return StatusAnnulled
	}
	st := StatusClarified
	if first && c.Kind == ChangeNew {
		st = StatusNew
	}
	a := Accrual{Status: st, Amount: c.Amount, Paid: paid, Discount: c.Discount}
	return statusAfterPayment(a, now)
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// loadCurrent reads the stored state of the fines named by uins.
func loadCurrent(ctx context.Context, tx *sqldb.Tx, uins []string) (map[string]*current, error) {
	out := make(map[string]*current, len(uins))
	for _, sp := range sqldb.Chunks(len(uins), sqldb.MaxParams(tx)) {
		args := make([]any, sp.N)
		for k := range sp.N {
			args[k] = uins[sp.From+k]
		}
		q := `SELECT id, uin, seq, status, paid FROM accruals WHERE uin IN (` + sqldb.Placeholders(sp.N, 1) + `)`
		if tx.Dialect() == sqldb.Postgres {
			q += ` FOR UPDATE`
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("accrual: read fines: %w", err)
		}
		for rows.Next() {
			var c current
			var uin, st string
			if err := rows.Scan(&c.id, &uin, &c.seq, &st, &c.paid); err != nil {
				rows.Close()
				return nil, err
			}
			c.status = Status(st)
			out[uin] = &c
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const insertFineHead = `INSERT INTO accruals (uin, source, kind, status, settled, seq, payer_enc, licence_bidx, sts_bidx,
	payee_org_id, purpose, article, place, amount, discount_kind, discount_value, discount_until, bill_date,
	created_at, updated_at) VALUES `

const insertFineCols = 20

// write stores the fines a batch changed: new ones in multi-row inserts,
// changed ones one update each (clarifications and annulments are few).
func (s *Service) write(ctx context.Context, tx *sqldb.Tx, src Source, fines []*pending, now time.Time) error {
	var args []any
	for _, p := range fines {
		c := p.c
		if p.cur != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE accruals SET status = ?, settled = ?, seq = ?, payer_enc = ?,
				licence_bidx = ?, sts_bidx = ?, purpose = ?, article = ?, place = ?, amount = ?, discount_kind = ?,
				discount_value = ?, discount_until = ?, bill_date = ?, updated_at = ? WHERE id = ?`,
				string(p.status), settled(p.status), c.Seq, c.payerEnc, c.licence, c.sts, c.Purpose, c.Article, c.Place,
				c.Amount, string(c.Discount.Kind), c.Discount.Value, nullTime(c.Discount.Until), c.BillDate.UTC(), now, p.cur.id); err != nil {
				return fmt.Errorf("accrual: update fine: %w", err)
			}
			continue
		}
		args = append(args, c.UIN, src.Code, string(KindFine), string(p.status), settled(p.status), c.Seq, c.payerEnc,
			c.licence, c.sts, nullID(src.OrgID), c.Purpose, c.Article, c.Place, c.Amount, string(c.Discount.Kind),
			c.Discount.Value, nullTime(c.Discount.Until), c.BillDate.UTC(), now, now)
	}
	if err := sqldb.InsertRows(ctx, tx, insertFineHead, insertFineCols, args); err != nil {
		return fmt.Errorf("accrual: insert fines: %w", err)
	}
	return nil
}

// insertHistory records applied changes.
func insertHistory(ctx context.Context, tx *sqldb.Tx, source string, importID int64, rows []historyRow, now time.Time) error {
	args := make([]any, 0, len(rows)*8)
	for _, h := range rows {
		args = append(args, h.uin, source, h.kind, h.seq, nullID(importID), string(h.status), h.amount, now)
	}
	err := sqldb.InsertRows(ctx, tx, `INSERT INTO accrual_changes (uin, source, kind, seq, import_id, status, amount, at) VALUES `, 8, args)
	if err != nil {
		return fmt.Errorf("accrual: record history: %w", err)
	}
	return nil
}

// nullID is id, or NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullTime is t in UTC, or NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return sqldb.Now(t)
}

// sealPayer seals a payer's documents for the accrual uin and computes
// their blind indexes.
func (s *Service) sealPayer(c *change) error {
	if c.Payer.Licence != "" {
		c.licence = s.d.Sealer.BlindIndex(blindDomain(DocLicence), c.Payer.Licence)
	}
	if c.Payer.STS != "" {
		c.sts = s.d.Sealer.BlindIndex(blindDomain(DocSTS), c.Payer.STS)
	}
	if c.Payer.Licence == "" && c.Payer.STS == "" {
		return nil
	}
	plain, err := json.Marshal(sealedPayer{Licence: c.Payer.Licence, STS: c.Payer.STS})
	if err != nil {
		return err
	}
	c.payerEnc, err = s.d.Sealer.Seal(plain, payerAAD(c.UIN))
	return err
}

// sealedPayer is what payer_enc holds.
type sealedPayer struct {
	Licence string `json:"licence,omitempty"`
	STS     string `json:"sts,omitempty"`
}

// payerAAD binds a sealed payer to its accrual.
func payerAAD(uin string) string { return "accruals.payer_enc:" + uin }
