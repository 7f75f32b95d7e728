package web

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/i18n"
)

// TestFineLineCountsTheDiscountDown: what a fine's line says of its
// discount on the days that matter, in Russian and English, and of what
// is due and where it stands.
func TestFineLineCountsTheDiscountDown(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ru, en := cat.Localizer(i18n.Russian), cat.Localizer(i18n.English)
	until := time.Date(2026, 3, 29, 21, 0, 0, 0, time.UTC) // midnight after 29.03 in Moscow
	fine := func(days int, due int64, st accrual.Status, d accrual.Discount) accrual.Fine {
		return accrual.Fine{Accrual: accrual.Accrual{UIN: "18810178000000001014", Kind: accrual.KindFine, Status: st,
			Amount: 100000, Discount: d, Purpose: "Превышение"}, DueNow: due, DaysLeft: days}
	}
	type shown struct {
		Due, Full, Discount, Tag string
		Unpaid                   bool
	}
	half := accrual.Discount{Kind: accrual.DiscountPercent, Value: 50, Until: until}
	tests := []struct {
		name string
		l    i18n.Localizer
		f    accrual.Fine
		want shown
	}{
		{"six days", ru, fine(6, 50000, accrual.StatusNew, half), shown{Due: "500\u00a0₽", Full: "1\u202f000\u00a0₽",
			Discount: "Скидка 50\u00a0% — ещё 6 дней, до 29.03.2026 включительно", Tag: "Не оплачен", Unpaid: true}},
		{"one day left is the last day", ru, fine(1, 50000, accrual.StatusNew, half), shown{Due: "500\u00a0₽", Full: "1\u202f000\u00a0₽",
			Discount: "Скидка 50\u00a0% — последний день", Tag: "Не оплачен", Unpaid: true}},
		{"expired", ru, fine(0, 100000, accrual.StatusNew, half), shown{Due: "1\u202f000\u00a0₽",
			Discount: "Срок скидки 50\u00a0% истёк", Tag: "Не оплачен", Unpaid: true}},
		{"a fixed discount, in English", en, fine(2, 70000, accrual.StatusClarified, accrual.Discount{Kind: accrual.DiscountFixed, Value: 30000, Until: until}),
			shown{Due: "₽700", Full: "₽1\u202f000", Discount: "₽300 discount — 2 more days, until 29 March 2026 inclusive", Tag: "Unpaid", Unpaid: true}},
		{"no discount", ru, fine(0, 100000, accrual.StatusNew, accrual.Discount{}), shown{Due: "1\u202f000\u00a0₽", Tag: "Не оплачен", Unpaid: true}},
		{"paid", ru, func() accrual.Fine { f := fine(0, 0, accrual.StatusPaid, half); f.Paid = 50000; return f }(),
			shown{Due: "500\u00a0₽", Tag: "Оплачен"}},
		{"annulled", ru, fine(0, 0, accrual.StatusAnnulled, half), shown{Due: "1\u202f000\u00a0₽", Tag: "Отменён"}},
		{"partly paid", ru, func() accrual.Fine {
			f := fine(0, 60000, accrual.StatusPartly, accrual.Discount{})
			f.Paid = 40000
			return f
		}(),
			shown{Due: "600\u00a0₽", Tag: "Оплачен частично", Unpaid: true}},
	}
	for _, tt := range tests {
		got := fineLineOf(tt.l, tt.f)
		if diff := cmp.Diff(tt.want, shown{got.Due, got.Full, got.Discount, got.Tags[0].Text, got.Unpaid}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if (got.PayKey != "") != tt.want.Unpaid {
			t.Errorf("%s: pay key %q, want one only while something is due", tt.name, got.PayKey)
		}
	}
}
