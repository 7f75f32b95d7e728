package identity

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/ruid"
	"github.com/okno/okno/sqldb"
)

// Profile is an account as its owner sees it, personal data opened.
// Normalised forms: e-mail lower-case, phone "+7…", passport ten digits,
// СНИЛС eleven; empty where not given.
type Profile struct {
	UserID       int64
	Kind         Kind
	DisplayName  string
	Assurance    Assurance
	Email        string
	Phone        string
	LastName     string
	FirstName    string
	MiddleName   string
	BirthDate    string // YYYY-MM-DD
	Passport     string
	SNILS        string
	Address      string // postal address given for the letter with a code
	ConfirmedVia string // "post", "operator" or ""
	ConfirmedAt  time.Time
	CreatedAt    time.Time
}

// Masked returns p with identifiers and contacts masked, for pages where
// a person only needs to recognise them ("СНИЛС ***-***-*** 64").
func (p Profile) Masked() Profile {
	if p.Email != "" {
		p.Email = ruid.MaskEmail(p.Email)
	}
	if p.Phone != "" {
		p.Phone = ruid.MaskPhone(p.Phone)
	}
	if p.Passport != "" {
		p.Passport = ruid.MaskPassport(p.Passport)
	}
	if p.SNILS != "" {
		p.SNILS = ruid.MaskSNILS(p.SNILS)
	}
	if p.Address != "" {
		p.Address = "***"
	}
	return p
}

// Profile opens the account of userID for its owner. The caller must have
// established that the actor is that user (the session's UserID).
func (s *Service) Profile(ctx context.Context, userID int64) (Profile, error) {
	var p Profile
	var emailEnc, phoneEnc, personEnc, addressEnc []byte
	var via sql.NullString
	var at sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT id, kind, display_name, assurance, email_enc, phone_enc, person_enc, address_enc,
		confirmed_via, confirmed_at, created_at FROM users WHERE id = ?`, userID).
		Scan(&p.UserID, &p.Kind, &p.DisplayName, &p.Assurance, &emailEnc, &phoneEnc, &personEnc, &addressEnc, &via, &at, &p.CreatedAt)
	if err != nil {
		return Profile{}, sqldb.NotFound(err, "identity.user_not_found")
	}
	p.ConfirmedVia, p.ConfirmedAt = via.String, at.Time
	for _, f := range []struct {
		sealed []byte
		column string
		dst    *string
	}{{emailEnc, "email_enc", &p.Email}, {phoneEnc, "phone_enc", &p.Phone}, {addressEnc, "address_enc", &p.Address}} {
		if f.sealed == nil {
			continue
		}
		plain, err := s.vault.Open(f.sealed, aad(f.column, userID))
		if err != nil {
			return Profile{}, err
		}
		*f.dst = string(plain)
	}
	if personEnc != nil {
		per, _, err := s.openPerson(ctx, s.db, userID)
		if err != nil {
			return Profile{}, err
		}
		p.LastName, p.FirstName, p.MiddleName, p.BirthDate = per.LastName, per.FirstName, per.MiddleName, per.BirthDate
		p.Passport, p.SNILS = per.Passport, per.SNILS
	}
	return p, nil
}

// Citizen is what an operator sees after finding a person: the name to
// compare with the passport in front of them, and masked identifiers to
// compare with what the person says.
type Citizen struct {
	UserID     int64
	Assurance  Assurance
	LastName   string
	FirstName  string
	MiddleName string
	Email      string // masked
	Phone      string // masked
	SNILS      string // masked
}

// FindByPhone finds a citizen by phone number for an operator.
func (s *Service) FindByPhone(ctx context.Context, actor okno.Actor, phone string) (Citizen, error) {
	return s.find(ctx, actor, "phone", phone, ruid.Phone, func(v string) []byte {
		return s.vault.BlindIndex("phone", strings.TrimPrefix(v, "+"))
	})
}

// FindByEmail finds a citizen by e-mail address for an operator.
func (s *Service) FindByEmail(ctx context.Context, actor okno.Actor, email string) (Citizen, error) {
	return s.find(ctx, actor, "email", email, ruid.Email, func(v string) []byte { return s.vault.BlindIndex("email", v) })
}

// FindBySNILS finds a citizen by СНИЛС for an operator.
func (s *Service) FindBySNILS(ctx context.Context, actor okno.Actor, snils string) (Citizen, error) {
	return s.find(ctx, actor, "snils", snils, ruid.SNILS, func(v string) []byte { return s.vault.BlindIndex("snils", v) })
}

// find is the one look-up rule: operators only, exact match through the
// blind index, and every look-up that finds someone is audited, so a
// citizen can learn who looked them up. Errors: EFORBIDDEN; EINVALID on
// field; ENOTFOUND "identity.citizen_not_found".
func (s *Service) find(ctx context.Context, actor okno.Actor, field, value string, normalise func(string) (string, error), index func(string) []byte) (Citizen, error) {
	if !mayServeCitizens(actor) {
		return Citizen{}, forbidden()
	}
	v, err := normalise(value)
	if err != nil {
		var fe okno.FieldErrors
		ruid.Field(&fe, field, err)
		return Citizen{}, fe.Err()
	}
	var userID int64
	err = s.db.QueryRowContext(ctx, `SELECT id FROM users WHERE kind = 'citizen' AND `+field+`_bidx = ?`, index(v)).Scan(&userID)
	if err != nil {
		return Citizen{}, sqldb.NotFound(err, "identity.citizen_not_found")
	}
	p, err := s.Profile(ctx, userID)
	if err != nil {
		return Citizen{}, err
	}
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error { return s.note(ctx, tx, actor, "identity.lookup", userID) })
	if err != nil {
		return Citizen{}, err
	}
	m := p.Masked()
	return Citizen{UserID: p.UserID, Assurance: p.Assurance, LastName: p.LastName, FirstName: p.FirstName,
		MiddleName: p.MiddleName, Email: m.Email, Phone: m.Phone, SNILS: m.SNILS}, nil
}
