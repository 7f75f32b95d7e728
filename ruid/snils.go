package ruid

import "strings"

// snilsNoChecksumUpTo is the highest number (the nine digits before the check
// digits) issued before the Pension Fund started computing check digits; such
// numbers are valid whatever their last two digits.
const snilsNoChecksumUpTo = 1001998

// SNILS validates a СНИЛС typed with or without separators ("123-456-789 64",
// "12345678964") and returns its 11 digits. Errors: "ruid.required",
// "ruid.snils_format", "ruid.snils_checksum".
func SNILS(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("ruid.required")
	}
	d, ok := digitsOnly(s)
	if !ok || len(d) != 11 {
		return "", invalid("ruid.snils_format")
	}
	number := 0
	for i := 0; i < 9; i++ {
		number = number*10 + int(d[i]-'0')
	}
	if number <= snilsNoChecksumUpTo {
		return d, nil
	}
	if snilsChecksum(d[:9]) != int(d[9]-'0')*10+int(d[10]-'0') {
		return "", invalid("ruid.snils_checksum")
	}
	return d, nil
}

// snilsChecksum computes the two check digits of a nine-digit number by the
// Pension Fund rule: weights 9…1; a sum under 100 is the checksum, 100 and
// 101 give 00, larger sums are taken modulo 101 (and 100 again gives 00).
func snilsChecksum(nine string) int {
	sum := weighted(nine, []int{9, 8, 7, 6, 5, 4, 3, 2, 1})
	if sum > 101 {
		sum %= 101
	}
	if sum == 100 || sum == 101 {
		return 0
	}
	return sum
}

// FormatSNILS renders normalised СНИЛС digits the way they are printed:
// "123-456-789 64". Anything that is not 11 digits is returned unchanged.
func FormatSNILS(d string) string {
	if len(d) != 11 || !allDigits(d) {
		return d
	}
	return d[0:3] + "-" + d[3:6] + "-" + d[6:9] + " " + d[9:11]
}
