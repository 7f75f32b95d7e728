package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno/sqldb"
)

// Checkpoint is a signed statement of the log's size and root. Published or
// handed to a witness, it pins every entry up to Size: a later rewrite of any
// of them changes the root and no longer matches the signature.
type Checkpoint struct {
	Size int64
	Root []byte
	At   time.Time // when it was signed; not covered by the signature
	Note string    // the signed note: body, blank line, signature line
}

// The signed-note format of C2SP (signed-note, tlog-checkpoint), so that
// existing note verifiers and witnesses can read our checkpoints: the body is
// the origin line, the size and the base64 root, each ending in a newline;
// the signature line is "— <key name> <base64(key hash[4] || signature)>".
const (
	origin        = "okno audit log"
	keyName       = "okno-audit"
	sigAlgEd25519 = 0x01 // the signed-note algorithm byte for Ed25519
	sigPrefix     = "— " + keyName + " "
)

// checkpointBody is the text the signature covers.
func checkpointBody(size int64, root []byte) string {
	return origin + "\n" + strconv.FormatInt(size, 10) + "\n" + base64.StdEncoding.EncodeToString(root) + "\n"
}

// keyHash is the signed-note key ID: it lets a verifier holding several keys
// pick the right one, and binds the signature to this key name.
func keyHash(pub ed25519.PublicKey) []byte {
	h := sha256.New()
	h.Write([]byte(keyName + "\n"))
	h.Write([]byte{sigAlgEd25519})
	h.Write(pub)
	return h.Sum(nil)[:4]
}

// signCheckpoint returns the signed note for size and root.
func signCheckpoint(signer ed25519.PrivateKey, size int64, root []byte) string {
	body := checkpointBody(size, root)
	pub := signer.Public().(ed25519.PublicKey)
	sig := append(keyHash(pub), ed25519.Sign(signer, []byte(body))...)
	return body + "\n" + sigPrefix + base64.StdEncoding.EncodeToString(sig) + "\n"
}

// openCheckpoint checks note's signature by pub and returns what it signs.
// Signature lines by other keys are ignored, as signed notes allow (a witness
// may cosign), but one by pub must be there and verify.
func openCheckpoint(note string, pub ed25519.PublicKey) (size int64, root []byte, err error) {
	body, sigs, ok := strings.Cut(note, "\n\n")
	if !ok {
		return 0, nil, errors.New("not a signed note: no blank line before the signatures")
	}
	body += "\n"
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) != 3 || lines[0] != origin {
		return 0, nil, errors.New("not an okno audit checkpoint")
	}
	size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || lines[1] != strconv.FormatInt(size, 10) {
		return 0, nil, fmt.Errorf("bad size %q", lines[1])
	}
	root, err = base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != sha256.Size {
		return 0, nil, fmt.Errorf("bad root %q", lines[2])
	}
	id := keyHash(pub)
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\n"), "\n") {
		enc, ok := strings.CutPrefix(line, sigPrefix)
		if !ok {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || len(sig) != 4+ed25519.SignatureSize || !bytes.Equal(sig[:4], id) {
			continue
		}
		if !ed25519.Verify(pub, []byte(body), sig[4:]) {
			return 0, nil, errors.New("signature does not verify")
		}
		return size, root, nil
	}
	return 0, nil, errors.New("no signature by the audit key")
}

// Checkpoint signs the current size and root and stores the note. If the log
// has not grown since the last checkpoint it signs nothing and returns that
// one, so it is cheap to call on a timer and at shutdown.
func (l *Log) Checkpoint(ctx context.Context) (Checkpoint, error) {
	var cp Checkpoint
	err := l.db.InTx(ctx, func(tx *sqldb.Tx) error {
		// The last checkpoint before the head: on PostgreSQL each statement
		// sees what was committed when it began, and the head only grows, so
		// this order never sees a checkpoint ahead of the head it then reads.
		last, err := latestCheckpoint(ctx, tx, l.signer.Public().(ed25519.PublicKey))
		var size int64
		var root []byte
		if err := tx.QueryRowContext(ctx, `SELECT size, root FROM audit_head WHERE id = 1`).Scan(&size, &root); err != nil {
			return fmt.Errorf("read head: %w", err)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("read last checkpoint: %w", err)
		case last.Size == size:
			cp = last
			return nil
		case last.Size > size:
			// Never sign a shorter log than we already signed: only a
			// truncation of the tables can make the head go back.
			return fmt.Errorf("head size %d is behind checkpoint %d: the log was truncated", size, last.Size)
		}
		cp = Checkpoint{Size: size, Root: root, At: sqldb.Now(l.now()), Note: signCheckpoint(l.signer, size, root)}
		// Two nodes checkpointing the same head sign the same body, and
		// Ed25519 is deterministic, so the loser's note equals the winner's.
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (size, signed_at, note) VALUES (?, ?, ?)
			ON CONFLICT (size) DO NOTHING`, cp.Size, cp.At, cp.Note)
		return err
	})
	if err != nil {
		return Checkpoint{}, fmt.Errorf("audit: checkpoint: %w", err)
	}
	return cp, nil
}

// latestCheckpoint returns the checkpoint with the largest size, checked
// against pub, or sql.ErrNoRows when there is none.
func latestCheckpoint(ctx context.Context, q sqldb.Querier, pub ed25519.PublicKey) (Checkpoint, error) {
	var cp Checkpoint
	err := q.QueryRowContext(ctx, `SELECT size, signed_at, note FROM audit_checkpoints ORDER BY size DESC LIMIT 1`).
		Scan(&cp.Size, &cp.At, &cp.Note)
	if err != nil {
		return Checkpoint{}, err
	}
	size, root, err := openCheckpoint(cp.Note, pub)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint %d: %w", cp.Size, err)
	}
	if size != cp.Size {
		return Checkpoint{}, fmt.Errorf("checkpoint %d: its note signs size %d", cp.Size, size)
	}
	cp.Root = root
	return cp, nil
}
