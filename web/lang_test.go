package web

import (
	"testing"

	"github.com/okno/okno/i18n"
)

func TestAcceptLanguage(t *testing.T) {
	tests := []struct {
		header string
		want   i18n.Lang
		ok     bool
	}{
		{"", "", false},
		{"en-GB,en;q=0.9", i18n.English, true},
		{"de, en;q=0.5, ru;q=0.8", i18n.Russian, true},
		{"ru-RU,ru;q=0.9,en-US;q=0.8", i18n.Russian, true},
		{"de, fr", "", false},
		{"en;q=0", "", false},
	}
	for _, tt := range tests {
		got, ok := acceptLanguage(tt.header)
		if got != tt.want || ok != tt.ok {
			t.Errorf("acceptLanguage(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}
