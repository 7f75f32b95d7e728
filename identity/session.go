package identity

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// Session is a signed-in browser (or app). The bearer token is what the
// client holds; only its SHA-256 is stored, so a copy of the database does
// not let anyone act as its users.
type Session struct {
	ID        int64
	Token     string // set only when the session is created; never stored
	UserID    int64
	Kind      Kind
	Assurance Assurance
	// OrgID is the organisation a staff member chose to act for (0 until
	// chosen). The web layer checks that they still hold a position there.
	OrgID int64
	// CSRFToken must accompany every state-changing form of this session.
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time // the absolute end; the idle timeout may end it sooner
}

// Actor is who the session acts as. Roles are left empty: the org package
// decides them for OrgID.
func (ss Session) Actor() okno.Actor {
	if ss.Kind == KindStaff {
		return okno.Actor{Kind: okno.ActorStaff, UserID: ss.UserID, OrgID: ss.OrgID}
	}
	return okno.Actor{Kind: okno.ActorCitizen, UserID: ss.UserID}
}

// touchEvery is how stale last_seen_at may get before a request refreshes
// it: writing on every request would queue every page view behind SQLite's
// single writer, and a minute is nothing against a 15-minute idle timeout.
const touchEvery = time.Minute

func (s *Service) timeouts(k Kind) (idle, lifetime time.Duration) {
	if k == KindStaff {
		return s.opts.StaffIdle, s.opts.StaffLifetime
	}
	return s.opts.CitizenIdle, s.opts.CitizenLifetime
}

// newSession starts a session for u in tx. Every sign-in gets a new token,
// so a token planted before sign-in (session fixation) never gains rights.
func (s *Service) newSession(ctx context.Context, tx *sqldb.Tx, u user) (Session, error) {
	token, hash, err := s.token()
	if err != nil {
		return Session{}, err
	}
	csrf, err := s.random(32)
	if err != nil {
		return Session{}, err
	}
	now := s.clock()
	_, lifetime := s.timeouts(u.Kind)
	ss := Session{Token: token, UserID: u.ID, Kind: u.Kind, Assurance: u.Assurance,
		CSRFToken: base64.RawURLEncoding.EncodeToString(csrf), CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	err = tx.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, hash, u.ID, ss.CSRFToken, now, now, ss.ExpiresAt).Scan(&ss.ID)
	return ss, err
}

// Authenticate returns the session a token belongs to, with the account's
// current kind and assurance. An unknown, expired or idle session is
// EUNAUTHORIZED "identity.session_expired"; an expired one is deleted.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	expired := okno.Errorf(okno.EUNAUTHORIZED, "identity.session_expired")
	if token == "" {
		return Session{}, expired
	}
	var ss Session
	var org sql.NullInt64
	var lastSeen time.Time
	err := s.db.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.csrf_token, s.org_id, s.created_at, s.last_seen_at, s.expires_at, u.kind, u.assurance
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hashToken(token)).
		Scan(&ss.ID, &ss.UserID, &ss.CSRFToken, &org, &ss.CreatedAt, &lastSeen, &ss.ExpiresAt, &ss.Kind, &ss.Assurance)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Session{}, expired
		}
		return Session{}, err
	}
	ss.OrgID = org.Int64
	now := s.clock()
	idle, _ := s.timeouts(ss.Kind)
	if !now.Before(ss.ExpiresAt) || !now.Before(lastSeen.Add(idle)) {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, ss.ID); err != nil {
			return Session{}, err
		}
		return Session{}, expired
	}
	if now.Sub(lastSeen) >= touchEvery {
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, now, ss.ID); err != nil {
			return Session{}, err
		}
	}
	return ss, nil
}

// SignOut ends the session of token. Signing out of a session that has
// already ended is not an error: the person is signed out either way.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE token_hash = ? RETURNING user_id`, hashToken(token)).Scan(&userID)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return err
		}
		u, err := s.userByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		return s.note(ctx, tx, self(u), "identity.signout", u.ID)
	})
}

// SelectOrganisation records which organisation a staff session acts for.
// It does not check that the person holds a position there: that is the org
// package's rule, applied by the web layer before calling this and again on
// every request. Citizen sessions are EFORBIDDEN.
func (s *Service) SelectOrganisation(ctx context.Context, sessionID, orgID int64) error {
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		var userID int64
		var kind Kind
		err := tx.QueryRowContext(ctx, `SELECT s.user_id, u.kind FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`, sessionID).Scan(&userID, &kind)
		if err != nil {
			return sqldb.NotFound(err, "identity.session_expired")
		}
		if kind != KindStaff {
			return okno.Errorf(okno.EFORBIDDEN, "error.forbidden")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET org_id = ? WHERE id = ?`, orgID, sessionID); err != nil {
			return err
		}
		return s.note(ctx, tx, okno.Actor{Kind: okno.ActorStaff, UserID: userID, OrgID: orgID}, "identity.select_organisation", userID)
	})
}

// revokeSessions ends every session of a user.
func (s *Service) revokeSessions(ctx context.Context, tx *sqldb.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}
