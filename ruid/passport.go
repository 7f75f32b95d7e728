package ruid

import "strings"

// Passport validates the series and number of a Russian internal passport,
// typed as "45 06 123456", "4506 №123456" or "4506123456", and returns its ten
// digits (series then number). Errors: "ruid.required", "ruid.passport_format",
// "ruid.passport_series".
//
// A series is two digits of the region code (ОКАТО) and two of the year the
// blank was printed. The check is deliberately loose — region codes change
// and new regions appear — and refuses only what cannot be: region 00, a
// year before 1997 (the first blanks of this form) or implausibly far ahead,
// and number 000000.
func Passport(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("ruid.required")
	}
	d, ok := digitsOnly(s)
	if !ok || len(d) != 10 {
		return "", invalid("ruid.passport_format")
	}
	if d[4:] == "000000" {
		return "", invalid("ruid.passport_format")
	}
	region, year := d[0:2], int(d[2]-'0')*10+int(d[3]-'0')
	// Years 97–99 are 1997–1999; 00–40 leaves room for blanks printed until
	// 2040 without consulting a clock, which this pure package does not have.
	if region == "00" || (year > 40 && year < 97) {
		return "", invalid("ruid.passport_series")
	}
	return d, nil
}

// FormatPassport renders normalised passport digits as printed: "45 06 123456".
// Anything that is not 10 digits is returned unchanged.
func FormatPassport(d string) string {
	if len(d) != 10 || !allDigits(d) {
		return d
	}
	return d[0:2] + " " + d[2:4] + " " + d[4:]
}
