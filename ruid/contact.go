package ruid

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phone validates a Russian phone number typed as "+7 (916) 123-45-67",
// "8 916 123 45 67", "79161234567" or "9161234567" and returns it as
// "+79161234567". Errors: "ruid.required", "ruid.phone_format".
//
// Only numbers in the +7 zone are accepted: SMS codes go through a Russian
// gateway. The first digit after 7 must start an area or mobile code
// (3–9); 0, 1 and 2 are never allocated.
func Phone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("ruid.required")
	}
	plus := strings.HasPrefix(s, "+")
	d, ok := digitsOnly(strings.TrimPrefix(s, "+"))
	if !ok {
		return "", invalid("ruid.phone_format")
	}
	switch {
	case plus && len(d) == 11 && d[0] == '7':
		d = d[1:]
	case !plus && len(d) == 11 && (d[0] == '8' || d[0] == '7'):
		d = d[1:]
	case !plus && len(d) == 10:
	default:
		return "", invalid("ruid.phone_format")
	}
	if d[0] < '3' {
		return "", invalid("ruid.phone_format")
	}
	return "+7" + d, nil
}

// Email checks an e-mail address pragmatically — one "@", a local part of
// the characters mail systems actually accept, a domain of at least two
// labels — and returns it trimmed and lower-cased. Lower-casing the local
// part is technically lossy but no Russian mail service distinguishes case,
// and it keeps "Ivan@Mail.ru" and "ivan@mail.ru" one account.
// Cyrillic domains (.рф) are kept in Unicode. Errors: "ruid.required",
// "ruid.email_format".
func Email(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", invalid("ruid.required")
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 254 {
		return "", invalid("ruid.email_format")
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", invalid("ruid.email_format")
	}
	local, domain := s[:at], s[at+1:]
	if !validLocal(local) || !validDomain(domain) {
		return "", invalid("ruid.email_format")
	}
	return s, nil
}

func validLocal(l string) bool {
	if utf8.RuneCountInString(l) > 64 || strings.HasPrefix(l, ".") || strings.HasSuffix(l, ".") || strings.Contains(l, "..") {
		return false
	}
	for _, r := range l {
		if r < utf8.RuneSelf {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+/=?^_`{|}~.-", r)) {
				return false
			}
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || utf8.RuneCountInString(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !(r >= 'a' && r <= 'z') && !(r >= '0' && r <= '9') && !(r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
				return false
			}
		}
	}
	// The top-level domain is never numeric; this refuses "a@1.2.3.4".
	tld := labels[len(labels)-1]
	return utf8.RuneCountInString(tld) >= 2 && strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0
}
