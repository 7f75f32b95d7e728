package web

import (
	"strconv"
	"strings"

	"github.com/okno/okno/accrual"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/payment"
)

// What the back office's pages share: money in roubles, status tags and
// the issuers' names.

// boMoney shows kopecks as roubles the way each language writes them:
// "1 234,50 ₽" in Russian, "RUB 1,234.50" in English.
func boMoney(l i18n.Localizer, kopecks int64) string {
	sign := ""
	if kopecks < 0 {
		sign, kopecks = "-", -kopecks
	}
	whole, part := strconv.FormatInt(kopecks/100, 10), kopecks%100
	group, point := "\u00a0", ","
	if l.Lang() == i18n.English {
		group, point = ",", "."
	}
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	cents := strconv.FormatInt(part, 10)
	if part < 10 {
		cents = "0" + cents
	}
	if l.Lang() == i18n.English {
		return sign + "RUB " + b.String() + point + cents
	}
	return sign + b.String() + point + cents + "\u00a0₽"
}

// maxRoubleDigits bounds the whole roubles a form takes: 100 million
// roubles (accrual.MaxAmount) has nine digits.
const maxRoubleDigits = 9

// boParseRoubles reads an amount a person typed in roubles — "500",
// "500,5", "1 234.50" — into kopecks; ok is false for anything else
// (signs, letters, more than two decimals, too many digits).
func boParseRoubles(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, strings.TrimSuffix(strings.TrimSpace(s), "₽"))
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if whole == "" || len(whole) > maxRoubleDigits || len(frac) > 2 || !boAllDigits(whole) || !boAllDigits(frac) {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	r, _ := strconv.ParseInt(whole, 10, 64)
	k, _ := strconv.ParseInt(frac, 10, 64)
	return r*100 + k, true
}

func boAllDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// boAccrualTag is an accrual's status as a coloured tag.
func boAccrualTag(l i18n.Localizer, s accrual.Status) Tag {
	colour := map[accrual.Status]string{accrual.StatusNew: "blue", accrual.StatusClarified: "blue",
		accrual.StatusAnnulled: "grey", accrual.StatusPaid: "green", accrual.StatusPartly: "yellow"}[s]
	return Tag{Text: l.T("web.backoffice.accrual_status." + string(s)), Colour: colour}
}

// boPaymentTag is a payment's status as a coloured tag.
func boPaymentTag(l i18n.Localizer, s payment.Status) Tag {
	colour := map[payment.Status]string{payment.StatusCreated: "grey", payment.StatusPending: "blue",
		payment.StatusSucceeded: "green", payment.StatusFailed: "red", payment.StatusCancelled: "grey",
		payment.StatusPartly: "yellow", payment.StatusRefunded: "grey"}[s]
	return Tag{Text: l.T("web.backoffice.payment_status." + string(s)), Colour: colour}
}

// accrualStatuses and paymentStatuses are the filters' choices, in the
// order things move through them.
var (
	accrualStatuses = []accrual.Status{accrual.StatusNew, accrual.StatusClarified, accrual.StatusPartly, accrual.StatusPaid, accrual.StatusAnnulled}
	paymentStatuses = []payment.Status{payment.StatusCreated, payment.StatusPending, payment.StatusSucceeded, payment.StatusFailed,
		payment.StatusCancelled, payment.StatusPartly, payment.StatusRefunded}
)

// boSourceName names an issuer: the configured name, Okno itself for the
// fees it issues, the code for an issuer no longer configured.
func boSourceName(l i18n.Localizer, sources []accrual.SourceInfo, code string) string {
	if code == accrual.OwnSource {
		return l.T("web.backoffice.source_okno")
	}
	for _, s := range sources {
		if s.Code == code {
			return s.Name
		}
	}
	return code
}
