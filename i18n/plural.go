package i18n

import (
	"math"
	"reflect"
)

// Form is a CLDR plural category. A plural message holds one text per form.
type Form string

// The CLDR plural categories Okno's languages use.
const (
	One   Form = "one"
	Few   Form = "few"
	Many  Form = "many"
	Other Form = "other"
)

// requiredForms lists, per language, the forms every plural message must
// have. Russian "other" covers only fractions, which counts of things never
// are, so it is optional and falls back to "many" (see pick).
var requiredForms = map[Lang][]Form{
	Russian: {One, Few, Many},
	English: {One, Other},
}

// PluralForm returns the CLDR plural category of n in lang. n is any Go
// integer or floating-point number; a float with a fractional part takes the
// fraction rules (CLDR "v > 0"), a whole float counts as an integer.
func PluralForm(lang Lang, n any) Form {
	i, frac, ok := number(n)
	if !ok {
		return Other
	}
	switch lang {
	case Russian:
		if frac {
			return Other
		}
		switch d, dd := i%10, i%100; {
		case d == 1 && dd != 11:
			return One
		case d >= 2 && d <= 4 && (dd < 12 || dd > 14):
			return Few
		default:
			return Many
		}
	default: // English rules, also the fallback for any other language.
		if i == 1 && !frac {
			return One
		}
		return Other
	}
}

// number returns the absolute integer part of n and whether n has a
// fractional part; ok is false when n is not a number.
func number(n any) (i uint64, frac bool, ok bool) {
	v := reflect.ValueOf(n)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x := v.Int()
		if x < 0 {
			return uint64(-x), false, true
		}
		return uint64(x), false, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint(), false, true
	case reflect.Float32, reflect.Float64:
		f := math.Abs(v.Float())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, true, true
		}
		whole := math.Trunc(f)
		return uint64(whole), whole != f, true
	}
	return 0, false, false
}

// firstNumber returns the first numeric argument, which chooses the plural form.
func firstNumber(args []any) (any, bool) {
	for _, a := range args {
		if _, _, ok := number(a); ok {
			return a, true
		}
	}
	return nil, false
}
