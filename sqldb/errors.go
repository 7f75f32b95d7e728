package sqldb

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/okno/okno"
	"modernc.org/sqlite"
)

// Violation is the kind of integrity constraint a statement broke.
type Violation int

// The constraint kinds both engines report.
const (
	NoViolation Violation = iota
	Unique
	ForeignKey
	NotNull
	Check
)

// SQLite extended result codes (sqlite3.h) and PostgreSQL SQLSTATEs.
const (
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// ViolationOf classifies err by driver code (never by message text).
func ViolationOf(err error) Violation {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return Unique
		case sqliteConstraintForeignKey:
			return ForeignKey
		case sqliteConstraintNotNull:
			return NotNull
		case sqliteConstraintCheck:
			return Check
		}
		return NoViolation
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return Unique
		case "23503":
			return ForeignKey
		case "23502":
			return NotNull
		case "23514":
			return Check
		}
	}
	return NoViolation
}

// classify wraps unique violations as okno ECONFLICT so every door reports a
// conflict rather than an internal error; the driver error stays the cause,
// so ViolationOf still sees it.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if ViolationOf(err) == Unique {
		return okno.Wrap(okno.ECONFLICT, "error.conflict", err)
	}
	return err
}
