package accrual

import "testing"

func TestUINProblem(t *testing.T) {
	tests := []struct {
		name, uin, want string
	}{
		{"20 digits, first pass", "18810177220000000015", ""},
		{"20 digits, second pass (first remainder 10)", "18810177000000000079", ""},
		{"20 digits, remainder 10 twice gives 0", "18810177000000000410", ""},
		{"25 digits", "0355431010101254456743215", ""},
		{"made by MakeUIN", MakeUIN("18810178", 1234), ""},
		{"wrong check digit", "18810177220000000016", "accrual.uin_check"},
		{"second pass digit taken from the first pass", "18810177000000000070", "accrual.uin_check"},
		{"25 digits, wrong check digit", "0355431010101254456743210", "accrual.uin_check"},
		{"two digits swapped", "18810177202000000015", "accrual.uin_check"},
		{"empty", "", "accrual.uin_required"},
		{"19 digits", "1881017722000000001", "accrual.uin_length"},
		{"21 digits", "188101772200000000151", "accrual.uin_length"},
		{"letters", "1881017722000000A015", "accrual.uin_digits"},
		{"letter as check digit", "1881017722000000001X", "accrual.uin_digits"},
		{"Cyrillic", "18810177220000000О15", "accrual.uin_length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UINProblem(tt.uin); got != tt.want {
				t.Errorf("UINProblem(%q) = %q, want %q", tt.uin, got, tt.want)
			}
		})
	}
}

func TestMakeUIN(t *testing.T) {
	got := MakeUIN("03100643", 42)
	if want := "0310064300000000042"; got[:19] != want || len(got) != 20 || !ValidUIN(got) {
		t.Errorf("MakeUIN = %q, want %s and a valid check digit", got, want)
	}
}
