package appeal

// Import of a region's history: appeals from its earlier feedback portal,
// in the export format of Saint Petersburg's portal (JSON lines: id,
// created_at, district, lat/lon as strings, category, subcategory, text,
// photos, answers [{at, by, text}], statuses [{at, status}], reroutes,
// recategorized), stored as appeal cases that went through the same
// states here — closed with their outcome when the portal closed them,
// open with running clocks when it had not — with the answers in their
// timelines. Batches commit on their own and appeals.external_id is
// unique, so a killed import is resumed by running it again and a
// finished one imports nothing twice.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

// ImportOptions say how to read and map a history file.
type ImportOptions struct {
	// Source prefixes the portal's ids in appeals.external_id
	// ("spb:2947909"); default "spb".
	Source string
	// Orgs maps the names the portal signs answers with (answers[].by) to
	// organisations: the body that answered last is responsible.
	Orgs map[string]int64
	// DistrictOrgs maps a district's territory to the organisation that
	// takes an appeal nobody answered and the routing table does not
	// place (the district administration).
	DistrictOrgs map[int64]int64
	// Actor imports (audited as the cases' creator); default okno.System.
	Actor okno.Actor
	// BatchSize is how many records one transaction stores; default 1000.
	BatchSize int
	// MaxLine bounds one record in bytes; default 256 KiB.
	MaxLine int
	// MaxBytes bounds the whole input, after decompression; default 4 GiB.
	MaxBytes int64
	// Progress, when set, is told the running totals after each batch.
	Progress func(ImportReport)
}

// Defaults of ImportOptions.
const (
	defaultImportSource = "spb"
	defaultImportBatch  = 1000
	maxImportBatch      = 2000
	defaultImportLine   = 256 << 10
	defaultImportBytes  = 4 << 30
	maxImportProblems   = 1000 // problems kept in a report; all are counted
	maxImportAnswers    = 50
	maxImportStatuses   = 200
	maxImportCount      = 100000 // photos, reroutes, re-categorisations
	maxSourceLen        = 32
)

// ImportReport says what Import did.
type ImportReport struct {
	Read     int // records read (non-empty lines)
	Imported int // stored now
	Open     int // of Imported, still open (the portal had not closed them)
	Skipped  int // imported before (by external id)
	Failed   int // not stored; Problems says why
	Took     time.Duration
	// Problems are the first failed lines with their reasons.
	Problems []ImportProblem
	// Other counts records whose (category, reason) pair is not in the
	// taxonomy and went to the category's "other" reason.
	Other int
	// Where the responsible organisation came from.
	OrgByAnswer, OrgByRoute, OrgByDistrict int
	// Unmapped counts statuses the import does not know, by name; such a
	// status is left out of the timeline.
	Unmapped map[string]int
}

// ImportProblem is a line that was not imported, and why.
type ImportProblem struct {
	Line int
	ID   string // the record's external id, when it was read
	Err  error  // an okno error: translate it
}

// importer is what the import needs of the case engine;
// *casework.Service implements it.
type importer interface {
	ImportTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, hs []casework.Historic, project func([]casework.Imported) error) ([]casework.Imported, error)
}

// Import loads historic appeals from r (JSON lines, gzip-compressed or
// not) as appeal cases with their answers and timelines. Lines that
// cannot be imported are counted, reported with their line numbers and
// skipped; the rest are stored in batches, each its own transaction.
// Records imported before (same external id) are skipped. The error is
// for what stops the import (input over its limit, the database, ctx);
// the report then says how far it got. Reading and mapping the next
// batch overlaps storing the one before.
func (s *Service) Import(ctx context.Context, r io.Reader, opts ImportOptions) (ImportReport, error) {
	start := time.Now()
	rep := ImportReport{Unmapped: map[string]int{}}
	opts, err := opts.withDefaults()
	if err != nil {
		return rep, err
	}
	cases, ok := s.d.Cases.(importer)
	if !ok {
		return rep, errors.New("appeal: the case engine cannot import history")
	}
	m, err := s.newImportMapper(ctx, opts)
	if err != nil {
		return rep, err
	}
	in, err := importInput(r, opts)
	if err != nil {
		return rep, err
	}
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	batches := make(chan importRead, 1)
	go func() {
		defer close(batches)
		m.read(readCtx, in, batches)
	}()
	for b := range batches {
		if err == nil {
			// Stopped between batches: what the reader sent after is not
			// stored, and the caller learns the import was cut short even
			// when the rest holds nothing to store.
			err = ctx.Err()
		}
		rep.Read += b.read
		for _, p := range b.problems {
			rep.problem(p.Line, p.ID, p.Err)
		}
		if err == nil && len(b.records) > 0 {
			err = s.importBatch(ctx, cases, opts, b.records, &rep)
			if opts.Progress != nil {
				opts.Progress(rep)
			}
		}
		if err == nil {
			err = b.err
		}
		if err != nil {
			stop() // the reader stops; what it already sent is drained
		}
	}
	for name, n := range m.unmapped {
		rep.Unmapped[name] += n
	}
	rep.Took = time.Since(start)
	return rep, err
}

// importRead is what the reader hands over: a batch of mapped records,
// the lines it read for it and those it could not use, or why it
// stopped.
type importRead struct {
	records  []importPending
	read     int
	problems []ImportProblem
	err      error
}

// read reads lines from in, maps them and sends them out a batch at a
// time, until the input ends, fails or ctx is done.
func (m *importMapper) read(ctx context.Context, in io.Reader, out chan<- importRead) {
	br := bufio.NewReaderSize(in, m.opts.MaxLine+1)
	var b importRead
	send := func() bool {
		select {
		case out <- b:
			b = importRead{}
			return true
		case <-ctx.Done():
			return false
		}
	}
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return
		}
		raw, long, err := importReadLine(br)
		if line == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\ufeff")) // a byte order mark some editors write
		}
		if err != nil && err != io.EOF {
			raw, long = nil, false // a line cut short by the failure is not a record
		}
		if len(raw) > 0 || long {
			b.read++
			var p importPending
			var perr error = okno.Errorf(okno.EINVALID, "appeal.import_line_too_long", m.opts.MaxLine)
			if !long {
				p, perr = m.parse(ctx, raw)
			}
			if perr != nil {
				b.problems = append(b.problems, ImportProblem{Line: line, ID: p.externalID, Err: perr})
			} else {
				p.line = line
				b.records = append(b.records, p)
			}
			if len(b.records) >= m.opts.BatchSize && !send() {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				b.err = err
			}
			send()
			return
		}
	}
}

func (o ImportOptions) withDefaults() (ImportOptions, error) {
	if o.Source == "" {
		o.Source = defaultImportSource
	}
	var fe okno.FieldErrors
	if len(o.Source) > maxSourceLen || strings.ContainsAny(o.Source, ": \t\n") {
		fe.Add("source", "appeal.import_source_invalid", maxSourceLen)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = defaultImportBatch
	}
	if o.BatchSize > maxImportBatch {
		fe.Add("batch", "appeal.import_batch_invalid", maxImportBatch)
	}
	if o.MaxLine <= 0 {
		o.MaxLine = defaultImportLine
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = defaultImportBytes
	}
	if o.Actor.Kind == "" {
		o.Actor = okno.System
	}
	return o, fe.Err()
}

// importInput is r decompressed when it is gzip, bounded by MaxBytes.
func importInput(r io.Reader, opts ImportOptions) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("appeal: read the import: %w", err)
	}
	var in io.Reader = br
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, okno.Errorf(okno.EINVALID, "appeal.import_gzip")
		}
		in = gz
	}
	return &importLimited{r: in, left: opts.MaxBytes, max: opts.MaxBytes}, nil
}

// importLimited fails the read that goes past max bytes: a file (or a
// decompression bomb) larger than allowed stops the import.
type importLimited struct {
	r         io.Reader
	left, max int64
}

func (l *importLimited) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var probe [1]byte
		if n, _ := l.r.Read(probe[:]); n > 0 {
			return 0, okno.Errorf(okno.EINVALID, "appeal.import_too_large", l.max)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err != nil && err != io.EOF && !importIsOkno(err) {
		err = okno.Wrap(okno.EINVALID, "appeal.import_unreadable", err)
	}
	return n, err
}

func importIsOkno(err error) bool {
	var e *okno.Error
	return errors.As(err, &e)
}

// importReadLine reads one line without its end; long says it was longer than
// the reader's buffer (its rest is read and dropped).
func importReadLine(br *bufio.Reader) (line []byte, long bool, err error) {
	line, err = br.ReadSlice('\n')
	for err == bufio.ErrBufferFull {
		long = true
		_, err = br.ReadSlice('\n')
	}
	if long {
		return nil, true, err
	}
	return bytes.TrimSpace(line), false, err
}

func (rep *ImportReport) problem(line int, id string, err error) {
	rep.Failed++
	if len(rep.Problems) < maxImportProblems {
		rep.Problems = append(rep.Problems, ImportProblem{Line: line, ID: id, Err: err})
	}
}

// importPending is a parsed record waiting for its batch: the historic
// case and what the appeals row adds.
type importPending struct {
	line       int
	externalID string
	historic   casework.Historic
	category   int64
	reason     int64
	territory  int64
	route      int64
	org        int64
	lat, lon   float64
	address    string
	text       string
	photos     int
	reroutes   int
	recat      int
	reopened   int
	published  time.Time
	answered   time.Time
	authorKey  string
	other      bool  // the reason is the category's "other"
	orgBy      orgBy // where the organisation came from
}

// orgBy says where an imported appeal's organisation came from.
type orgBy int8

const (
	orgByAnswer orgBy = iota + 1
	orgByRoute
	orgByDistrict
)

// importBatch stores a batch in one transaction: records already imported
// are skipped, the rest become cases (casework) and appeals rows.
func (s *Service) importBatch(ctx context.Context, cases importer, opts ImportOptions, batch []importPending, rep *ImportReport) error {
	var imported, open, skipped int
	var failed []ImportProblem
	var counted []importPending
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		imported, open, skipped, failed, counted = 0, 0, 0, nil, nil
		have, err := importedBefore(ctx, tx, batch)
		if err != nil {
			return err
		}
		todo := make([]importPending, 0, len(batch))
		hs := make([]casework.Historic, 0, len(batch))
		for _, p := range batch {
			if have[p.externalID] {
				skipped++
				continue
			}
			todo = append(todo, p)
			hs = append(hs, p.historic)
		}
		_, err = cases.ImportTx(ctx, tx, opts.Actor, hs, func(done []casework.Imported) error {
			var rows []any
			for i, im := range done {
				p := todo[i]
				switch {
				case okno.IsCode(im.Err, okno.ECONFLICT):
					skipped++
					continue
				case im.Err != nil:
					failed = append(failed, ImportProblem{Line: p.line, ID: p.externalID, Err: im.Err})
					continue
				}
				imported++
				if im.Case.Open() {
					open++
				}
				counted = append(counted, p)
				rows = append(rows, importAppealRow(p, im.Case)...)
			}
			return importInsertAppeals(ctx, tx, rows)
		})
		return err
	})
	if err != nil {
		return err
	}
	rep.Imported += imported
	rep.Open += open
	rep.Skipped += skipped
	for _, f := range failed {
		rep.problem(f.Line, f.ID, f.Err)
	}
	for _, p := range counted {
		if p.other {
			rep.Other++
		}
		switch p.orgBy {
		case orgByAnswer:
			rep.OrgByAnswer++
		case orgByRoute:
			rep.OrgByRoute++
		case orgByDistrict:
			rep.OrgByDistrict++
		}
	}
	return nil
}

// importedBefore returns the external ids of the batch already in appeals.
func importedBefore(ctx context.Context, tx *sqldb.Tx, batch []importPending) (map[string]bool, error) {
	ids := make([]any, len(batch))
	for i, p := range batch {
		ids[i] = p.externalID
	}
	have := map[string]bool{}
	for _, c := range sqldb.Chunks(len(ids), sqldb.MaxParams(tx)) {
		rows, err := tx.QueryContext(ctx, `SELECT external_id FROM appeals WHERE external_id IN (`+
			sqldb.Placeholders(c.N, 1)+`)`, ids[c.From:c.From+c.N]...)
		if err != nil {
			return nil, fmt.Errorf("appeal: find imported appeals: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			have[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return have, nil
}

// importAppealColumns are the appeals row of an imported appeal.
const importAppealColumns = `case_id, ref, category_id, reason_id, territory_id, route_id, org_id, lat, lon, cell, address,
	public_text, author_key, channel, status, state, outcome, photos, reroutes, recategorised, reopened, external_id,
	created_at, published_at, due_at, answered_at, answered_on_time, closed_at, updated_at`

const importAppealColumnCount = 29

func importAppealRow(p importPending, c casework.Case) []any {
	var text, published, answered, onTime any
	if !p.published.IsZero() {
		// Published as moderation publishes a live appeal's text.
		text, published = MaskPersonal(p.text), sqldb.Now(p.published)
	}
	if !p.answered.IsZero() {
		answered, onTime = sqldb.Now(p.answered), !p.answered.After(c.Legal.Due)
	}
	var closed any
	if !c.ClosedAt.IsZero() {
		closed = sqldb.Now(c.ClosedAt)
	}
	return []any{c.ID, c.Ref, p.category, p.reason, importNullable(p.territory), importNullable(p.route), c.OrgID,
		p.lat, p.lon, cellOf(p.lat, p.lon), p.address,
		text, p.authorKey, string(casework.ChannelImport), string(statusOf(c.State)), c.State, c.Outcome,
		p.photos, p.reroutes, p.recat, p.reopened, p.externalID,
		sqldb.Now(c.CreatedAt), published, sqldb.Now(c.Legal.Due), answered, onTime, closed, sqldb.Now(c.UpdatedAt)}
}

func importNullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func importInsertAppeals(ctx context.Context, tx *sqldb.Tx, rows []any) error {
	for _, c := range sqldb.Chunks(len(rows)/importAppealColumnCount, sqldb.MaxParams(tx)/importAppealColumnCount) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO appeals (`+importAppealColumns+`) VALUES `+sqldb.Placeholders(c.N, importAppealColumnCount),
			rows[c.From*importAppealColumnCount:(c.From+c.N)*importAppealColumnCount]...); err != nil {
			return fmt.Errorf("appeal: insert imported appeals: %w", err)
		}
	}
	return nil
}
