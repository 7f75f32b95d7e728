package ruid

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

type check struct {
	in      string
	want    string // normalised value when wantKey is empty
	wantKey string // catalogue key of the expected error
}

func runChecks(t *testing.T, name string, fn func(string) (string, error), tests []check) {
	t.Helper()
	for _, tt := range tests {
		got, err := fn(tt.in)
		gotKey := ""
		if err != nil {
			e := okno.AsError(err)
			if e.Code != okno.EINVALID {
				t.Errorf("%s(%q) code = %q, want invalid", name, tt.in, e.Code)
			}
			gotKey = e.Key
			if got != "" {
				t.Errorf("%s(%q) = %q with error %v, want empty value", name, tt.in, got, err)
			}
		}
		if gotKey != tt.wantKey || got != tt.want {
			t.Errorf("%s(%q) = %q, %q; want %q, %q", name, tt.in, got, gotKey, tt.want, tt.wantKey)
		}
	}
}

func TestSNILS(t *testing.T) {
	runChecks(t, "SNILS", SNILS, []check{
		{in: "112-233-445 95", want: "11223344595"},
		{in: "11223344595", want: "11223344595"},
		{in: " 112 233 445 95 ", want: "11223344595"},
		{in: "112-233-445 96", wantKey: "ruid.snils_checksum"},
		{in: "001-001-998 00", want: "00100199800"},            // at the limit: no checksum
		{in: "001-001-998 77", want: "00100199877"},            // still no checksum
		{in: "001-001-999 00", wantKey: "ruid.snils_checksum"}, // first checked number: sum 99+… ≠ 00
		{in: "", wantKey: "ruid.required"},
		{in: "   ", wantKey: "ruid.required"},
		{in: "112-233-445", wantKey: "ruid.snils_format"},
		{in: "112-233-445 955", wantKey: "ruid.snils_format"},
		{in: "112-233-445 9a", wantKey: "ruid.snils_format"},
		{in: "１１２２３３４４５９５", wantKey: "ruid.snils_format"}, // full-width digits are not digits here
	})
}

func TestSNILSChecksumRule(t *testing.T) {
	// Sums worked out by hand with weights 9…1, covering each branch of the rule.
	tests := []struct {
		nine string
		want int
	}{
		{"920000002", 99}, // 81+16+2 = 99: below 100, the sum itself
		{"920000003", 0},  // 100 → 00
		{"920000004", 0},  // 101 → 00
		{"920000005", 1},  // 102 mod 101 = 1
		{"996100000", 0},  // 201 mod 101 = 100 → 00
		{"112233445", 95},
	}
	for _, tt := range tests {
		if got := snilsChecksum(tt.nine); got != tt.want {
			t.Errorf("snilsChecksum(%q) = %d, want %d", tt.nine, got, tt.want)
		}
	}
}

func TestINN(t *testing.T) {
	runChecks(t, "INN", INN, []check{
		{in: "7707083893", want: "7707083893"},     // organisation
		{in: "500100732259", want: "500100732259"}, // person
		{in: " 5001 0073 2259 ", want: "500100732259"},
		{in: "7707083894", wantKey: "ruid.inn_checksum"},
		{in: "500100732258", wantKey: "ruid.inn_checksum"},
		{in: "500100732269", wantKey: "ruid.inn_checksum"}, // 11th digit wrong
		{in: "77070838931", wantKey: "ruid.inn_format"},
		{in: "770708389", wantKey: "ruid.inn_format"},
		{in: "77070838x3", wantKey: "ruid.inn_format"},
		{in: "", wantKey: "ruid.required"},
	})
	runChecks(t, "PersonINN", PersonINN, []check{
		{in: "500100732259", want: "500100732259"},
		{in: "7707083893", wantKey: "ruid.inn_person_format"},
	})
	runChecks(t, "OrgINN", OrgINN, []check{
		{in: "7707083893", want: "7707083893"},
		{in: "500100732259", wantKey: "ruid.inn_org_format"},
	})
}

func TestOGRN(t *testing.T) {
	runChecks(t, "OGRN", OGRN, []check{
		{in: "1027700132195", want: "1027700132195"},
		{in: "1027700132196", wantKey: "ruid.ogrn_checksum"},
		{in: "102770013219", wantKey: "ruid.ogrn_format"},
		{in: "", wantKey: "ruid.required"},
	})
	runChecks(t, "OGRNIP", OGRNIP, []check{
		{in: "304500116000157", want: "304500116000157"},
		{in: "304500116000158", wantKey: "ruid.ogrnip_checksum"},
		{in: "1027700132195", wantKey: "ruid.ogrnip_format"},
	})
}

func TestPassport(t *testing.T) {
	runChecks(t, "Passport", Passport, []check{
		{in: "45 06 123456", want: "4506123456"},
		{in: "4506 №123456", want: "4506123456"},
		{in: "4506123456", want: "4506123456"},
		{in: "4599123456", want: "4599123456"},
		{in: "4540123456", want: "4540123456"},
		{in: "4541123456", wantKey: "ruid.passport_series"},
		{in: "4596123456", wantKey: "ruid.passport_series"},
		{in: "0006123456", wantKey: "ruid.passport_series"},
		{in: "4506000000", wantKey: "ruid.passport_format"},
		{in: "4506 12345", wantKey: "ruid.passport_format"},
		{in: "45O6123456", wantKey: "ruid.passport_format"},
		{in: "", wantKey: "ruid.required"},
	})
}

func TestPhone(t *testing.T) {
	runChecks(t, "Phone", Phone, []check{
		{in: "+7 (916) 123-45-67", want: "+79161234567"},
		{in: "8 916 123 45 67", want: "+79161234567"},
		{in: "79161234567", want: "+79161234567"},
		{in: "9161234567", want: "+79161234567"},
		{in: "+7 495 123-45-67", want: "+74951234567"},
		{in: "+8 916 123 45 67", wantKey: "ruid.phone_format"},
		{in: "+79161234567 1", wantKey: "ruid.phone_format"},
		{in: "+7 016 123 45 67", wantKey: "ruid.phone_format"},
		{in: "+375291234567", wantKey: "ruid.phone_format"},
		{in: "916-123-45-6", wantKey: "ruid.phone_format"},
		{in: "+7 916 123 45 6a", wantKey: "ruid.phone_format"},
		{in: "++79161234567", wantKey: "ruid.phone_format"},
		{in: "", wantKey: "ruid.required"},
	})
}

func TestEmail(t *testing.T) {
	runChecks(t, "Email", Email, []check{
		{in: " Ivan.Petrov@Mail.RU ", want: "ivan.petrov@mail.ru"},
		{in: "a+tag@sub.example.org", want: "a+tag@sub.example.org"},
		{in: "почта@пример.рф", want: "почта@пример.рф"},
		{in: "Почта@Пример.РФ", want: "почта@пример.рф"},
		{in: "ivan@mail", wantKey: "ruid.email_format"},
		{in: "ivan@@mail.ru", wantKey: "ruid.email_format"},
		{in: "@mail.ru", wantKey: "ruid.email_format"},
		{in: "ivan@", wantKey: "ruid.email_format"},
		{in: ".ivan@mail.ru", wantKey: "ruid.email_format"},
		{in: "iv..an@mail.ru", wantKey: "ruid.email_format"},
		{in: "iv an@mail.ru", wantKey: "ruid.email_format"},
		{in: "ivan@-mail.ru", wantKey: "ruid.email_format"},
		{in: "ivan@mail..ru", wantKey: "ruid.email_format"},
		{in: "ivan@1.2.3.4", wantKey: "ruid.email_format"},
		{in: "ivan@mail.ru\x00", wantKey: "ruid.email_format"},
		{in: "", wantKey: "ruid.required"},
	})
}

func TestFormatAndMask(t *testing.T) {
	got := []string{
		FormatSNILS("11223344595"), FormatSNILS("123"),
		FormatPassport("4506123456"),
		MaskSNILS("11223344595"), MaskSNILS("x"),
		MaskPassport("4506123456"),
		MaskPhone("+79161234567"), MaskPhone("8916"),
		MaskEmail("ivan.petrov@mail.ru"), MaskEmail("почта@пример.рф"), MaskEmail("broken"),
	}
	want := []string{
		"112-233-445 95", "123",
		"45 06 123456",
		"***-***-*** 95", "***-***-*** **",
		"45 ** ****56",
		"+7 *** ***-**-67", "+7 *** ***-**-**",
		"i***@mail.ru", "п***@пример.рф", "***",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("format/mask (-want +got):\n%s", diff)
	}
}

func TestField(t *testing.T) {
	var fe okno.FieldErrors
	_, err := SNILS("1")
	Field(&fe, "snils", err)
	want := okno.FieldErrors{{Field: "snils", Key: "ruid.snils_format"}}
	if diff := cmp.Diff(want, fe); diff != "" {
		t.Errorf("Field (-want +got):\n%s", diff)
	}
}
