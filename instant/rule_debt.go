package instant

import (
	"context"
	"time"

	"github.com/okno/okno"
)

// debtHistory bounds how far back a certificate of debt may be asked for.
const debtHistory = 3 * 366 * 24 * time.Hour

// debtRule ("debt") issues a certificate of the presence or absence of
// debt for housing and utilities on a personal account at a date.
//
// It reads the personal account from "account", "personalAccount",
// "personal_account" or "ls" (6 to 20 characters), and the date from
// "date", "at" or "asOf" (YYYY-MM-DD; empty: today; not in the future, not
// more than three years back).
type debtRule struct{ s *Service }

func (debtRule) Name() string { return "debt" }

func (r debtRule) Run(ctx context.Context, in Input) (Result, error) {
	ptr, account := field(in.Data, "account", "personalAccount", "personal_account", "ls")
	account = NormalizeKey(account)
	datePtr, ds := field(in.Data, "date", "at", "asOf")
	var fe okno.FieldErrors
	if account == "" {
		fe.Add(ptr, "instant.account_required")
	} else {
		keyProblem(&fe, ptr, account, 6, 20)
	}
	at := in.Now
	if ds != "" {
		d, err := time.ParseInLocation("2006-01-02", ds, r.s.d.Location)
		switch {
		case err != nil:
			fe.Add(datePtr, "instant.date_format")
		case d.After(in.Now):
			fe.Add(datePtr, "instant.date_future")
		case d.Before(in.Now.Add(-debtHistory)):
			fe.Add(datePtr, "instant.date_too_old")
		default:
			at = d
		}
	}
	if err := fe.Err(); err != nil {
		return Result{}, err
	}
	d, err := r.s.d.Registry.Debt(ctx, account, at)
	if okno.IsCode(err, okno.ENOTFOUND) {
		return Result{Status: StatusNone, Title: both("Лицевой счёт не найден", "Personal account not found"),
			Notes: []Text{both("Проверьте номер лицевого счёта: он указан в квитанции за жилищно-коммунальные услуги.",
				"Check the personal account number: it is on the bill for housing and utilities.")}}, nil
	}
	if err != nil {
		return Result{}, err
	}
	res := Result{Status: StatusFound, Certificate: true}
	if d.Kopecks > 0 {
		res.Title = both("Справка о наличии задолженности за жилищно-коммунальные услуги", "Certificate of debt for housing and utilities")
	} else {
		res.Title = both("Справка об отсутствии задолженности за жилищно-коммунальные услуги", "Certificate of no debt for housing and utilities")
	}
	asOf := d.AsOf
	if asOf.IsZero() {
		asOf = at
	}
	debt := both("задолженности нет", "no debt")
	if d.Kopecks > 0 {
		debt = rub(d.Kopecks)
	}
	res.Facts = []Fact{
		{both("Лицевой счёт", "Personal account"), plain(d.Account)},
		{both("Адрес", "Address"), plain(d.Address)},
		{both("Поставщик расчётов", "Kept by"), plain(d.Provider)},
		{both("Дата, на которую выдана справка", "As of"), r.s.date(asOf)},
		{both("Задолженность", "Debt"), debt},
	}
	res.Notes = []Text{both("Справка сформирована по данным расчётного центра на указанную дату. Подлинность проверяется по номеру справки.",
		"The certificate reflects the settlement centre's records on the date given. Its authenticity is checked by its number.")}
	return res, nil
}
