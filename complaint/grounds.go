package complaint

// Ground is a ground for a pre-trial complaint from 210-ФЗ art. 11.1.
// Its title and hint for the citizen are catalogue keys:
// complaint.ground.<code> and complaint.ground.<code>.hint; Law is the
// statute's own wording, which the complaint case carries for the
// controlling body (case data is written in Russian, as the case is).
type Ground struct {
	Code  string
	Point int // the point of art. 11.1
	Law   string
}

// TitleKey is the catalogue key of the ground's title.
func (g Ground) TitleKey() string { return "complaint.ground." + g.Code }

// HintKey is the catalogue key of the line explaining the ground.
func (g Ground) HintKey() string { return "complaint.ground." + g.Code + ".hint" }

// Grounds are the grounds of 210-ФЗ art. 11.1, in the law's order. The
// law's list is closed: a complaint names one or more of them.
var Grounds = []Ground{
	{"registration_deadline", 1, "нарушение срока регистрации запроса заявителя"},
	{"deadline", 2, "нарушение срока предоставления услуги"},
	{"documents_not_required", 3, "требование документов или информации, не предусмотренных нормативными актами"},
	{"refusal_to_accept", 4, "отказ в приёме документов, предоставление которых предусмотрено нормативными актами"},
	{"unlawful_refusal", 5, "отказ в предоставлении услуги по основаниям, не предусмотренным нормативными актами"},
	{"fee_not_provided", 6, "затребование платы, не предусмотренной нормативными актами"},
	{"typos_not_corrected", 7, "отказ в исправлении опечаток и ошибок в выданных документах либо нарушение срока исправления"},
	{"result_deadline", 8, "нарушение срока или порядка выдачи документов по результатам предоставления услуги"},
	{"unlawful_suspension", 9, "приостановление предоставления услуги по основаниям, не предусмотренным нормативными актами"},
	{"documents_after_refusal", 10, "требование документов, отсутствие которых не указывалось при первоначальном отказе"},
}

// ground returns the ground with code.
func ground(code string) (Ground, bool) {
	for _, g := range Grounds {
		if g.Code == code {
			return g, true
		}
	}
	return Ground{}, false
}

// knownGround reports whether code is one of Grounds.
func knownGround(code string) bool {
	_, ok := ground(code)
	return ok
}
