package accrual

import (
	"testing"
	"time"
)

func TestAmountDue(t *testing.T) {
	until := time.Date(2026, 3, 29, 21, 0, 0, 0, time.UTC) // the end of 29 March in Moscow
	half := Discount{Kind: DiscountPercent, Value: 50, Until: until}
	fixed := Discount{Kind: DiscountFixed, Value: 30000, Until: until}
	before := until.Add(-time.Second)
	tests := []struct {
		name     string
		a        Accrual
		at       time.Time
		want     int64
		wantDays int
	}{
		{"no discount", Accrual{Status: StatusNew, Amount: 50000}, before, 50000, 0},
		{"half off while it runs", Accrual{Status: StatusNew, Amount: 50000, Discount: half}, before, 25000, 1},
		{"half off twenty days ahead", Accrual{Status: StatusNew, Amount: 50000, Discount: half}, until.Add(-19*24*time.Hour - time.Hour), 25000, 20},
		{"full amount once expired", Accrual{Status: StatusNew, Amount: 50000, Discount: half}, until, 50000, 0},
		{"odd kopecks rounded for the payer", Accrual{Status: StatusNew, Amount: 50001, Discount: half}, before, 25001, 1},
		{"fixed amount off", Accrual{Status: StatusNew, Amount: 50000, Discount: fixed}, before, 20000, 1},
		{"partly paid within the discount", Accrual{Status: StatusPartly, Amount: 50000, Paid: 10000, Discount: half}, before, 15000, 1},
		{"partly paid after it", Accrual{Status: StatusPartly, Amount: 50000, Paid: 10000, Discount: half}, until.Add(time.Hour), 40000, 0},
		{"annulled owes nothing", Accrual{Status: StatusAnnulled, Amount: 50000}, before, 0, 0},
		{"paid owes nothing", Accrual{Status: StatusPaid, Amount: 50000, Paid: 25000, Discount: half}, until.Add(time.Hour), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.AmountDue(tt.at); got != tt.want {
				t.Errorf("AmountDue = %d, want %d", got, tt.want)
			}
			if got := tt.a.DiscountDaysLeft(tt.at); got != tt.wantDays {
				t.Errorf("DiscountDaysLeft = %d, want %d", got, tt.wantDays)
			}
		})
	}
}

func TestParseUntilIsEndOfDayInMoscow(t *testing.T) {
	got, ok := parseUntil("2026-03-29")
	if want := time.Date(2026, 3, 29, 21, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("parseUntil = %v, %v, want %v", got, ok, want)
	}
}

func TestNormalizeDoc(t *testing.T) {
	tests := []struct{ in, want string }{
		{"99 12 345678", "9912345678"},
		{"78 ук 123456", "78УК123456"},
		{"78 YK 123456", "78УК123456"}, // Latin look-alikes
		{"78-УК-123456", "78УК123456"},
		{"78 УК 12345", ""},
		{"7 8УК1234567", ""},
		{"78 ЖZ 123456", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := NormalizeDoc(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("NormalizeDoc(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}
