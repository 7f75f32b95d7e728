package org

import "testing"

func TestChecksums(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"INN of a legal entity", validINN, "7707083893", true},
		{"INN with a wrong check digit", validINN, "7707083894", false},
		{"INN of an individual", validINN, "500100732259", true},
		{"INN of an individual, wrong", validINN, "500100732258", false},
		{"INN of 11 digits", validINN, "77070838931", false},
		{"INN with a letter", validINN, "77070838a3", false},
		{"OGRN", validOGRN, "1027700132195", true},
		{"OGRN, wrong", validOGRN, "1027700132196", false},
		{"OGRNIP", validOGRN, "304500116000157", true},
		{"OGRN of 12 digits", validOGRN, "102770013219", false},
		{"phone +7", validPhone, "+7 (812) 576-45-02", true},
		{"phone 8", validPhone, "88125764502", true},
		{"phone too short", validPhone, "576-45-02", false},
		{"phone with letters", validPhone, "+7 812 CALL-NOW", false},
		{"clock", validClock, "09:00", true},
		{"clock midnight end", validClock, "24:00", true},
		{"clock past midnight", validClock, "24:30", false},
		{"clock 9:00", validClock, "9:00", false},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s: (%q) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}
