package accrual

import "strconv"

// A УИН (уникальный идентификатор начисления) names one accrual in ГИС ГМП:
// 20 characters (the administrator's code, then its own number) or 25 (the
// participant's registry number, then its own number), the last of which is
// a check digit.
//
// The check digit is the one ГИС ГМП defines for the УИН (the rules of
// forming a УИН in the order of keeping ГИС ГМП; a public validator cites
// them as docs.cntd.ru/document/499094235), which is the method of the
// ОКПО check number («Методика расчета контрольного числа», ОК 007-93,
// приложение В): the characters before it get weights 1, 2, …, 10, 1, 2, …
// from the left; the remainder of the sum of products divided by 11 is the
// check digit. A remainder of 10 means a second pass with the weights
// shifted by two (3, 4, …, 10, 1, 2, …: the series 1..10 repeated, starting
// at its third member); a remainder of 10 again makes the check digit 0.
// Some restatements write the second series as 3..12 without wrapping; for
// bodies longer than 8 characters that differs, and we follow the methodology
// text, which repeats the 1..10 series.
//
// We accept digits only. Letters may appear in the participant's registry
// number of some 25-character УИНs; how they enter the sum is not defined
// in the text we worked from, so such УИНs are refused rather than guessed.

// UINCheckDigit returns the check digit of body (the УИН without its last
// character), or -1 if body holds anything but digits.
func UINCheckDigit(body string) int {
	sum := func(shift int) int {
		s := 0
		for i := 0; i < len(body); i++ {
			s += int(body[i]-'0') * ((i+shift)%10 + 1)
		}
		return s % 11
	}
	for i := 0; i < len(body); i++ {
		if body[i] < '0' || body[i] > '9' {
			return -1
		}
	}
	if r := sum(0); r < 10 {
		return r
	}
	if r := sum(2); r < 10 {
		return r
	}
	return 0
}

// UINProblem says what is wrong with a УИН, as a catalogue key, or "" if it
// is well formed: 20 or 25 digits with a correct check digit.
func UINProblem(uin string) string {
	switch {
	case uin == "":
		return "accrual.uin_required"
	case len(uin) != 20 && len(uin) != 25:
		return "accrual.uin_length"
	}
	d := UINCheckDigit(uin[:len(uin)-1])
	switch {
	case d < 0 || uin[len(uin)-1] < '0' || uin[len(uin)-1] > '9':
		return "accrual.uin_digits"
	case int(uin[len(uin)-1]-'0') != d:
		return "accrual.uin_check"
	}
	return ""
}

// ValidUIN reports whether uin is well formed.
func ValidUIN(uin string) bool { return UINProblem(uin) == "" }

// MakeUIN returns the 20-character УИН whose first eight digits are prefix
// and whose next eleven are n, with its check digit. prefix must be eight
// digits and n below 10^11; Okno numbers its own accruals (state fees) so.
func MakeUIN(prefix string, n int64) string {
	s := strconv.FormatInt(n, 10)
	for len(s) < 11 {
		s = "0" + s
	}
	body := prefix + s
	return body + strconv.Itoa(UINCheckDigit(body))
}
