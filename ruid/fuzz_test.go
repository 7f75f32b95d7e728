package ruid

import (
	"strings"
	"testing"

	"github.com/okno/okno"
)

// fuzzIdempotent checks the properties every validator must keep for any
// input: no panic; an error is an EINVALID with a ruid key and no value; a
// normalised value validates again to itself.
func fuzzIdempotent(t *testing.T, fn func(string) (string, error), in string) string {
	t.Helper()
	got, err := fn(in)
	if err != nil {
		e := okno.AsError(err)
		if e.Code != okno.EINVALID || !strings.HasPrefix(e.Key, "ruid.") || got != "" {
			t.Fatalf("(%q) = %q, %v: want no value and an invalid ruid.* error", in, got, err)
		}
		return ""
	}
	again, err := fn(got)
	if err != nil || again != got {
		t.Fatalf("(%q) = %q, but (%q) = %q, %v", in, got, got, again, err)
	}
	return got
}

func FuzzSNILS(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		got := fuzzIdempotent(t, SNILS, in)
		if got == "" {
			return
		}
		if len(got) != 11 || !allDigits(got) {
			t.Fatalf("SNILS(%q) = %q, want 11 digits", in, got)
		}
		if back, err := SNILS(FormatSNILS(got)); err != nil || back != got {
			t.Fatalf("SNILS(FormatSNILS(%q)) = %q, %v", got, back, err)
		}
	})
}

func FuzzINN(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		got := fuzzIdempotent(t, INN, in)
		if got != "" && len(got) != 10 && len(got) != 12 {
			t.Fatalf("INN(%q) = %q, want 10 or 12 digits", in, got)
		}
		// An ИНН one digit off its check digit must never pass: the check
		// digit is a function of the others.
		if len(got) == 10 || len(got) == 12 {
			last := got[len(got)-1]
			other := string('0' + (last-'0'+1)%10)
			if _, err := INN(got[:len(got)-1] + other); err == nil {
				t.Fatalf("INN accepts both %q and its last digit changed", got)
			}
		}
	})
}

func FuzzOGRN(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		if got := fuzzIdempotent(t, OGRN, in); got != "" && len(got) != 13 {
			t.Fatalf("OGRN(%q) = %q", in, got)
		}
		if got := fuzzIdempotent(t, OGRNIP, in); got != "" && len(got) != 15 {
			t.Fatalf("OGRNIP(%q) = %q", in, got)
		}
	})
}

func FuzzPassport(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		got := fuzzIdempotent(t, Passport, in)
		if got == "" {
			return
		}
		if back, err := Passport(FormatPassport(got)); err != nil || back != got {
			t.Fatalf("Passport(FormatPassport(%q)) = %q, %v", got, back, err)
		}
	})
}

func FuzzPhone(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		got := fuzzIdempotent(t, Phone, in)
		if got != "" && (len(got) != 12 || !strings.HasPrefix(got, "+7") || !allDigits(got[1:])) {
			t.Fatalf("Phone(%q) = %q, want +7 and ten digits", in, got)
		}
	})
}

func FuzzEmail(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		got := fuzzIdempotent(t, Email, in)
		if got != "" && (got != strings.ToLower(got) || strings.Count(got, "@") != 1) {
			t.Fatalf("Email(%q) = %q, want lower case with one @", in, got)
		}
	})
}
