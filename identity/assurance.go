package identity

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/ruid"
	"github.com/okno/okno/sqldb"
)

// PersonalData is what a citizen enters to reach the standard level.
type PersonalData struct {
	LastName   string
	FirstName  string
	MiddleName string // отчество; optional, as not everyone has one
	BirthDate  string // YYYY-MM-DD, as a date input sends it
	Passport   string // series and number, as typed
	SNILS      string // as typed
}

// person is PersonalData validated and normalised: the sealed person_enc value.
type person struct {
	LastName   string `json:"last_name"`
	FirstName  string `json:"first_name"`
	MiddleName string `json:"middle_name,omitempty"`
	BirthDate  string `json:"birth_date"`
	Passport   string `json:"passport"` // ten digits
	SNILS      string `json:"snils"`    // eleven digits
}

// validate checks every field and returns all problems at once, so the form
// can show them together.
func (pd PersonalData) validate(today time.Time) (person, error) {
	var fe okno.FieldErrors
	p := person{
		LastName:   cleanName(&fe, "last_name", pd.LastName, true),
		FirstName:  cleanName(&fe, "first_name", pd.FirstName, true),
		MiddleName: cleanName(&fe, "middle_name", pd.MiddleName, false),
	}
	if b, err := time.Parse(time.DateOnly, strings.TrimSpace(pd.BirthDate)); err != nil {
		fe.Add("birth_date", "identity.birth_date_invalid")
	} else if age := yearsBetween(b, today); b.After(today) || age < 14 || age > 120 {
		// A passport is issued at 14; nobody is older than 120.
		fe.Add("birth_date", "identity.birth_date_range")
	} else {
		p.BirthDate = b.Format(time.DateOnly)
	}
	var err error
	if p.Passport, err = ruid.Passport(pd.Passport); err != nil {
		ruid.Field(&fe, "passport", err)
	}
	if p.SNILS, err = ruid.SNILS(pd.SNILS); err != nil {
		ruid.Field(&fe, "snils", err)
	}
	return p, fe.Err()
}

func yearsBetween(from, to time.Time) int {
	y := to.Year() - from.Year()
	if to.YearDay() < from.YearDay() {
		y--
	}
	return y
}

// cleanName trims a name part; letters of any script, spaces, hyphens and
// apostrophes only (Анна-Мария, О'Нил), at most 60 characters.
func cleanName(fe *okno.FieldErrors, field, s string, required bool) string {
	s = strings.Join(strings.Fields(s), " ")
	switch {
	case s == "":
		if required {
			fe.Add(field, "identity.name_required")
		}
		return ""
	case utf8.RuneCountInString(s) > 60 || strings.IndexFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && r != ' ' && r != '-' && r != '\'' && r != '’'
	}) >= 0:
		fe.Add(field, "identity.name_invalid")
		return ""
	}
	return s
}

// SubmitPersonalData records the citizen's full name, birth date, passport
// and СНИЛС and raises the account from simplified to standard. Invalid data
// changes nothing. Errors: EINVALID with field problems; EFORBIDDEN
// "identity.contact_unconfirmed" before the contact is confirmed; ECONFLICT
// "identity.already_confirmed" once confirmed (changing checked data needs a
// new check), or on field "snils" "identity.snils_taken" when another
// account holds that СНИЛС.
func (s *Service) SubmitPersonalData(ctx context.Context, userID int64, pd PersonalData) error {
	p, err := pd.validate(s.now())
	if err != nil {
		return err
	}
	plain, err := json.Marshal(p)
	if err != nil {
		return err
	}
	sealed, err := s.vault.Seal(plain, aad("person_enc", userID))
	if err != nil {
		return err
	}
	snilsIndex := s.vault.BlindIndex("snils", p.SNILS)
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		u, err := s.userByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		switch {
		case u.Kind != KindCitizen || !u.Assurance.AtLeast(AssuranceSimplified):
			return okno.Errorf(okno.EFORBIDDEN, "identity.contact_unconfirmed")
		case u.Assurance == AssuranceConfirmed:
			return okno.Errorf(okno.ECONFLICT, "identity.already_confirmed")
		}
		_, err = s.setAssurance(ctx, tx, self(u), "identity.standard", u, AssuranceStandard,
			`, person_enc = ?, snils_bidx = ?`, sealed, snilsIndex)
		if sqldb.ViolationOf(err) == sqldb.Unique {
			return &okno.Error{Code: okno.ECONFLICT, Key: "error.conflict", Err: err,
				Fields: []okno.FieldError{{Field: "snils", Key: "identity.snils_taken"}}}
		}
		return err
	})
}

// openPerson returns the sealed standard-level record of a user, or
// ok=false if there is none.
func (s *Service) openPerson(ctx context.Context, q sqldb.Querier, userID int64) (person, bool, error) {
	var sealed []byte
	if err := q.QueryRowContext(ctx, `SELECT person_enc FROM users WHERE id = ?`, userID).Scan(&sealed); err != nil {
		return person{}, false, sqldb.NotFound(err, "identity.user_not_found")
	}
	if sealed == nil {
		return person{}, false, nil
	}
	plain, err := s.vault.Open(sealed, aad("person_enc", userID))
	if err != nil {
		return person{}, false, err
	}
	var p person
	return p, true, json.Unmarshal(plain, &p)
}

// postRequests limits letters: each costs money and takes days.
var postRequests = limit{scope: "post-request", max: 3, window: 30 * 24 * time.Hour}

// RequestPostCode asks for a confirmation code by post to address, for a
// standard account. Errors: EFORBIDDEN "identity.standard_required";
// ECONFLICT "identity.already_confirmed"; EINVALID on field "address";
// ERATELIMITED "identity.post_wait" with days to wait.
func (s *Service) RequestPostCode(ctx context.Context, userID int64, address string) error {
	address = strings.Join(strings.Fields(address), " ")
	if n := utf8.RuneCountInString(address); n < 10 || n > 300 || strings.IndexFunc(address, unicode.IsControl) >= 0 {
		return fieldError("address", "identity.address_invalid")
	}
	sealed, err := s.vault.Seal([]byte(address), aad("address_enc", userID))
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		u, err := s.standardUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		wait, err := s.blocked(ctx, tx, postRequests, id(userID))
		if err != nil {
			return err
		}
		if wait > 0 {
			return okno.Errorf(okno.ERATELIMITED, "identity.post_wait", int((wait+24*time.Hour-1)/(24*time.Hour)))
		}
		if _, _, err := s.hit(ctx, tx, postRequests, id(userID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET address_enc = ? WHERE id = ?`, sealed, userID); err != nil {
			return err
		}
		if err := s.sendCode(ctx, tx, userID, purposePost, ChannelPost, s.opts.PostCodeTTL); err != nil {
			return err
		}
		return s.note(ctx, tx, self(u), "identity.post_code_request", userID)
	})
}

// standardUser loads a citizen who is at the standard level exactly.
func (s *Service) standardUser(ctx context.Context, q sqldb.Querier, userID int64) (user, error) {
	u, err := s.userByID(ctx, q, userID)
	switch {
	case err != nil:
		return u, err
	case u.Assurance == AssuranceConfirmed:
		return u, okno.Errorf(okno.ECONFLICT, "identity.already_confirmed")
	case u.Kind != KindCitizen || u.Assurance != AssuranceStandard:
		return u, okno.Errorf(okno.EFORBIDDEN, "identity.standard_required")
	}
	return u, nil
}

// ConfirmPostCode checks the code from the letter and raises the account to
// confirmed. Errors: as Confirm, plus "identity.code_none" when no letter
// was requested, and those of RequestPostCode about the level.
func (s *Service) ConfirmPostCode(ctx context.Context, userID int64, code string) error {
	return s.commitAttempt(ctx, func(tx *sqldb.Tx) error {
		u, err := s.standardUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := s.useCode(ctx, tx, userID, purposePost, code); err != nil {
			if errors.Is(err, errNoCode) {
				return codeError("identity.code_none")
			}
			return err
		}
		_, err = s.setAssurance(ctx, tx, self(u), "identity.confirm_post", u, AssuranceConfirmed,
			`, confirmed_via = 'post', confirmed_by = ?, confirmed_at = ?`, self(u).Ref(), s.clock())
		return err
	})
}

// ConfirmByOperator raises a standard account to confirmed after an operator
// has seen the person's passport at a service centre; the operator types the
// passport's series and number, which must match what the citizen entered.
// The operator is recorded as the confirmer. Errors: EFORBIDDEN unless the
// actor is an operator; EINVALID on field "passport"
// ("identity.passport_mismatch"); those of RequestPostCode about the level.
func (s *Service) ConfirmByOperator(ctx context.Context, actor okno.Actor, userID int64, passport string) error {
	if !mayServeCitizens(actor) {
		return forbidden()
	}
	typed, err := ruid.Passport(passport)
	if err != nil {
		var fe okno.FieldErrors
		ruid.Field(&fe, "passport", err)
		return fe.Err()
	}
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		u, err := s.standardUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		p, ok, err := s.openPerson(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !ok || subtle.ConstantTimeCompare([]byte(p.Passport), []byte(typed)) != 1 {
			return fieldError("passport", "identity.passport_mismatch")
		}
		_, err = s.setAssurance(ctx, tx, actor, "identity.confirm_operator", u, AssuranceConfirmed,
			`, confirmed_via = 'operator', confirmed_by = ?, confirmed_at = ?`, actor.Ref(), s.clock())
		return err
	})
}
