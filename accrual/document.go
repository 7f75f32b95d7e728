package accrual

import (
	"strings"
	"unicode/utf8"
)

// DocKind is a kind of document fines are issued against.
type DocKind string

// The document kinds.
const (
	DocLicence DocKind = "licence" // водительское удостоверение
	DocSTS     DocKind = "sts"     // свидетельство о регистрации транспортного средства
)

// latinToCyrillic maps the Latin letters that look like the Cyrillic ones
// allowed in document series: issuers and citizens type either.
var latinToCyrillic = map[rune]rune{
	'A': 'А', 'B': 'В', 'E': 'Е', 'K': 'К', 'M': 'М', 'H': 'Н',
	'O': 'О', 'P': 'Р', 'C': 'С', 'T': 'Т', 'Y': 'У', 'X': 'Х',
}

// NormalizeDoc returns a driving licence or СТС number in the one form
// that is sealed and indexed: upper case, without spaces or dashes, Latin
// look-alike letters as Cyrillic; ok is false unless it then has the form
// both documents share: two digits, two digits or letters (the series),
// six digits ("99 12 345678", "78 УК 123456").
func NormalizeDoc(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-' || r == '\u00a0':
			continue
		case r == 'Ё':
			r = 'Е'
		}
		if c, ok := latinToCyrillic[r]; ok {
			r = c
		}
		b.WriteRune(r)
	}
	n := b.String()
	if utf8.RuneCountInString(n) != 10 {
		return "", false
	}
	for i, r := range []rune(n) {
		digit := r >= '0' && r <= '9'
		letter := r >= 'А' && r <= 'Я'
		if !digit && !(letter && (i == 2 || i == 3)) {
			return "", false
		}
	}
	return n, true
}

// blindDomain separates the blind indexes of the two document kinds.
func blindDomain(k DocKind) string { return "accrual." + string(k) }
