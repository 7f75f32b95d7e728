package instant

import (
	"context"
	"sort"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
)

// discountDays is how long after the decision a fine may be paid at half
// its amount (КоАП РФ ст. 32.2 ч. 1.3: within 20 days of the decision).
const discountDays = 20

// finesRule ("fines") lists a driver's or a vehicle's unpaid traffic
// fines: amount, date, article, and the 50 % discount's deadline counted
// down. Paid fines are not listed.
//
// It reads the vehicle registration certificate (СТС) from "sts",
// "vehicleCertificate", "vehicle_certificate" or "certificate", and the
// driving licence from "licence", "license", "driverLicence",
// "driverLicense" or "driving_licence"; or either as a series and a
// number apart ("stsSeries" and "stsNumber", "licenceSeries" and
// "licenceNumber"...; see document). At least one is needed; both are
// searched when given.
type finesRule struct{ s *Service }

func (finesRule) Name() string { return "fines" }

func (r finesRule) Run(ctx context.Context, in Input) (Result, error) {
	reg := r.s.d.Registry
	stsPtr, sts := document(in.Data, []string{"sts", "vehicleCertificate", "vehicle_certificate", "certificate"},
		[]string{"sts", "vehicleCertificate", "certificate"})
	licPtr, lic := document(in.Data, []string{"licence", "license", "driverLicence", "driverLicense", "driving_licence"},
		[]string{"licence", "license", "driverLicence", "driverLicense"})
	sts, lic = NormalizeKey(sts), NormalizeKey(lic)
	var fe okno.FieldErrors
	if sts == "" && lic == "" {
		fe.Add(stsPtr, "instant.fines_document")
	}
	if sts != "" {
		keyProblem(&fe, stsPtr, sts, 10, 10)
	}
	if lic != "" {
		keyProblem(&fe, licPtr, lic, 10, 10)
	}
	if err := fe.Err(); err != nil {
		return Result{}, err
	}
	var all []Fine
	seen := map[string]bool{}
	add := func(fs []Fine, err error) error {
		if err != nil && !okno.IsCode(err, okno.ENOTFOUND) {
			return err
		}
		for _, f := range fs {
			if !seen[f.UIN] {
				seen[f.UIN] = true
				all = append(all, f)
			}
		}
		return nil
	}
	if sts != "" {
		if err := add(reg.FinesByVehicle(ctx, sts)); err != nil {
			return Result{}, err
		}
	}
	if lic != "" {
		if err := add(reg.FinesByLicence(ctx, lic)); err != nil {
			return Result{}, err
		}
	}
	return r.result(all, in.Now), nil
}

// result lists the unpaid fines, oldest decision first.
func (r finesRule) result(all []Fine, now time.Time) Result {
	var unpaid []Fine
	for _, f := range all {
		if !f.Paid {
			unpaid = append(unpaid, f)
		}
	}
	sort.SliceStable(unpaid, func(i, j int) bool { return unpaid[i].DecisionDate.Before(unpaid[j].DecisionDate) })
	if len(unpaid) == 0 {
		return Result{Status: StatusNone, Title: both("Неоплаченных штрафов нет", "No unpaid fines"),
			Notes: []Text{both("Штрафы, по которым ещё нет постановления, появятся здесь позже.",
				"Fines without a decision yet will appear here later.")}}
	}
	res := Result{Status: StatusFound, Title: both("Неоплаченные штрафы", "Unpaid fines")}
	var total, toPay int64
	for _, f := range unpaid {
		sec, due := r.fine(f, now)
		res.Sections = append(res.Sections, sec)
		total += f.Kopecks
		toPay += due
	}
	res.Facts = []Fact{
		{both("Неоплаченных штрафов", "Unpaid fines"), plain(itoa(len(unpaid)))},
		{both("Сумма штрафов", "Total of the fines"), rub(total)},
	}
	if toPay != total {
		res.Facts = append(res.Facts, Fact{both("К оплате со скидкой", "To pay with the discount"), rub(toPay)})
	}
	res.Notes = []Text{both("В течение 20 дней со дня постановления штраф можно оплатить со скидкой 50 % (ч. 1.3 ст. 32.2 КоАП РФ), кроме отдельных статей.",
		"Within 20 days of the decision a fine may be paid at half its amount (Code of Administrative Offences, art. 32.2 p. 1.3), except for some articles.")}
	return res
}

// fine describes one fine and what is due for it now.
func (r finesRule) fine(f Fine, now time.Time) (Section, int64) {
	loc := r.s.d.Location
	facts := []Fact{
		{both("Статья", "Article"), plain(f.Article)},
		{both("Нарушение", "Offence"), plain(f.Offence)},
		{both("Дата нарушения", "Date of the offence"), r.s.dateTime(f.OffenceAt)},
	}
	if f.Place != "" {
		facts = append(facts, Fact{both("Место", "Place"), plain(f.Place)})
	}
	if f.Vehicle != "" {
		facts = append(facts, Fact{both("Транспортное средство", "Vehicle"), plain(f.Vehicle)})
	}
	facts = append(facts, Fact{both("Сумма", "Amount"), rub(f.Kopecks)})
	due := f.Kopecks
	deadline := day(f.DecisionDate, loc).AddDate(0, 0, discountDays)
	left := daysBetween(now, deadline, loc)
	switch {
	case f.NoDiscount:
		facts = append(facts, Fact{both("Скидка 50 %", "50 % discount"), both("не применяется к этой статье", "does not apply to this article")})
	case left >= 0:
		due = (f.Kopecks + 1) / 2
		until := deadline.Format("02.01.2006")
		v := both("до "+until+" включительно, сегодня последний день", "until "+until+" inclusive: today is the last day")
		if left > 0 {
			verb := "осталось "
			if i18n.PluralForm(i18n.Russian, left) == i18n.One {
				verb = "остался "
			}
			d := daysText(left)
			v = both("до "+until+" включительно, "+verb+d["ru"], "until "+until+" inclusive, "+d["en"]+" left")
		}
		facts = append(facts, Fact{both("Скидка 50 %", "50 % discount"), v},
			Fact{both("К оплате со скидкой", "To pay with the discount"), rub(due)})
	default:
		facts = append(facts, Fact{both("Скидка 50 %", "50 % discount"), both("срок скидки истёк "+deadline.Format("02.01.2006"), "the discount ended on "+deadline.Format("02.01.2006"))})
	}
	facts = append(facts, Fact{both("УИН для оплаты", "Payment identifier (UIN)"), plain(f.UIN)})
	title := both("Постановление от "+r.s.date(f.DecisionDate)["ru"], "Decision of "+r.s.date(f.DecisionDate)["ru"])
	return Section{Title: title, Facts: facts}, due
}
