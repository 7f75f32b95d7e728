package accrual

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// Importing fines.
//
// Records come in batches: a chunk of BatchSize lines of a file, or one
// push. A batch is one transaction: the fines it changes, their history,
// one accrual_imports row and ONE audit entry. Auditing each record would
// put a million leaves in the log for a million-record file and serialise
// every batch on the log's head for nothing a reader of the log can use:
// the entry names the import row, and its digest commits to the batch's
// exact bytes, so the log still proves which records were applied and
// when; the history table says what each did. The batch's digest is also
// its idempotency key: the same bytes again (a replayed push, a file
// imported a second time after a crash) change nothing.

// Limits of a push and of a file's lines.
const (
	MaxPushBytes   = 1 << 20
	MaxPushRecords = 1000
	maxLine        = 16 << 10
	maxRejections  = 20 // rejections kept in a report; all are counted
	// maxPushProblems bounds the field problems a refused push reports:
	// enough to fix a systematic mistake, not a megabyte of errors.
	maxPushProblems = 50
)

// ImportReport says what an import did.
type ImportReport struct {
	Records    int // records read
	Applied    int // changes applied
	Stale      int // duplicates and late changes, not applied
	Rejected   int // records refused (file imports only: a push is all or nothing)
	Replayed   int // batches already imported before, skipped whole
	Batches    int
	Rejections []Rejection // the first few rejections
}

func (r *ImportReport) add(o applyResult) {
	r.Applied += o.Applied
	r.Stale += o.Stale
	r.Batches++
}

// Rejection is a record of a file that was refused.
type Rejection struct {
	Line int
	Err  error // an okno.Error naming the fields
}

// source returns the source named code, or an EINVALID error naming the
// field "source".
func (s *Service) source(code string) (Source, error) {
	src, ok := s.sources[code]
	if !ok {
		return Source{}, okno.Invalid(okno.FieldError{Field: "source", Key: "accrual.source_unknown", Args: []any{code}})
	}
	return src, nil
}

// ImportFile imports fines from JSON lines (one Record a line) sent by
// source, as actor (an administrator at the console). Bad records are
// refused and reported by line; the rest are applied, BatchSize lines a
// transaction. Running it again on the same file (after an interruption)
// skips the batches already applied. progress, if not nil, sees the report
// after each batch.
func (s *Service) ImportFile(ctx context.Context, actor okno.Actor, source string, r io.Reader, progress func(ImportReport)) (ImportReport, error) {
	var rep ImportReport
	src, err := s.source(source)
	if err != nil {
		return rep, err
	}
	batches := make(chan fileBatch, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	readErr := make(chan error, 1)
	// Reading, checking and sealing the next batch overlaps writing this one.
	go func() {
		defer close(batches)
		readErr <- s.readBatches(ctx, r, batches)
	}()
	for b := range batches {
		rep.Records += b.records
		rep.Rejected += len(b.rejections)
		for _, rj := range b.rejections {
			if len(rep.Rejections) < maxRejections {
				rep.Rejections = append(rep.Rejections, rj)
			}
		}
		res, replay, err := s.commit(ctx, actor, src, "file", b.digest, b.records, b.changes)
		if err != nil {
			cancel()
			for range batches { // let the reader finish
			}
			return rep, err
		}
		if replay {
			rep.Replayed++
		} else {
			rep.add(res)
		}
		if progress != nil {
			progress(rep)
		}
	}
	return rep, <-readErr
}

// fileBatch is a chunk of a file ready to apply.
type fileBatch struct {
	digest     []byte
	records    int
	changes    []change
	rejections []Rejection
}

// readBatches reads lines into batches of BatchSize records.
func (s *Service) readBatches(ctx context.Context, r io.Reader, out chan<- fileBatch) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4<<10), maxLine)
	h := sha256.New()
	var b fileBatch
	line := 0
	flush := func() error {
		if b.records == 0 {
			return nil
		}
		b.digest = h.Sum(nil)
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b = fileBatch{}
		h.Reset()
		return nil
	}
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		h.Write(text)
		h.Write([]byte{'\n'})
		b.records++
		c, err := s.prepare(text, "")
		if err != nil {
			b.rejections = append(b.rejections, Rejection{Line: line, Err: err})
		} else {
			b.changes = append(b.changes, c)
		}
		if b.records >= s.d.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return okno.Wrap(okno.EINVALID, "accrual.line_too_long", fmt.Errorf("line %d: %w", line+1, err))
		}
		return fmt.Errorf("accrual: read: %w", err)
	}
	return flush()
}

// prepare decodes and checks one record and seals its documents.
func (s *Service) prepare(text []byte, prefix string) (change, error) {
	rec, err := parseLine(text)
	if err != nil {
		return change{}, okno.Invalid(okno.FieldError{Field: strings.TrimSuffix(prefix, "."), Key: "accrual.json_invalid"})
	}
	var fe okno.FieldErrors
	c := rec.check(prefix, &fe)
	if err := fe.Err(); err != nil {
		return change{}, err
	}
	if err := s.sealPayer(&c); err != nil {
		return change{}, fmt.Errorf("accrual: seal payer: %w", err)
	}
	return c, nil
}

// Push applies the fines one source pushed: body is JSON lines or a JSON
// array of records, signature the value of the request's signature header
// ("sha256=" and the hex HMAC-SHA-256 of body under the source's secret).
// It is all or nothing: any bad record refuses the whole push, naming it.
// The same body pushed again changes nothing (Replayed is 1).
func (s *Service) Push(ctx context.Context, actor okno.Actor, source string, body []byte, signature string) (ImportReport, error) {
	var rep ImportReport
	src, ok := s.sources[source]
	if !ok || len(src.Secret) == 0 {
		return rep, okno.Errorf(okno.EUNAUTHORIZED, "accrual.source_unknown", source)
	}
	if len(body) > MaxPushBytes {
		return rep, okno.Invalid(okno.FieldError{Field: "body", Key: "accrual.push_too_large", Args: []any{MaxPushBytes >> 10}})
	}
	if !VerifySignature(src.Secret, body, signature) {
		return rep, okno.Errorf(okno.EUNAUTHORIZED, "accrual.signature_bad")
	}
	items, err := splitPush(body)
	if err != nil {
		return rep, err
	}
	var fe okno.FieldErrors
	changes := make([]change, 0, len(items))
	for i, it := range items {
		c, err := s.prepare(it, fieldPrefix(i))
		switch {
		case okno.IsCode(err, okno.EINVALID):
			if len(fe) < maxPushProblems {
				fe = append(fe, okno.AsError(err).Fields...)
			}
		case err != nil:
			return rep, err
		default:
			changes = append(changes, c)
		}
	}
	if err := fe.Err(); err != nil {
		return rep, err
	}
	rep.Records = len(items)
	sum := sha256.Sum256(body)
	res, replay, err := s.commit(ctx, actor, src, "push", sum[:], len(items), changes)
	if err != nil {
		return rep, err
	}
	if replay {
		rep.Replayed = 1
		return rep, nil
	}
	rep.add(res)
	return rep, nil
}

// splitPush returns a push's records as raw JSON values.
func splitPush(body []byte) ([][]byte, error) {
	var items [][]byte
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, okno.Invalid(okno.FieldError{Field: "body", Key: "accrual.json_invalid"})
		}
		for _, r := range raw {
			items = append(items, r)
		}
	} else {
		for _, l := range bytes.Split(trimmed, []byte{'\n'}) {
			if l = bytes.TrimSpace(l); len(l) > 0 {
				items = append(items, l)
			}
		}
	}
	switch {
	case len(items) == 0:
		return nil, okno.Invalid(okno.FieldError{Field: "body", Key: "accrual.push_empty"})
	case len(items) > MaxPushRecords:
		return nil, okno.Invalid(okno.FieldError{Field: "body", Key: "accrual.push_too_many", Args: []any{MaxPushRecords}})
	}
	return items, nil
}

// Sign returns the signature header value for body under secret: what an
// issuer sends with a push (and what tests and the demo use).
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether signature is body's HMAC-SHA-256 under
// secret, compared in constant time.
func VerifySignature(secret, body []byte, signature string) bool {
	got, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(signature), "sha256="))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// commit applies one batch in one transaction, unless a batch with the
// same digest from the same source was applied before (replay is then
// true). Two batches racing to create the same fine on PostgreSQL meet on
// the УИН's unique index; the loser runs again and finds the fine stored.
func (s *Service) commit(ctx context.Context, actor okno.Actor, src Source, channel string, digest []byte, records int, cs []change) (res applyResult, replay bool, err error) {
	for attempt := 0; ; attempt++ {
		res, replay, err = s.commitOnce(ctx, actor, src, channel, digest, records, cs)
		if err == nil || attempt == 2 || sqldb.ViolationOf(err) != sqldb.Unique {
			return res, replay, err
		}
	}
}

func (s *Service) commitOnce(ctx context.Context, actor okno.Actor, src Source, channel string, digest []byte, records int, cs []change) (res applyResult, replay bool, err error) {
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		res, replay = applyResult{}, false
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM accrual_imports WHERE source = ? AND digest = ?`, src.Code, digest).Scan(&id)
		if err == nil {
			replay = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("accrual: find import: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO accrual_imports (source, channel, digest, records, applied, stale, created_at)
			VALUES (?, ?, ?, ?, 0, 0, ?) RETURNING id`, src.Code, channel, digest, records, s.now()).Scan(&id); err != nil {
			return fmt.Errorf("accrual: record import: %w", err)
		}
		res, err = s.apply(ctx, tx, src, id, cs)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accrual_imports SET applied = ?, stale = ? WHERE id = ?`, res.Applied, res.Stale, id); err != nil {
			return err
		}
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{
			Actor: actor.Ref(), Action: "accrual.import", ObjectType: "accrual_import", ObjectID: strconv.FormatInt(id, 10),
			After: audit.Digest(map[string]any{"source": src.Code, "channel": channel, "digest": hex.EncodeToString(digest),
				"records": records, "applied": res.Applied, "stale": res.Stale}),
		})
		return err
	})
	return res, replay, err
}
