package identity

import (
	"context"
	"errors"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/ruid"
	"github.com/okno/okno/sqldb"
)

// CreateStaff creates a staff account that signs in on the back-office door
// with email and password. Positions and roles are the org package's
// business. Errors: EFORBIDDEN unless the actor is an administrator or the
// system; EINVALID with field problems; ECONFLICT "identity.staff_exists"
// on field "email".
func (s *Service) CreateStaff(ctx context.Context, actor okno.Actor, email, displayName, password string) (int64, error) {
	d, err := s.DraftStaff(actor, email, displayName, password)
	if err != nil {
		return 0, err
	}
	var uid int64
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		uid, err = s.CreateStaffTx(ctx, tx, d)
		return err
	})
	return uid, err
}

// StaffDraft is a staff account that DraftStaff has authorised and
// validated, its password already hashed: what CreateStaffTx stores. The
// split keeps the slow argon2id hash out of the transaction, which on
// SQLite holds the only writer.
type StaffDraft struct {
	actor             okno.Actor
	email, name, hash string
}

// DraftStaff checks that actor may create staff and that the answers are
// valid, and hashes the password. Errors are CreateStaff's, except the
// conflict, which only the database can tell.
func (s *Service) DraftStaff(actor okno.Actor, email, displayName, password string) (StaffDraft, error) {
	if !mayCreateStaff(actor) {
		return StaffDraft{}, forbidden()
	}
	var fe okno.FieldErrors
	e, err := ruid.Email(email)
	if err != nil {
		ruid.Field(&fe, "email", err)
	}
	if err := checkPassword(password, "password"); err != nil {
		fe = append(fe, okno.AsError(err).Fields...)
	}
	name, key := cleanDisplayName(displayName)
	if key != "" {
		fe.Add("display_name", key)
	}
	if err := fe.Err(); err != nil {
		return StaffDraft{}, err
	}
	hash, err := s.hashPassword(password)
	if err != nil {
		return StaffDraft{}, err
	}
	return StaffDraft{actor: actor, email: e, name: name, hash: hash}, nil
}

// CreateStaffTx stores the account d in the caller's transaction, with its
// audit entry, and returns its ID: for a door that creates the account
// together with other state (the position it holds) and must commit both
// or neither. Errors: ECONFLICT "identity.staff_exists" on field "email".
func (s *Service) CreateStaffTx(ctx context.Context, tx *sqldb.Tx, d StaffDraft) (int64, error) {
	if d.hash == "" {
		return 0, errors.New("identity: staff account not drafted by DraftStaff")
	}
	u, err := s.insertUser(ctx, tx, KindStaff, contact{ChannelEmail, d.email}, d.name, d.hash)
	if sqldb.ViolationOf(err) == sqldb.Unique {
		return 0, &okno.Error{Code: okno.ECONFLICT, Key: "error.conflict", Err: err,
			Fields: []okno.FieldError{{Field: "email", Key: "identity.staff_exists"}}}
	}
	if err != nil {
		return 0, err
	}
	if err := s.record(ctx, tx, d.actor, "identity.staff_create", nil, &u); err != nil {
		return 0, err
	}
	return u.ID, nil
}

// changePasswordFailures limits wrong current passwords on a signed-in
// session, so a stolen session cannot be used to guess the password.
var changePasswordFailures = limit{scope: "change-password", max: 5, window: 15 * time.Minute, lock: 15 * time.Minute}

// ChangePassword replaces the password of userID after checking the current
// one, ends every session of the account (a thief's included) and returns a
// new session for the device that made the change. Errors: EINVALID on
// field "current_password" ("identity.password_wrong") or "password";
// ERATELIMITED "identity.signin_locked" after repeated wrong passwords.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, next string) (Session, error) {
	if err := checkPassword(next, "password"); err != nil {
		return Session{}, err
	}
	u, err := s.userByID(ctx, s.db, userID)
	if err != nil {
		return Session{}, err
	}
	wait, err := s.blocked(ctx, s.db, changePasswordFailures, id(userID))
	if err != nil {
		return Session{}, err
	}
	if wait > 0 {
		return Session{}, okno.Errorf(okno.ERATELIMITED, "identity.signin_locked", minutesLeft(wait))
	}
	ok, _, err := s.verifyPassword(u.PasswordHash, current)
	if err != nil {
		return Session{}, err
	}
	if !ok {
		err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
			_, _, err := s.hit(ctx, tx, changePasswordFailures, id(userID))
			return err
		})
		if err != nil {
			return Session{}, err
		}
		return Session{}, fieldError("current_password", "identity.password_wrong")
	}
	hash, err := s.hashPassword(next)
	if err != nil {
		return Session{}, err
	}
	var ss Session
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		after := u
		after.PasswordHash, after.UpdatedAt = hash, s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, after.UpdatedAt, u.ID); err != nil {
			return err
		}
		if err := s.revokeSessions(ctx, tx, u.ID); err != nil {
			return err
		}
		var err error
		if ss, err = s.newSession(ctx, tx, after); err != nil {
			return err
		}
		return s.record(ctx, tx, self(u), "identity.password_change", &u, &after)
	})
	return ss, err
}
