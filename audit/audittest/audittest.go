// Package audittest gives tests of audited features a real audit log that
// also remembers what was appended through it, so a test can check which
// actions were audited. Only tests import it.
package audittest

import (
	"context"
	"crypto/ed25519"
	"sync"
	"time"

	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// Log is the real *audit.Log on db, signing with a fixed test key, that
// records every entry appended through it (rolled back or not).
type Log struct {
	*audit.Log
	mu      sync.Mutex
	entries []audit.Entry
}

// New returns a recording log on db with clock now.
func New(db *sqldb.DB, now func() time.Time) *Log {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	return &Log{Log: audit.New(db, key, now)}
}

// Append implements audit.Appender and records e once appended.
func (l *Log) Append(ctx context.Context, tx *sqldb.Tx, e audit.Entry) (int64, error) {
	seq, err := l.Log.Append(ctx, tx, e)
	if err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	return seq, nil
}

// Entries returns a copy of what was appended, oldest first.
func (l *Log) Entries() []audit.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]audit.Entry(nil), l.entries...)
}
