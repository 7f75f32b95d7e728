package instant

import (
	"context"
	"strings"

	"github.com/okno/okno"
)

// kindergartenRule ("kindergarten-queue") tells a child's place in the
// kindergarten queue: the position, the desired kindergartens, the date of
// the application.
//
// It reads the child's birth certificate from "birthCertificate",
// "birth_certificate", "certificate" or "childCertificate" (series and
// number, e.g. "IV-АК 123456"), or from its series and number apart:
// "certificateSeries" and "certificateNumber" (or "birthCertificate…",
// or "series" and "number"), at the top or in an object such as "child".
type kindergartenRule struct{ s *Service }

func (kindergartenRule) Name() string { return "kindergarten-queue" }

func (r kindergartenRule) Run(ctx context.Context, in Input) (Result, error) {
	ptr, cert := document(in.Data, []string{"birthCertificate", "birth_certificate", "certificate", "childCertificate"},
		[]string{"certificate", "birthCertificate", ""})
	cert = NormalizeKey(cert)
	var fe okno.FieldErrors
	if cert == "" {
		fe.Add(ptr, "instant.birth_certificate_required")
	} else {
		keyProblem(&fe, ptr, cert, 8, 14)
	}
	if err := fe.Err(); err != nil {
		return Result{}, err
	}
	p, err := r.s.d.Registry.KindergartenQueue(ctx, cert)
	if okno.IsCode(err, okno.ENOTFOUND) {
		return Result{Status: StatusNone, Title: both("Ребёнок не найден в очереди в детский сад", "The child is not in the kindergarten queue"),
			Notes: []Text{both("Проверьте серию и номер свидетельства о рождении. Если заявление подано недавно, оно появится в очереди после регистрации.",
				"Check the birth certificate's series and number. A recent application appears in the queue once registered.")}}, nil
	}
	if err != nil {
		return Result{}, err
	}
	facts := []Fact{
		{both("Ребёнок", "Child"), plain(p.Child)},
		{both("Статус", "Status"), plain(p.Status)},
		{both("Место в очереди", "Place in the queue"), plain(place(p.Position, p.Total))},
		{both("Район", "District"), plain(p.District)},
		{both("Желаемые детские сады", "Desired kindergartens"), plain(strings.Join(p.Kindergarten, "; "))},
		{both("Желаемый год зачисления", "Year wanted"), plain(itoa(p.DesiredYear))},
		{both("Дата заявления", "Applied on"), r.s.date(p.AppliedAt)},
	}
	if p.Benefit != "" {
		facts = append(facts, Fact{both("Льгота", "Priority right"), plain(p.Benefit)})
	}
	return Result{Status: StatusFound, Title: both("Место в очереди в детский сад", "Place in the kindergarten queue"), Facts: facts,
		Notes: []Text{both("Место в очереди меняется: дети с льготами зачисляются в первую очередь.",
			"The place changes: children with priority rights are enrolled first.")}}, nil
}

// place is "12 из 140" or "12" when the queue's length is unknown.
func place(n, total int) string {
	if total > 0 {
		return itoa(n) + " из " + itoa(total)
	}
	return itoa(n)
}

// housingRule ("housing-queue") issues a certificate of the housing-queue
// status: registered since, the number in the queue, the category.
//
// The certificate is about the citizen: the SNILS is the profile's. A form
// may show it ("snils", "applicantSnils" or "applicant_snils", prefilled
// with x-prefill "profile.snils"); a different one typed there is refused.
type housingRule struct{ s *Service }

func (housingRule) Name() string { return "housing-queue" }

func (r housingRule) Run(ctx context.Context, in Input) (Result, error) {
	ptr, typed := field(in.Data, "snils", "applicantSnils", "applicant_snils")
	snils := digits(in.Profile.SNILS)
	var fe okno.FieldErrors
	switch {
	case len(snils) != 11:
		fe.Add(ptr, "instant.snils_profile")
	case typed != "" && digits(typed) != snils:
		// A certificate is issued about oneself only: the queue of
		// another person is their personal data.
		fe.Add(ptr, "instant.snils_not_yours")
	}
	if err := fe.Err(); err != nil {
		return Result{}, err
	}
	p, err := r.s.d.Registry.HousingQueue(ctx, snils)
	if okno.IsCode(err, okno.ENOTFOUND) {
		return Result{Status: StatusNone, Title: both("Вы не состоите на учёте нуждающихся в жилых помещениях", "You are not in the housing queue"),
			Notes: []Text{both("Встать на учёт можно в администрации района по месту жительства.",
				"You may apply to be registered at your district administration.")}}, nil
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Status: StatusFound, Certificate: true,
		Title: both("Справка о статусе в очереди на жильё", "Certificate of the housing-queue status"),
		Facts: []Fact{
			{both("Статус", "Status"), both("состоит на учёте нуждающихся в жилых помещениях", "registered as in need of housing")},
			{both("На учёте с", "Registered since"), r.s.date(p.RegisteredAt)},
			{both("Номер в очереди", "Number in the queue"), plain(itoa(p.Number))},
			{both("Категория", "Category"), plain(p.Category)},
			{both("Состав семьи", "Family"), plain(itoa(p.FamilySize))},
			{both("Решение о постановке на учёт", "Decision"), plain(p.Decision)},
			{both("Учёт ведёт", "Kept by"), plain(p.Body)},
		},
		Notes: []Text{both("Номер в очереди указан на дату выдачи справки.", "The number is as of the certificate's issue date.")}}, nil
}
