package identity

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// purpose says what a one-time code confirms.
type purpose string

const (
	purposeContact purpose = "contact" // the e-mail or phone given at sign-up
	purposePost    purpose = "post"    // the postal address, for the confirmed level
)

// sixDigits returns a uniformly random code "000000"–"999999". Rejection
// sampling avoids the bias of taking a 32-bit number modulo a million.
func (s *Service) sixDigits() (string, error) {
	const n = 1_000_000
	const limit = (1 << 32) / n * n
	for {
		b, err := s.random(4)
		if err != nil {
			return "", err
		}
		if v := binary.BigEndian.Uint32(b); v < limit {
			return fmt.Sprintf("%06d", v%n), nil
		}
	}
}

// codeMAC keys the stored form of a code with the vault's index key: a plain
// hash of six digits is reversed by trying all million of them.
func (s *Service) codeMAC(userID int64, p purpose, code string) []byte {
	return s.vault.BlindIndex("identity.code", id(userID)+"\x00"+string(p)+"\x00"+code)
}

// newCode issues a code to the user in tx, retiring any earlier live code of
// the same purpose so only the newest one works, and returns its ID and the
// code itself (for sealing into the delivery, never for storing).
func (s *Service) newCode(ctx context.Context, tx *sqldb.Tx, userID int64, p purpose, ch Channel, ttl time.Duration) (int64, string, error) {
	code, err := s.sixDigits()
	if err != nil {
		return 0, "", err
	}
	now := s.clock()
	if _, err := tx.ExecContext(ctx, `UPDATE user_codes SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`, now, userID, p); err != nil {
		return 0, "", err
	}
	var codeID int64
	err = tx.QueryRowContext(ctx, `INSERT INTO user_codes (user_id, purpose, channel, code_mac, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, userID, p, ch, s.codeMAC(userID, p, code), now.Add(ttl), now).Scan(&codeID)
	return codeID, code, err
}

// liveCode is the newest unused code of a user for a purpose.
type liveCode struct {
	ID        int64
	MAC       []byte
	Attempts  int
	ExpiresAt time.Time
}

var errNoCode = errors.New("identity: no live code")

func (s *Service) liveCode(ctx context.Context, q sqldb.Querier, userID int64, p purpose) (liveCode, error) {
	var c liveCode
	err := q.QueryRowContext(ctx, `SELECT id, code_mac, attempts, expires_at FROM user_codes
		WHERE user_id = ? AND purpose = ? AND used_at IS NULL ORDER BY id DESC LIMIT 1`, userID, p).
		Scan(&c.ID, &c.MAC, &c.Attempts, &c.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, errNoCode
	}
	return c, err
}

// useCode checks code against the user's live code in tx. A wrong code
// counts an attempt, which the caller must commit even though it reports
// the error; see commitAttempt.
func (s *Service) useCode(ctx context.Context, tx *sqldb.Tx, userID int64, p purpose, code string) error {
	c, err := s.liveCode(ctx, tx, userID, p)
	if err != nil {
		return err
	}
	now := s.clock()
	if !now.Before(c.ExpiresAt) {
		return codeError("identity.code_expired")
	}
	if c.Attempts >= s.opts.CodeAttempts {
		return codeError("identity.code_exhausted")
	}
	if subtle.ConstantTimeCompare(s.codeMAC(userID, p, normaliseCode(code)), c.MAC) != 1 {
		if _, err := tx.ExecContext(ctx, `UPDATE user_codes SET attempts = attempts + 1 WHERE id = ?`, c.ID); err != nil {
			return err
		}
		return wrongCode(s.opts.CodeAttempts - c.Attempts - 1)
	}
	_, err = tx.ExecContext(ctx, `UPDATE user_codes SET used_at = ? WHERE id = ?`, now, c.ID)
	return err
}

// wrongCode says how many tries are left, or that none are.
func wrongCode(left int) error {
	if left <= 0 {
		return codeError("identity.code_exhausted")
	}
	return codeError("identity.code_wrong", left)
}

func codeError(key string, args ...any) error { return fieldError("code", key, args...) }

// fieldError is an EINVALID error about one field.
func fieldError(field, key string, args ...any) error {
	var fe okno.FieldErrors
	fe.Add(field, key, args...)
	return fe.Err()
}

// normaliseCode drops the spaces and hyphens people type or paste.
func normaliseCode(c string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, c)
}

// commitAttempt runs fn in one transaction and commits it even when fn
// reports an invalid code, so the attempt it counted sticks; any other error
// rolls back.
func (s *Service) commitAttempt(ctx context.Context, fn func(tx *sqldb.Tx) error) error {
	var invalid error
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		err := fn(tx)
		if okno.IsCode(err, okno.EINVALID) {
			invalid = err
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	return invalid
}
