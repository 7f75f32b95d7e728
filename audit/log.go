package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// Log appends entries to the audit log, signs checkpoints and serves
// inclusion proofs. It holds no state of its own beyond its dependencies: the
// tree's head lives in the database, so any number of Logs, in any number of
// processes, append to one tree.
type Log struct {
	db     *sqldb.DB
	signer ed25519.PrivateKey
	now    func() time.Time
}

// New returns a Log on db that signs checkpoints with signer (see
// LoadOrCreateKey) and stamps entries with now.
func New(db *sqldb.DB, signer ed25519.PrivateKey, now func() time.Time) *Log {
	return &Log{db: db, signer: signer, now: now}
}

var _ Appender = (*Log)(nil)

// The head row is read with a row lock on PostgreSQL, so concurrent appenders
// queue on it and seqs come out contiguous and totally ordered. SQLite has a
// single writer already, and no FOR UPDATE.
const (
	selectHeadForUpdate = `SELECT size, frontier FROM audit_head WHERE id = 1 FOR UPDATE`
	selectHeadSQLite    = `SELECT size, frontier FROM audit_head WHERE id = 1`
)

// Append adds e to the log inside tx, so the entry commits or rolls back with
// the action it records, and returns its seq. It fills Seq and At (from the
// Log's clock) itself; what the caller put there is ignored.
//
// On PostgreSQL the head row stays locked until tx ends, serialising every
// audited transaction from here to its commit: append as the last write of
// the transaction, both to keep that window short and so that no transaction
// holding the head waits on a row lock held by another waiting for the head.
func (l *Log) Append(ctx context.Context, tx *sqldb.Tx, e Entry) (int64, error) {
	if err := validate(e); err != nil {
		return 0, fmt.Errorf("audit: append %q: %w", e.Action, err)
	}
	q := selectHeadSQLite
	if tx.Dialect() == sqldb.Postgres {
		q = selectHeadForUpdate
	}
	var size int64
	var frontier []byte
	if err := tx.QueryRowContext(ctx, q).Scan(&size, &frontier); err != nil {
		return 0, fmt.Errorf("audit: read head: %w", err)
	}
	tree, err := unmarshalCompactRange(uint64(size), frontier)
	if err != nil {
		return 0, fmt.Errorf("audit: read head: %w", err)
	}
	e.Seq = size + 1
	e.At = sqldb.Now(l.now())
	e.Before, e.After = nilIfEmpty(e.Before), nilIfEmpty(e.After)
	lf := leafOf(e)
	leafHash, _ := lf.hash(nil)
	tree.append(leafHash)
	root := tree.root()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_entries
		(seq, at, actor, action, object_type, object_id, before_digest, after_digest, leaf_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At, e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Before, e.After, leafHash[:]); err != nil {
		return 0, fmt.Errorf("audit: insert entry %d: %w", e.Seq, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET size = ?, frontier = ?, root = ? WHERE id = 1`,
		e.Seq, tree.marshal(), root[:]); err != nil {
		return 0, fmt.Errorf("audit: update head: %w", err)
	}
	return e.Seq, nil
}

// Proof returns the RFC 6962 audit path of entry seq in the tree of the first
// size entries, for VerifyInclusion against the root of a checkpoint of that
// size. It reads the leaf hashes of those entries: O(size) work, fine while
// proofs are rare; stored interior nodes would make it O(log size).
func (l *Log) Proof(ctx context.Context, seq, size int64) ([][]byte, error) {
	var headSize int64
	if err := l.db.QueryRowContext(ctx, `SELECT size FROM audit_head WHERE id = 1`).Scan(&headSize); err != nil {
		return nil, fmt.Errorf("audit: read head: %w", err)
	}
	if seq < 1 || seq > size || size > headSize {
		return nil, okno.Errorf(okno.EINVALID, "audit.proof_range", seq, size, headSize)
	}
	rows, err := l.db.QueryContext(ctx, `SELECT seq, leaf_hash FROM audit_entries WHERE seq <= ? ORDER BY seq`, size)
	if err != nil {
		return nil, fmt.Errorf("audit: proof: %w", err)
	}
	defer rows.Close()
	pb := newProofBuilder(uint64(seq-1), uint64(size))
	want := int64(1)
	for rows.Next() {
		var got int64
		var lh []byte
		if err := rows.Scan(&got, &lh); err != nil {
			return nil, fmt.Errorf("audit: proof: %w", err)
		}
		if got != want || len(lh) != sha256.Size {
			return nil, fmt.Errorf("audit: proof: entry %d is missing or damaged; run audit verification", want)
		}
		pb.add(hash(lh))
		want++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: proof: %w", err)
	}
	if want != size+1 {
		return nil, fmt.Errorf("audit: proof: entries %d to %d are missing; run audit verification", want, size)
	}
	return pb.proof(), nil
}
