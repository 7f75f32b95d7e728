package identity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// APIKey is a key another system uses to act for an organisation. The
// secret is shown once, at creation; afterwards only Prefix identifies it.
type APIKey struct {
	ID         int64
	OrgID      int64
	Name       string
	Prefix     string      // "okno_<prefix>_…": safe to show and log
	Roles      []okno.Role // what the key may do in OrgID; never admin
	CreatedBy  string      // actor ref
	CreatedAt  time.Time
	LastUsedAt time.Time // zero if never used
	RevokedAt  time.Time // zero if active
}

// Actor is who a request with this key acts as.
func (k APIKey) Actor() okno.Actor {
	return okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: k.ID, OrgID: k.OrgID, Roles: k.Roles, Name: k.Name}
}

// lowercase base32 without padding: letters and digits only, so a key
// survives copying from e-mails and terminals, and "_" stays a separator.
var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// hashAPIKey is a plain SHA-256 of the whole key: the secret carries 256
// random bits, so nobody can guess it from the hash however fast the hash
// is, and a slow password hash would only make every API request slow.
func hashAPIKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// CreateAPIKey creates a key for orgID, acting there with roles, and
// returns it in plaintext — the only time it exists outside the caller —
// with its record. A key without roles may read its organisation's data
// and open cases but take no action on them. Errors: EFORBIDDEN unless the
// actor administers orgID (or is the system); EINVALID on field "name" or
// "roles" (unknown, or admin: keys never administer).
func (s *Service) CreateAPIKey(ctx context.Context, actor okno.Actor, name string, orgID int64, roles ...okno.Role) (string, APIKey, error) {
	if !mayManageKeys(actor, orgID) {
		return "", APIKey{}, forbidden()
	}
	for _, r := range roles {
		if !r.Valid() || r == okno.RoleAdmin {
			return "", APIKey{}, fieldError("roles", "identity.apikey_role_invalid")
		}
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || utf8.RuneCountInString(name) > 100 || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", APIKey{}, fieldError("name", "identity.apikey_name_invalid")
	}
	prefix, err := s.random(5)
	if err != nil {
		return "", APIKey{}, err
	}
	secret, err := s.random(32)
	if err != nil {
		return "", APIKey{}, err
	}
	k := APIKey{OrgID: orgID, Name: name, Prefix: keyEncoding.EncodeToString(prefix), Roles: roles, CreatedBy: actor.Ref(), CreatedAt: s.clock()}
	plaintext := "okno_" + k.Prefix + "_" + keyEncoding.EncodeToString(secret)
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_keys (org_id, name, prefix, key_hash, roles, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, orgID, name, k.Prefix, hashAPIKey(plaintext), joinRoles(roles), k.CreatedBy, k.CreatedAt).Scan(&k.ID)
		if err != nil {
			return err
		}
		return s.auditKey(ctx, tx, actor, "identity.apikey_create", k)
	})
	if err != nil {
		return "", APIKey{}, err
	}
	return plaintext, k, nil
}

func (s *Service) auditKey(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, k APIKey) error {
	_, err := s.audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "api_key", ObjectID: id(k.ID),
		After: audit.Digest(struct {
			ID      int64     `json:"id"`
			OrgID   int64     `json:"org_id"`
			Prefix  string    `json:"prefix"`
			Roles   string    `json:"roles"`
			Revoked time.Time `json:"revoked_at"`
		}{k.ID, k.OrgID, k.Prefix, joinRoles(k.Roles), k.RevokedAt})})
	return err
}

const apiKeyColumns = `id, org_id, name, prefix, roles, created_by, created_at, last_used_at, revoked_at`

func scanAPIKey(sc interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var roles string
	var used, revoked sql.NullTime
	err := sc.Scan(&k.ID, &k.OrgID, &k.Name, &k.Prefix, &roles, &k.CreatedBy, &k.CreatedAt, &used, &revoked)
	k.LastUsedAt, k.RevokedAt = used.Time, revoked.Time
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			k.Roles = append(k.Roles, okno.Role(r))
		}
	}
	return k, err
}

// joinRoles stores roles as the comma-separated list of the roles column.
func joinRoles(roles []okno.Role) string {
	ss := make([]string, len(roles))
	for i, r := range roles {
		ss[i] = string(r)
	}
	return strings.Join(ss, ",")
}

// AuthenticateAPIKey returns the active key matching key. An unknown,
// malformed or revoked key is EUNAUTHORIZED "identity.apikey_invalid".
func (s *Service) AuthenticateAPIKey(ctx context.Context, key string) (APIKey, error) {
	invalid := okno.Errorf(okno.EUNAUTHORIZED, "identity.apikey_invalid")
	if !strings.HasPrefix(key, "okno_") || len(key) > 128 {
		return APIKey{}, invalid
	}
	k, err := scanAPIKey(s.db.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = ?`, hashAPIKey(key)))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return APIKey{}, invalid
		}
		return APIKey{}, err
	}
	if !k.RevokedAt.IsZero() {
		return APIKey{}, invalid
	}
	// Like sessions, last use is recorded at minute granularity so that a
	// busy integration does not turn every call into a write.
	if now := s.clock(); now.Sub(k.LastUsedAt) >= touchEvery {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, now, k.ID); err != nil {
			return APIKey{}, err
		}
		k.LastUsedAt = now
	}
	return k, nil
}

// RevokeAPIKey revokes a key of the actor's organisation at once; the
// record stays for the audit trail. Revoking a revoked key is a no-op.
// Errors: EFORBIDDEN; ENOTFOUND "identity.apikey_not_found".
func (s *Service) RevokeAPIKey(ctx context.Context, actor okno.Actor, keyID int64) error {
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		k, err := scanAPIKey(tx.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ?`, keyID))
		if err != nil {
			return sqldb.NotFound(err, "identity.apikey_not_found")
		}
		if !mayManageKeys(actor, k.OrgID) {
			// Keys of other organisations are not found rather than
			// forbidden: their existence is not the actor's business.
			return okno.Errorf(okno.ENOTFOUND, "identity.apikey_not_found")
		}
		if !k.RevokedAt.IsZero() {
			return nil
		}
		k.RevokedAt = s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, k.RevokedAt, k.ID); err != nil {
			return err
		}
		return s.auditKey(ctx, tx, actor, "identity.apikey_revoke", k)
	})
}

// ListAPIKeys lists the keys of an organisation, newest first, revoked ones
// included. It is not paginated: an organisation has a handful of keys, and
// the list is capped at 200. Errors: EFORBIDDEN.
func (s *Service) ListAPIKeys(ctx context.Context, actor okno.Actor, orgID int64) ([]APIKey, error) {
	if !mayManageKeys(actor, orgID) {
		return nil, forbidden()
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE org_id = ? ORDER BY id DESC LIMIT 200`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}
