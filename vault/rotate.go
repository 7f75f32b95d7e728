package vault

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"time"

	"github.com/okno/okno/sqldb"
)

// Column names one column of sealed values, so rotation can rewrap them.
// Each feature package exports the list of its sealed columns; the command
// that rotates gathers them. There is no global registry on purpose: what is
// rotated is visible at the call site.
type Column struct {
	Table    string // e.g. "users"
	IDColumn string // an integer key column, e.g. "id"; batches walk it in order
	Column   string // the sealed column, e.g. "email_enc"
}

func (c Column) String() string { return c.Table + "." + c.Column }

// RotateReport says what Rotate did.
type RotateReport struct {
	KeyID uint32 // the active master key once Rotate is done
	// Resumed is true when Rotate finished a rotation that an earlier run
	// started (and was interrupted in) instead of adding another key.
	Resumed   bool
	Rewrapped int // values whose data key was rewrapped under KeyID
	Skipped   int // values already under KeyID
}

// DefaultRotateBatch is how many rows one rewrap transaction handles: small
// enough that SQLite's single writer is not held for long, large enough that
// commits do not dominate.
const DefaultRotateBatch = 500

// identifier is what a table or column name in Column may look like; names
// are spliced into SQL, so nothing else is accepted.
var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Rotate adds a new master key, makes it active, and rewraps the data key of
// every non-null sealed value in cols under it, in batches of
// DefaultRotateBatch rows, each batch one transaction. The data
// itself is not re-encrypted: only the header and the wrapped key change.
//
// The key file is rewritten (atomically) before any value is touched and keeps
// every old key, so nothing becomes unreadable whenever Rotate stops. It also
// records that a rewrap is pending: if Rotate is interrupted, running it again
// does not add another key but resumes, skipping values already under the
// active key. Other processes that loaded the old key file must reload it
// (restart) to open values under the new key.
//
// The blind-index key is not rotated here. A master key only wraps data keys,
// so replacing it costs one small AES operation per value; an index key feeds
// lookups and unique constraints, so replacing it means opening every value,
// recomputing every index from plaintext and swapping them all at once while
// lookups keep working: a different, riskier operation, and the index key
// reveals equality only, never a value.
func (k *Keyring) Rotate(ctx context.Context, db *sqldb.DB, cols []Column) (RotateReport, error) {
	for _, c := range cols {
		if !identifier.MatchString(c.Table) || !identifier.MatchString(c.IDColumn) || !identifier.MatchString(c.Column) {
			return RotateReport{}, fmt.Errorf("vault: rotate: bad column %q/%q/%q: names must match %s", c.Table, c.IDColumn, c.Column, identifier)
		}
	}
	k.rotating.Lock()
	defer k.rotating.Unlock()

	var rep RotateReport
	k.mu.RLock()
	cur := k.file
	k.mu.RUnlock()
	if cur.RewrapPending {
		rep.Resumed = true
	} else {
		next, err := k.withNewKey(cur)
		if err != nil {
			return rep, err
		}
		if err := k.save(next); err != nil {
			return rep, err
		}
		cur = next
	}
	rep.KeyID = cur.Active
	for _, c := range cols {
		if err := k.rewrapColumn(ctx, db, c, &rep); err != nil {
			return rep, err
		}
	}
	done := *cur
	done.RewrapPending = false
	if err := k.save(&done); err != nil {
		return rep, err
	}
	return rep, nil
}

// withNewKey returns a copy of kf with a new active master key and a pending
// rewrap.
func (k *Keyring) withNewKey(kf *keyFile) (*keyFile, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	var id uint32
	for _, mk := range kf.Keys {
		id = max(id, mk.ID)
	}
	if id == math.MaxUint32 {
		return nil, fmt.Errorf("vault: rotate: master key ids exhausted")
	}
	next := *kf
	next.Keys = append(slices.Clip(kf.Keys), masterKey{ID: id + 1, Key: key, Created: k.now().UTC().Truncate(time.Second)})
	next.Active = id + 1
	next.RewrapPending = true
	return &next, nil
}

// save writes kf to the key file, then makes it the keyring's state, so the
// keyring never uses a key that is not on disk.
func (k *Keyring) save(kf *keyFile) error {
	if err := replaceKeyFile(k.path, kf); err != nil {
		return fmt.Errorf("vault: rotate: %w", err)
	}
	return k.install(kf)
}

// rewrapColumn rewraps one column, walking its rows by id in batches.
func (k *Keyring) rewrapColumn(ctx context.Context, db *sqldb.DB, c Column, rep *RotateReport) error {
	batch := k.rotateBatch
	sel := fmt.Sprintf(`SELECT %[2]s, %[3]s FROM %[1]s WHERE %[2]s > ? AND %[3]s IS NOT NULL ORDER BY %[2]s LIMIT ?`, c.Table, c.IDColumn, c.Column)
	// Updating only if the value is still the one read keeps a concurrent
	// writer's newer value (already under the active key) from being replaced.
	upd := fmt.Sprintf(`UPDATE %[1]s SET %[3]s = ? WHERE %[2]s = ? AND %[3]s = ?`, c.Table, c.IDColumn, c.Column)
	after := int64(math.MinInt64)
	for {
		var n, rewrapped, skipped int
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			rewrapped, skipped = 0, 0
			type row struct {
				id   int64
				blob []byte
			}
			var rs []row
			rows, err := tx.QueryContext(ctx, sel, after, batch)
			if err != nil {
				return err
			}
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.blob); err != nil {
					rows.Close()
					return err
				}
				rs = append(rs, r)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			n = len(rs)
			for _, r := range rs {
				nb, changed, err := k.rewrap(r.blob)
				if err != nil {
					return fmt.Errorf("%s %s=%d: %w", c, c.IDColumn, r.id, err)
				}
				if !changed {
					skipped++
					continue
				}
				res, err := tx.ExecContext(ctx, upd, nb, r.id, r.blob)
				if err != nil {
					return err
				}
				if m, err := res.RowsAffected(); err == nil && m == 0 {
					skipped++
					continue
				}
				rewrapped++
			}
			if n > 0 {
				after = rs[n-1].id
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("vault: rotate %s: %w", c, err)
		}
		rep.Rewrapped += rewrapped
		rep.Skipped += skipped
		if n < batch {
			return nil
		}
	}
}
