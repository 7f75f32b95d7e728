package identity

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// NewAccount is what a citizen enters to sign up.
type NewAccount struct {
	Contact     string // e-mail or phone, as typed
	Password    string
	DisplayName string // how Okno greets them; not checked against documents
}

// validate checks every field of a new account and returns all problems at
// once, or the parsed contact and the cleaned display name.
func (in NewAccount) validate() (contact, string, error) {
	var fe okno.FieldErrors
	c, err := parseContact(in.Contact, "contact")
	if err != nil {
		fe = append(fe, okno.AsError(err).Fields...)
	}
	if err := checkPassword(in.Password, "password"); err != nil {
		fe = append(fe, okno.AsError(err).Fields...)
	}
	name, nameKey := cleanDisplayName(in.DisplayName)
	if nameKey != "" {
		fe.Add("display_name", nameKey)
	}
	return c, name, fe.Err()
}

// Code sends are limited per contact, whether or not an account has it, so
// the limit itself never tells whether an account exists.
var (
	sendPerMinute = limit{scope: "send-minute", max: 1, window: time.Minute}
	sendPerHour   = limit{scope: "send-hour", max: 5, window: time.Hour}
)

// SignUp starts a citizen account: it is created at assurance 'none' and a
// confirmation code goes to the contact through the outbox. If the contact
// already has an account, nothing is created and the contact gets a "you
// already have an account" message instead; the caller sees the same
// success either way, so sign-up cannot be used to find out who has an
// account. Errors: EINVALID with field problems ("contact", "password",
// "display_name"); ERATELIMITED "identity.send_wait" with minutes to wait.
func (s *Service) SignUp(ctx context.Context, in NewAccount) error {
	c, name, err := in.validate()
	if err != nil {
		return err
	}
	// Hash before the transaction: argon2id takes tens of milliseconds, and
	// on SQLite the transaction holds the only writer. Hashing also when the
	// account exists keeps both answers equally slow.
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := s.throttleSend(ctx, tx, c); err != nil {
			return err
		}
		existing, err := s.userByContact(ctx, tx, KindCitizen, c)
		switch {
		case err == nil:
			return s.enqueueDelivery(ctx, tx, delivery{UserID: existing.ID, Channel: c.channel, Kind: deliverExists})
		case !okno.IsCode(err, okno.ENOTFOUND):
			return err
		}
		u, err := s.insertUser(ctx, tx, KindCitizen, c, name, hash)
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, self(u), "identity.signup", nil, &u); err != nil {
			return err
		}
		return s.sendCode(ctx, tx, u.ID, purposeContact, c.channel, s.opts.CodeTTL)
	})
}

// insertUser creates an account with one contact, sealed under the new row's ID.
func (s *Service) insertUser(ctx context.Context, tx *sqldb.Tx, kind Kind, c contact, name, hash string) (user, error) {
	u := user{Kind: kind, DisplayName: name, PasswordHash: hash, Assurance: AssuranceNone, UpdatedAt: s.clock()}
	err := tx.QueryRowContext(ctx, `INSERT INTO users (kind, `+c.column()+`_bidx, display_name, password_hash, assurance, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, kind, c.bidx(s.vault), name, hash, u.Assurance, u.UpdatedAt, u.UpdatedAt).Scan(&u.ID)
	if err != nil {
		return u, err
	}
	col := c.column() + "_enc"
	sealed, err := s.vault.Seal([]byte(c.value), aad(col, u.ID))
	if err != nil {
		return u, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET `+col+` = ? WHERE id = ?`, sealed, u.ID)
	return u, err
}

// throttleSend refuses a code send to c while its limits block it, and
// otherwise counts the send.
func (s *Service) throttleSend(ctx context.Context, tx *sqldb.Tx, c contact) error {
	for _, l := range []limit{sendPerMinute, sendPerHour} {
		wait, err := s.blocked(ctx, tx, l, c.value)
		if err != nil {
			return err
		}
		if wait > 0 {
			return okno.Errorf(okno.ERATELIMITED, "identity.send_wait", minutesLeft(wait))
		}
	}
	for _, l := range []limit{sendPerMinute, sendPerHour} {
		if _, _, err := s.hit(ctx, tx, l, c.value); err != nil {
			return err
		}
	}
	return nil
}

// sendCode issues a code and enqueues its delivery.
func (s *Service) sendCode(ctx context.Context, tx *sqldb.Tx, userID int64, p purpose, ch Channel, ttl time.Duration) error {
	codeID, code, err := s.newCode(ctx, tx, userID, p, ch, ttl)
	if err != nil {
		return err
	}
	sealed, err := s.vault.Seal([]byte(code), deliveryAAD(codeID))
	if err != nil {
		return err
	}
	kind := deliverCode
	if p == purposePost {
		kind = deliverPostCode
	}
	return s.enqueueDelivery(ctx, tx, delivery{UserID: userID, Channel: ch, Kind: kind, CodeID: codeID, Code: sealed})
}

// Confirm checks the code sent at sign-up and raises the account to
// 'simplified'. Errors: EINVALID on field "contact" or "code"
// ("identity.code_wrong" with attempts left, "identity.code_expired",
// "identity.code_exhausted"). A contact without an account, or without a
// pending code, counts attempts just like a real one, so Confirm does not
// tell who has an account either.
func (s *Service) Confirm(ctx context.Context, contactText, code string) error {
	c, err := parseContact(contactText, "contact")
	if err != nil {
		return err
	}
	return s.commitAttempt(ctx, func(tx *sqldb.Tx) error {
		u, err := s.userByContact(ctx, tx, KindCitizen, c)
		if err == nil && u.Assurance == AssuranceNone {
			err = s.useCode(ctx, tx, u.ID, purposeContact, code)
			if err == nil {
				_, err = s.setAssurance(ctx, tx, self(u), "identity.confirm_contact", u, AssuranceSimplified, "")
				return err
			}
		}
		if okno.IsCode(err, okno.ENOTFOUND) || errors.Is(err, errNoCode) || (err == nil && u.Assurance != AssuranceNone) {
			return s.unknownAttempt(ctx, tx, c)
		}
		return err
	})
}

// unknownAttempt answers a code for a contact with nothing to confirm
// exactly as a wrong code for a real one: attempts left, then exhausted.
func (s *Service) unknownAttempt(ctx context.Context, tx *sqldb.Tx, c contact) error {
	l := limit{scope: "confirm-nobody", max: s.opts.CodeAttempts, window: s.opts.CodeTTL}
	wait, err := s.blocked(ctx, tx, l, c.value)
	if err != nil {
		return err
	}
	if wait > 0 {
		return wrongCode(0)
	}
	hits, _, err := s.hit(ctx, tx, l, c.value)
	if err != nil {
		return err
	}
	return wrongCode(l.max - hits)
}

// ResendCode sends a fresh sign-up code to a contact whose account is not
// yet confirmed, within the same limits as SignUp; for any other contact it
// does nothing and reports success, for the same reason SignUp does.
func (s *Service) ResendCode(ctx context.Context, contactText string) error {
	c, err := parseContact(contactText, "contact")
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := s.throttleSend(ctx, tx, c); err != nil {
			return err
		}
		u, err := s.userByContact(ctx, tx, KindCitizen, c)
		if okno.IsCode(err, okno.ENOTFOUND) || (err == nil && u.Assurance != AssuranceNone) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.sendCode(ctx, tx, u.ID, purposeContact, c.channel, s.opts.CodeTTL)
	})
}

// cleanDisplayName trims a display name and returns it, or a catalogue key
// saying what is wrong with it.
func cleanDisplayName(n string) (string, string) {
	n = strings.Join(strings.Fields(n), " ")
	switch {
	case n == "":
		return "", "identity.display_name_required"
	case !utf8.ValidString(n) || strings.IndexFunc(n, unicode.IsControl) >= 0:
		return "", "identity.display_name_invalid"
	case utf8.RuneCountInString(n) > 100:
		return "", "identity.display_name_long"
	}
	return n, ""
}

// The kinds of delivery.
const (
	deliverCode     = "code"   // sign-up confirmation code
	deliverExists   = "exists" // "you already have an account"
	deliverPostCode = "post"   // code for the confirmed level, by letter
	deliverTopic    = "identity.deliver"
)

// delivery is the outbox payload of a message to a person: IDs and the
// sealed code only; the address is read and opened by the handler.
type delivery struct {
	UserID  int64   `json:"user_id"`
	Channel Channel `json:"channel"`
	Kind    string  `json:"kind"`
	CodeID  int64   `json:"code_id,omitempty"`
	Code    []byte  `json:"code,omitempty"` // vault-sealed, bound to deliveryAAD(CodeID)
}

func deliveryAAD(codeID int64) string { return "identity.deliver:" + id(codeID) }

func (s *Service) enqueueDelivery(ctx context.Context, tx *sqldb.Tx, d delivery) error {
	p, err := json.Marshal(d)
	if err != nil {
		return err
	}
	m := outbox.Message{Topic: deliverTopic, Payload: p}
	if d.CodeID != 0 {
		m.Key = "code:" + id(d.CodeID)
	}
	return s.outbox.Enqueue(ctx, tx, m)
}
