package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/okno/okno/sqldb"
)

// Report is what Verify found. A log that fails verification is not an error
// of Verify: the Report says what is wrong, and err is kept for failing to read.
type Report struct {
	Entries     int  // entries that checked out, in seq order, before any problem
	Checkpoints int  // checkpoints whose signature and root checked out
	OK          bool // every entry, checkpoint and the head agree
	// FirstBad is the seq of the first entry shown to be bad: the edited,
	// moved or missing one, or, when content and leaf hashes were rewritten
	// consistently, the first entry after the last checkpoint that still
	// matched. It is 0 when the log is OK or the problem is not with an
	// entry (a checkpoint's signature, the head row).
	FirstBad int64
	Problem  string // what is wrong, for the operator; empty when OK
}

// storedCheckpoint is a row of audit_checkpoints, not yet trusted.
type storedCheckpoint struct {
	size int64
	note string
}

// Verify proves that the audit log in db is intact: that entries run from 1
// without a gap, that each row's content still hashes to its stored leaf
// hash, that the tree they build has the root signed by pub at every
// checkpoint, and that it ends at the head row's size and root. It stops at
// the first problem and names it.
//
// It streams the entries in seq order and keeps O(log n) hashes, so its
// memory does not grow with the log. Appends may continue meanwhile: Verify
// reads the checkpoints before the head and the head before the entries, so
// all it reads was committed together and it checks the log as of the head.
func Verify(ctx context.Context, db *sqldb.DB, pub ed25519.PublicKey) (Report, error) {
	cps, err := loadCheckpoints(ctx, db)
	if err != nil {
		return Report{}, fmt.Errorf("audit: verify: %w", err)
	}
	var h head
	err = db.QueryRowContext(ctx, `SELECT size, frontier, root FROM audit_head WHERE id = 1`).Scan(&h.size, &h.frontier, &h.root)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{Problem: "the audit_head row is missing"}, nil
	}
	if err != nil {
		return Report{}, fmt.Errorf("audit: verify: read head: %w", err)
	}
	v := &verifier{pub: pub, cps: cps}
	if v.checkpoints() { // a checkpoint of the empty log
		if err := v.entries(ctx, db, h.size); err != nil {
			return Report{}, fmt.Errorf("audit: verify: %w", err)
		}
	}
	if v.r.Problem == "" {
		v.finish(h)
	}
	return v.r, nil
}

// head is the audit_head row.
type head struct {
	size           int64
	frontier, root []byte
}

func loadCheckpoints(ctx context.Context, db *sqldb.DB) ([]storedCheckpoint, error) {
	rows, err := db.QueryContext(ctx, `SELECT size, note FROM audit_checkpoints ORDER BY size`)
	if err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	defer rows.Close()
	var cps []storedCheckpoint
	for rows.Next() {
		var cp storedCheckpoint
		if err := rows.Scan(&cp.size, &cp.note); err != nil {
			return nil, fmt.Errorf("read checkpoints: %w", err)
		}
		cps = append(cps, cp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	return cps, nil
}

// verifier rebuilds the tree from the rows and checks it as it grows.
type verifier struct {
	pub      ed25519.PublicKey
	cps      []storedCheckpoint // ordered by size
	next     int                // index in cps of the next checkpoint to reach
	tree     compactRange
	lastGood int64  // size of the last checkpoint whose root matched
	buf      []byte // scratch for leaf hashing
	r        Report
}

func (v *verifier) fail(firstBad int64, format string, args ...any) {
	v.r.FirstBad = firstBad
	v.r.Problem = fmt.Sprintf(format, args...)
}

// entries streams the entries up to the head's size through entry. The
// columns are scanned as raw bytes and hashed in place: at a million rows,
// per-row allocations are most of the cost.
func (v *verifier) entries(ctx context.Context, db *sqldb.DB, size int64) error {
	rows, err := db.QueryContext(ctx, `SELECT seq, at, actor, action, object_type, object_id, before_digest, after_digest, leaf_hash
		FROM audit_entries WHERE seq <= ? ORDER BY seq`, size)
	if err != nil {
		return fmt.Errorf("read entries: %w", err)
	}
	defer rows.Close()
	var (
		l                                                  leaf
		at                                                 time.Time
		actor, action, objectType, objectID, before, after sql.RawBytes
		leafHash                                           sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&l.seq, &at, &actor, &action, &objectType, &objectID, &before, &after, &leafHash); err != nil {
			return fmt.Errorf("read entries: %w", err)
		}
		l.at = at.UnixMicro()
		l.actor, l.action, l.objectType, l.objectID, l.before, l.after = actor, action, objectType, objectID, before, after
		if !v.entry(&l, leafHash) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read entries: %w", err)
	}
	return nil
}

// entry checks one row and adds it to the tree; it reports whether the log
// still checks out.
func (v *verifier) entry(l *leaf, stored []byte) bool {
	want := int64(v.tree.size) + 1
	if l.seq != want {
		v.fail(want, "entry %d is missing: the next entry is %d (deleted, or its seq was changed)", want, l.seq)
		return false
	}
	var h hash
	h, v.buf = l.hash(v.buf)
	if !bytes.Equal(h[:], stored) {
		v.fail(l.seq, "entry %d does not match its leaf hash: its content was edited, or it was moved from another seq", l.seq)
		return false
	}
	v.r.Entries++
	v.tree.append(h)
	return v.checkpoints()
}

// checkpoints checks the checkpoints of the tree's current size: the
// signature, then the root. A root mismatch means rows were rewritten with
// matching leaf hashes somewhere after the last checkpoint that held.
func (v *verifier) checkpoints() bool {
	for v.next < len(v.cps) && v.cps[v.next].size == int64(v.tree.size) {
		cp := v.cps[v.next]
		v.next++
		size, root, err := openCheckpoint(cp.note, v.pub)
		if err != nil {
			v.fail(0, "checkpoint %d: %v", cp.size, err)
			return false
		}
		if size != cp.size {
			v.fail(0, "checkpoint %d: its note signs size %d", cp.size, size)
			return false
		}
		if got := v.tree.root(); !bytes.Equal(got[:], root) {
			v.fail(v.lastGood+1, "entries %d to %d do not match signed checkpoint %d: rows were rewritten along with their leaf hashes",
				v.lastGood+1, cp.size, cp.size)
			return false
		}
		v.lastGood = cp.size
		v.r.Checkpoints++
	}
	return true
}

// finish compares the rebuilt tree with the head row, once every entry up to
// the head's size has checked out.
func (v *verifier) finish(h head) {
	n := int64(v.tree.size)
	root := v.tree.root()
	switch {
	case n < h.size:
		v.fail(n+1, "entries %d to %d are missing: the head says the log holds %d", n+1, h.size, h.size)
	case v.next < len(v.cps):
		v.fail(n+1, "checkpoint %d is beyond the head (%d entries): the log was cut back, head and all", v.cps[v.next].size, n)
	case !bytes.Equal(root[:], h.root) && n > v.lastGood:
		v.fail(v.lastGood+1, "entries %d to %d do not match the head's root: rows were rewritten along with their leaf hashes after the last checkpoint",
			v.lastGood+1, n)
	case !bytes.Equal(root[:], h.root):
		v.fail(0, "the head's root does not match the entries, which match checkpoint %d: the head row was altered", n)
	case !bytes.Equal(v.tree.marshal(), h.frontier):
		v.fail(0, "the head's frontier does not match the entries: the next append would fork the tree")
	default:
		v.r.OK = true
	}
}
