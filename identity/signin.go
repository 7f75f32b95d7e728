package identity

import (
	"context"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// Credentials is what a person enters to sign in, with the client address
// the door saw (empty when unknown, e.g. from the CLI).
type Credentials struct {
	Contact  string // e-mail or phone, as typed
	Password string
	IP       string
}

// The sign-in limits: per account (keyed by contact and door, so unknown
// accounts lock exactly like real ones) and per client address.
func (s *Service) signInLimits(k Kind) (account, ip limit) {
	account = limit{scope: "signin:" + string(k), max: s.opts.AccountFailures, window: s.opts.AccountLock, lock: s.opts.AccountLock}
	ip = limit{scope: "signin-ip", max: s.opts.IPFailures, window: s.opts.AccountLock, lock: s.opts.AccountLock}
	return account, ip
}

// SignIn signs a citizen in and returns a new session (with its token).
// A wrong password and an unknown account give the same EUNAUTHORIZED
// "identity.signin_failed"; too many failures give ERATELIMITED
// "identity.signin_locked" with the minutes left. Staff accounts cannot
// sign in here.
func (s *Service) SignIn(ctx context.Context, cr Credentials) (Session, error) {
	return s.signIn(ctx, KindCitizen, cr)
}

// SignInStaff is SignIn for staff accounts, on the back-office door;
// citizen accounts cannot sign in here.
func (s *Service) SignInStaff(ctx context.Context, cr Credentials) (Session, error) {
	return s.signIn(ctx, KindStaff, cr)
}

func (s *Service) signIn(ctx context.Context, kind Kind, cr Credentials) (Session, error) {
	c, err := parseContact(cr.Contact, "contact")
	if err != nil {
		return Session{}, err
	}
	acct, ipLimit := s.signInLimits(kind)
	if err := s.checkLocked(ctx, acct, c.value, ipLimit, cr.IP); err != nil {
		return Session{}, err
	}
	u, err := s.userByContact(ctx, s.db, kind, c)
	found := err == nil
	if err != nil && !okno.IsCode(err, okno.ENOTFOUND) {
		return Session{}, err
	}
	ok, rehash := false, false
	if found {
		ok, rehash, err = s.verifyPassword(u.PasswordHash, cr.Password)
	} else {
		// Spend the same time as a real check, so timing does not tell
		// whether the account exists.
		_, _, err = s.verifyPassword(s.dummyHash(), cr.Password)
	}
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, s.signInFailed(ctx, acct, c.value, ipLimit, cr.IP, u, found)
	}
	var newHash string
	if rehash {
		if newHash, err = s.hashPassword(cr.Password); err != nil {
			return Session{}, err
		}
	}
	var ss Session
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := s.forget(ctx, tx, acct, c.value); err != nil {
			return err
		}
		if newHash != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, newHash, u.ID); err != nil {
				return err
			}
		}
		var err error
		if ss, err = s.newSession(ctx, tx, u); err != nil {
			return err
		}
		return s.note(ctx, tx, self(u), "identity.signin", u.ID)
	})
	return ss, err
}

// checkLocked refuses a sign-in while the account or the address is blocked.
func (s *Service) checkLocked(ctx context.Context, acct limit, contact string, ipLimit limit, ip string) error {
	wait, err := s.blocked(ctx, s.db, acct, contact)
	if err != nil {
		return err
	}
	if ip != "" {
		ipWait, err := s.blocked(ctx, s.db, ipLimit, ip)
		if err != nil {
			return err
		}
		wait = max(wait, ipWait)
	}
	if wait > 0 {
		return okno.Errorf(okno.ERATELIMITED, "identity.signin_locked", minutesLeft(wait))
	}
	return nil
}

// signInFailed counts a failure against the account and the address, in a
// transaction of its own that commits although the sign-in fails, and says
// so — or, if this failure was the last allowed, that sign-in is now locked.
func (s *Service) signInFailed(ctx context.Context, acct limit, contact string, ipLimit limit, ip string, u user, found bool) error {
	var wait time.Duration
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		_, w, err := s.hit(ctx, tx, acct, contact)
		if err != nil {
			return err
		}
		wait = w
		if ip != "" {
			_, w, err := s.hit(ctx, tx, ipLimit, ip)
			if err != nil {
				return err
			}
			wait = max(wait, w)
		}
		if wait > 0 && found {
			s.opts.Logger.InfoContext(ctx, "identity: sign-in locked", "user_id", u.ID)
			return s.note(ctx, tx, okno.System, "identity.lockout", u.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if wait > 0 {
		return okno.Errorf(okno.ERATELIMITED, "identity.signin_locked", minutesLeft(wait))
	}
	return okno.Errorf(okno.EUNAUTHORIZED, "identity.signin_failed")
}

// dummyHash is a valid hash of a random password at the current cost, made
// once per Service, for timing-equal checks of unknown accounts.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		b, err := s.random(16)
		if err == nil {
			s.dummy, err = s.hashPassword(string(b))
		}
		if err != nil {
			s.dummy = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		}
	})
	return s.dummy
}
