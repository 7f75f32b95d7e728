package i18n

import (
	"fmt"
	"testing"
)

func TestPluralForm(t *testing.T) {
	tests := []struct {
		n      any
		ru, en Form
	}{
		{0, Many, Other},
		{1, One, One},
		{2, Few, Other},
		{4, Few, Other},
		{5, Many, Other},
		{11, Many, Other},
		{12, Many, Other},
		{14, Many, Other},
		{21, One, Other},
		{22, Few, Other},
		{25, Many, Other},
		{101, One, Other},
		{111, Many, Other},
		{112, Many, Other},
		{122, Few, Other},
		{-1, One, One},
		{int64(3), Few, Other},
		{uint8(1), One, One},
		{1.5, Other, Other},
		{1.0, One, One},
		{float32(2), Few, Other},
		{0.5, Other, Other},
		{"1", Other, Other},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T(%v)", tt.n, tt.n), func(t *testing.T) {
			if got := PluralForm(Russian, tt.n); got != tt.ru {
				t.Errorf("PluralForm(ru, %v) = %q, want %q", tt.n, got, tt.ru)
			}
			if got := PluralForm(English, tt.n); got != tt.en {
				t.Errorf("PluralForm(en, %v) = %q, want %q", tt.n, got, tt.en)
			}
		})
	}
}
