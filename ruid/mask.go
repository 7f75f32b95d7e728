package ruid

import (
	"strings"
	"unicode/utf8"
)

// The Mask functions render a normalised value for display where the whole
// value is not needed — a profile summary, an operator's search result, a
// "we sent a code to …" page — keeping just enough for a person to recognise
// their own data. Input that is not in normalised form is masked completely.

// MaskSNILS shows only the check digits: "***-***-*** 64".
func MaskSNILS(d string) string {
	if len(d) != 11 || !allDigits(d) {
		return "***-***-*** **"
	}
	return "***-***-*** " + d[9:]
}

// MaskPassport shows the series region and the last two digits: "45 ** ****56".
func MaskPassport(d string) string {
	if len(d) != 10 || !allDigits(d) {
		return "** ** ******"
	}
	return d[0:2] + " ** ****" + d[8:]
}

// MaskPhone shows the last two digits: "+7 *** ***-**-67".
func MaskPhone(p string) string {
	if len(p) != 12 || !strings.HasPrefix(p, "+7") || !allDigits(p[1:]) {
		return "+7 *** ***-**-**"
	}
	return "+7 *** ***-**-" + p[10:]
}

// MaskEmail shows the first letter of the local part and the domain:
// "i***@mail.ru".
func MaskEmail(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at <= 0 {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(e)
	return string(r) + "***" + e[at:]
}
