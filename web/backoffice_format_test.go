package web

import (
	"testing"

	"github.com/okno/okno/i18n"
)

func TestBoMoney(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ru, en := cat.Localizer(i18n.Russian), cat.Localizer(i18n.English)
	tests := []struct {
		kopecks int64
		ru, en  string
	}{
		{0, "0,00\u00a0₽", "RUB 0.00"},
		{5, "0,05\u00a0₽", "RUB 0.05"},
		{35000, "350,00\u00a0₽", "RUB 350.00"},
		{123456789, "1\u00a0234\u00a0567,89\u00a0₽", "RUB 1,234,567.89"},
		{-20050, "-200,50\u00a0₽", "-RUB 200.50"},
	}
	for _, tt := range tests {
		if got := boMoney(ru, tt.kopecks); got != tt.ru {
			t.Errorf("boMoney(ru, %d) = %q, want %q", tt.kopecks, got, tt.ru)
		}
		if got := boMoney(en, tt.kopecks); got != tt.en {
			t.Errorf("boMoney(en, %d) = %q, want %q", tt.kopecks, got, tt.en)
		}
	}
}

func TestBoParseRoubles(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"500", 50000, true},
		{"500,5", 50050, true},
		{"500.05", 50005, true},
		{" 1 234,50 ₽ ", 123450, true},
		{"1\u00a0234", 123400, true},
		{"0", 0, true}, // a zero is well formed; the handler refuses it
		{"", 0, false},
		{",50", 0, false},
		{"5,505", 0, false},
		{"-5", 0, false},
		{"+5", 0, false},
		{"5e3", 0, false},
		{"1,2,3", 0, false},
		{"пятьсот", 0, false},
		{"1000000000", 0, false}, // ten digits: over any amount accepted
		{"٥", 0, false},          // digits of other scripts are not roubles
	}
	for _, tt := range tests {
		got, ok := boParseRoubles(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("boParseRoubles(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBoRoubles(t *testing.T) {
	for _, k := range []int64{0, 5, 50, 29950, 123456789} {
		if got, ok := boParseRoubles(boRoubles(k)); !ok || got != k {
			t.Errorf("boRoubles(%d) = %q reads back as %d, %v", k, boRoubles(k), got, ok)
		}
	}
}
