// Package ruid validates and normalises the Russian identifiers and contact
// details a citizen types into a form: СНИЛС, ИНН, ОГРН, ОГРНИП, passport
// series and number, phone number and e-mail address.
//
// Every function returns the normalised value — the one form that is stored,
// sealed and blind-indexed, so that "123-456-789 64" and "12345678964" find
// the same person — or an EINVALID *okno.Error whose Key names the problem in
// the message catalogue ("ruid.snils_checksum"); the caller attaches it to a
// form field with Field.
//
// The package is pure: no I/O, no clock, no state. It must never log what it
// is given: every input is personal data.
package ruid

import (
	"errors"

	"github.com/okno/okno"
)

// invalid returns the error every check reports: a catalogue key, no cause
// (a cause would carry the input, and the input is personal data).
func invalid(key string) error { return okno.Errorf(okno.EINVALID, key) }

// Field records err as a problem with field in fe, keeping the ruid key, so
// a form can show "СНИЛС: неверная контрольная сумма" next to the right input.
// Errors that are not from this package become "error.invalid".
func Field(fe *okno.FieldErrors, field string, err error) {
	var e *okno.Error
	if errors.As(err, &e) && e.Code == okno.EINVALID {
		fe.Add(field, e.Key, e.Args...)
		return
	}
	fe.Add(field, "error.invalid")
}

// digitsOnly returns s without the separators people type between digit
// groups (spaces, hyphens, dashes, dots, brackets), or ok=false when s holds
// anything else. Cyrillic "№" is accepted because it is printed on passports.
func digitsOnly(s string) (digits string, ok bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '-' || r == '‐' || r == '‑' || r == '–' || r == '—' ||
			r == '.' || r == '(' || r == ')' || r == '№':
		default:
			return "", false
		}
	}
	return string(b), true
}

// allDigits reports whether s is non-empty and made of ASCII digits only.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// weighted returns Σ weights[i]·digit(s[i]).
func weighted(s string, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += w * int(s[i]-'0')
	}
	return sum
}
