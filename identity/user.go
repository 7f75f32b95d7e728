package identity

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/ruid"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// Kind is the kind of account. Citizens and staff sign in through separate
// doors, and the same e-mail may hold one account of each kind.
type Kind string

// The kinds of account.
const (
	KindCitizen Kind = "citizen"
	KindStaff   Kind = "staff"
)

// Assurance is how far Okno trusts that an account belongs to the person it
// names (уровень учётной записи). Services gate on it: information needs
// nothing, most applications need Standard, legally significant ones Confirmed.
type Assurance string

// The assurance levels, lowest first.
const (
	AssuranceNone       Assurance = "none"       // signed up, contact not yet confirmed
	AssuranceSimplified Assurance = "simplified" // e-mail or phone confirmed by a code
	AssuranceStandard   Assurance = "standard"   // full name, birth date, passport and СНИЛС entered and valid
	AssuranceConfirmed  Assurance = "confirmed"  // identity checked: code sent by post, or passport seen by an operator
)

var assuranceRank = map[Assurance]int{AssuranceNone: 0, AssuranceSimplified: 1, AssuranceStandard: 2, AssuranceConfirmed: 3}

// AtLeast reports whether a is level min or higher.
func (a Assurance) AtLeast(min Assurance) bool { return assuranceRank[a] >= assuranceRank[min] }

// Channel is how a message reaches a person.
type Channel string

// The delivery channels identity uses.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	ChannelPost  Channel = "post"
)

// SealedColumns names every column this package seals, for vault.Rotate.
func SealedColumns() []vault.Column {
	var cols []vault.Column
	for _, c := range []string{"email_enc", "phone_enc", "person_enc", "address_enc"} {
		cols = append(cols, vault.Column{Table: "users", IDColumn: "id", Column: c})
	}
	return cols
}

// aad binds a sealed value to its row and column, so a value copied to
// another row or column fails to open.
func aad(column string, userID int64) string { return "users." + column + ":" + id(userID) }

// contact is a normalised e-mail or phone number, the identifier people sign
// up and sign in with.
type contact struct {
	channel Channel
	value   string // "ivan@mail.ru" or "+79161234567"
}

// parseContact takes what a person typed in the one "e-mail or phone" field.
func parseContact(s, field string) (contact, error) {
	var fe okno.FieldErrors
	if strings.Contains(s, "@") {
		v, err := ruid.Email(s)
		if err == nil {
			return contact{ChannelEmail, v}, nil
		}
		ruid.Field(&fe, field, err)
		return contact{}, fe.Err()
	}
	v, err := ruid.Phone(s)
	if err == nil {
		return contact{ChannelSMS, v}, nil
	}
	if strings.TrimSpace(s) != "" {
		err = okno.Errorf(okno.EINVALID, "identity.contact_format")
	}
	ruid.Field(&fe, field, err)
	return contact{}, fe.Err()
}

// column is the users column pair that holds this kind of contact.
func (c contact) column() string {
	if c.channel == ChannelEmail {
		return "email"
	}
	return "phone"
}

// bidx is the blind index of the contact. Phones are indexed as digits only,
// as vault.Sealer asks.
func (c contact) bidx(v vault.Sealer) []byte {
	if c.channel == ChannelEmail {
		return v.BlindIndex("email", c.value)
	}
	return v.BlindIndex("phone", strings.TrimPrefix(c.value, "+"))
}

// user is an account row without its sealed columns.
type user struct {
	ID           int64
	Kind         Kind
	DisplayName  string
	PasswordHash string
	Assurance    Assurance
	UpdatedAt    time.Time
}

const userColumns = `id, kind, display_name, password_hash, assurance, updated_at`

func scanUser(row *sql.Row) (user, error) {
	var u user
	err := row.Scan(&u.ID, &u.Kind, &u.DisplayName, &u.PasswordHash, &u.Assurance, &u.UpdatedAt)
	return u, err
}

func (s *Service) userByID(ctx context.Context, q sqldb.Querier, userID int64) (user, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID))
	return u, sqldb.NotFound(err, "identity.user_not_found")
}

// userByContact finds the account of kind with contact c; ENOTFOUND if none.
func (s *Service) userByContact(ctx context.Context, q sqldb.Querier, kind Kind, c contact) (user, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE kind = ? AND `+c.column()+`_bidx = ?`,
		kind, c.bidx(s.vault)))
	return u, sqldb.NotFound(err, "identity.user_not_found")
}

// digest commits the audit log to an account's state without personal data:
// only what is also visible in the row in plaintext.
func (u user) digest() []byte {
	return audit.Digest(struct {
		ID        int64     `json:"id"`
		Kind      Kind      `json:"kind"`
		Assurance Assurance `json:"assurance"`
		UpdatedAt time.Time `json:"updated_at"`
	}{u.ID, u.Kind, u.Assurance, u.UpdatedAt})
}

// note appends an audit entry about an account without digests, for actions
// that do not change the account row (sign-in, sign-out, look-ups).
func (s *Service) note(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, userID int64) error {
	_, err := s.audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "user", ObjectID: id(userID)})
	return err
}

// record appends the audit entry of a change to an account, inside tx;
// before and after are nil when there is no such state (creation, or an
// action that leaves the row as it was).
func (s *Service) record(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, before, after *user) error {
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "user"}
	if before != nil {
		e.ObjectID, e.Before = id(before.ID), before.digest()
	}
	if after != nil {
		e.ObjectID, e.After = id(after.ID), after.digest()
	}
	_, err := s.audit.Append(ctx, tx, e)
	return err
}

// self is the actor of an action a person takes on their own account.
func self(u user) okno.Actor {
	k := okno.ActorCitizen
	if u.Kind == KindStaff {
		k = okno.ActorStaff
	}
	return okno.Actor{Kind: k, UserID: u.ID}
}

// setAssurance moves u to level a in tx and audits it as action.
func (s *Service) setAssurance(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, u user, a Assurance, extra string, args ...any) (user, error) {
	after := u
	after.Assurance, after.UpdatedAt = a, s.clock()
	q := `UPDATE users SET assurance = ?, updated_at = ?` + extra + ` WHERE id = ?`
	if _, err := tx.ExecContext(ctx, q, append(append([]any{a, after.UpdatedAt}, args...), u.ID)...); err != nil {
		return u, err
	}
	return after, s.record(ctx, tx, actor, action, &u, &after)
}
