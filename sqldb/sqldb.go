// Package sqldb opens Okno's database — embedded SQLite by default, PostgreSQL
// when given a postgres:// DSN — applies the embedded migrations, and offers
// the few helpers every feature's SQL needs: one-transaction units of work,
// placeholder rebinding and driver errors classified by code.
//
// SQL is written once with `?` placeholders where both engines agree and per
// dialect where they do not. This package must never hold business rules.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/okno/okno"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names a database engine.
type Dialect string

// The engines Okno runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says which database to open.
type Config struct {
	// DSN is a postgres:// URL, or empty for SQLite in DataDir.
	DSN string
	// DataDir holds okno.db when DSN is empty.
	DataDir string
	// Synchronous is SQLite's synchronous pragma: "FULL" (default) or "NORMAL".
	Synchronous string
	// MaxOpenConns bounds the PostgreSQL pool and SQLite's reader pool (default 8).
	MaxOpenConns int
}

// DB is an open database. For SQLite it keeps one writer connection (SQLite
// admits one writer at a time; queueing in Go beats spinning on SQLITE_BUSY)
// and a pool of readers; for PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	path    string // SQLite file, for diagnostics
	rebinds sync.Map
	group   grouper // InTxGroup's queue and committers (group.go)
}

// Open opens the database described by cfg. It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.MaxOpenConns <= 0 {
		cfg.MaxOpenConns = 8
	}
	if strings.HasPrefix(cfg.DSN, "postgres://") || strings.HasPrefix(cfg.DSN, "postgresql://") {
		return openPostgres(ctx, cfg)
	}
	if cfg.DSN != "" {
		return nil, fmt.Errorf("sqldb: unsupported DSN %q: use a postgres:// URL or leave it empty for SQLite", redactDSN(cfg.DSN))
	}
	return openSQLite(ctx, cfg)
}

func openPostgres(ctx context.Context, cfg Config) (*DB, error) {
	pool, err := sql.Open("pgx", cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("sqldb: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(cfg.MaxOpenConns)
	pool.SetMaxIdleConns(cfg.MaxOpenConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqldb: connect to postgres %s: %w", redactDSN(cfg.DSN), err)
	}
	return &DB{dialect: Postgres, write: pool, read: pool}, nil
}

func openSQLite(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("sqldb: no data directory for SQLite")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("sqldb: create data directory: %w", err)
	}
	sync := strings.ToUpper(cfg.Synchronous)
	if sync == "" {
		sync = "FULL"
	}
	if sync != "FULL" && sync != "NORMAL" {
		return nil, fmt.Errorf("sqldb: synchronous must be FULL or NORMAL, not %q", cfg.Synchronous)
	}
	path := filepath.Join(cfg.DataDir, "okno.db")
	// Pragmas are set once per connection through the DSN, so every pooled
	// connection gets them. _txlock=immediate takes the write lock at BEGIN,
	// which avoids deadlocking upgrades from read to write.
	pragmas := "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(" + sync + ")&_time_format=sqlite"
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqldb: open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqldb: open sqlite readers: %w", err)
	}
	read.SetMaxOpenConns(cfg.MaxOpenConns)
	read.SetMaxIdleConns(cfg.MaxOpenConns)
	read.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: SQLite, write: write, read: read, path: path}, nil
}

// Dialect says which engine this is; it lets *DB satisfy Querier.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes every connection.
func (db *DB) Close() error {
	db.stopGroup()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Path is the SQLite database file, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Stats reports pool statistics for metrics: the writer pool and the reader pool
// (the same pool on PostgreSQL).
func (db *DB) Stats() (write, read sql.DBStats) { return db.write.Stats(), db.read.Stats() }

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Querier is what both *DB (reads) and *Tx (reads and writes) offer, so that a
// feature's query functions can run inside or outside a transaction.
// Statements use `?` placeholders; they are rebound for PostgreSQL.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// QueryContext runs a read query on the reader pool.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := db.read.QueryContext(ctx, db.rebind(query), args...)
	return rows, classify(err)
}

// QueryRowContext runs a one-row read query on the reader pool.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.rebind(query), args...)
}

// ExecContext runs one statement in its own transaction on the writer.
// Prefer InTx for anything a user waits on, so state, audit and outbox commit together.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.write.ExecContext(ctx, db.rebind(query), args...)
	return res, classify(err)
}

// Tx is a transaction on the writer.
type Tx struct {
	tx *sql.Tx
	db *DB
	// afterCommit runs once the transaction has committed (e.g. waking workers).
	afterCommit []func()
}

// ExecContext implements Querier.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, tx.db.rebind(query), args...)
	return res, classify(err)
}

// QueryContext implements Querier.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, tx.db.rebind(query), args...)
	return rows, classify(err)
}

// QueryRowContext implements Querier.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.rebind(query), args...)
}

// Dialect implements Querier.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

// AfterCommit registers fn to run after a successful commit, outside the
// transaction. It never runs if the transaction rolls back.
func (tx *Tx) AfterCommit(fn func()) { tx.afterCommit = append(tx.afterCommit, fn) }

// InTx runs fn in one transaction on the writer and commits if fn returns nil.
// This is the unit of a user action: state change, audit entry and outbox
// messages are written through the same tx.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", classify(err))
	}
	tx := &Tx{tx: stx, db: db}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("sqldb: commit: %w", classify(err))
	}
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// rebind turns `?` placeholders into `$1, $2, …` for PostgreSQL, skipping
// quoted strings and identifiers. Results are cached: queries are constants.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	if v, ok := db.rebinds.Load(q); ok {
		return v.(string)
	}
	r := Rebind(q)
	db.rebinds.Store(q, r)
	return r
}

// Rebind turns `?` placeholders into PostgreSQL's `$n`, leaving `?` inside
// single- or double-quoted text alone.
func Rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(fmt.Sprint(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Now returns t in the form every table stores: UTC, microsecond precision
// (PostgreSQL's), so values compare equal across engines.
func Now(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "@"); i > 0 {
		if j := strings.Index(dsn, "://"); j > 0 && j < i {
			return dsn[:j+3] + "…" + dsn[i:]
		}
	}
	return dsn
}

// NotFound converts sql.ErrNoRows into an ENOTFOUND error with the given
// catalogue key; other errors pass through.
func NotFound(err error, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return okno.Wrap(okno.ENOTFOUND, key, err)
	}
	return err
}
