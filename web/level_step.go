package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/ruid"
)

// levelQuestion is one page of the "raise to standard" flow: one question
// per page, as GOV.UK advises for long forms on phones.
type levelQuestion struct {
	slug   string // path segment: /cabinet/level/{slug}
	number int    // "Шаг 2 из 4"
	title  string // catalogue key of the question, the page's heading
	hint   string // catalogue key, optional
	fields func(l i18n.Localizer) []Field
	values func(d levelDraft) url.Values
	// take copies the answers into the draft and checks what can be
	// checked alone. Identity checks everything again on submit.
	take func(d *levelDraft, v url.Values) error
	next string
}

// levelQuestions are the flow's pages in order; the check page follows.
var levelQuestions = []levelQuestion{
	{
		slug: "name", number: 1, title: "web.level.q_name", hint: "web.level.q_name_hint",
		fields: func(l i18n.Localizer) []Field {
			return []Field{
				{Name: "last_name", Label: l.T("web.level.last_name"), Autocomplete: "family-name", Width: "medium"},
				{Name: "first_name", Label: l.T("web.level.first_name"), Autocomplete: "given-name", Width: "medium"},
				{Name: "middle_name", Label: l.T("web.level.middle_name"), Hint: l.T("web.level.middle_name_hint"), Autocomplete: "additional-name", Width: "medium"},
			}
		},
		values: func(d levelDraft) url.Values {
			return url.Values{"last_name": {d.LastName}, "first_name": {d.FirstName}, "middle_name": {d.MiddleName}}
		},
		take: func(d *levelDraft, v url.Values) error {
			d.LastName, d.FirstName, d.MiddleName = v.Get("last_name"), v.Get("first_name"), v.Get("middle_name")
			var fe okno.FieldErrors
			if d.LastName == "" {
				fe.Add("last_name", "identity.name_required")
			}
			if d.FirstName == "" {
				fe.Add("first_name", "identity.name_required")
			}
			return fe.Err()
		},
		next: "birth-date",
	},
	{
		slug: "birth-date", number: 2, title: "web.level.q_birth", hint: "web.level.q_birth_hint",
		fields: func(l i18n.Localizer) []Field {
			return []Field{
				{Name: "birth_day", Label: l.T("web.level.day"), Autocomplete: "bday-day", Width: "day"},
				{Name: "birth_month", Label: l.T("web.level.month"), Autocomplete: "bday-month", Width: "day"},
				{Name: "birth_year", Label: l.T("web.level.year"), Autocomplete: "bday-year", Width: "year"},
			}
		},
		values: func(d levelDraft) url.Values {
			return url.Values{"birth_day": {d.BirthDay}, "birth_month": {d.BirthMonth}, "birth_year": {d.BirthYear}}
		},
		take: func(d *levelDraft, v url.Values) error {
			d.BirthDay, d.BirthMonth, d.BirthYear = v.Get("birth_day"), v.Get("birth_month"), v.Get("birth_year")
			if _, ok := d.birthDate(); !ok {
				var fe okno.FieldErrors
				fe.Add("birth_date", "identity.birth_date_invalid")
				return fe.Err()
			}
			return nil
		},
		next: "passport",
	},
	{
		slug: "passport", number: 3, title: "web.level.q_passport", hint: "web.level.q_passport_hint",
		fields: func(l i18n.Localizer) []Field {
			return []Field{{Name: "passport", Label: l.T("web.level.passport"), Hint: l.T("web.level.passport_hint"), Width: "medium", Autocomplete: "off"}}
		},
		values: func(d levelDraft) url.Values { return url.Values{"passport": {d.Passport}} },
		take: func(d *levelDraft, v url.Values) error {
			d.Passport = v.Get("passport")
			return checkWith(ruid.Passport, "passport", d.Passport)
		},
		next: "snils",
	},
	{
		slug: "snils", number: 4, title: "web.level.q_snils", hint: "web.level.q_snils_hint",
		fields: func(l i18n.Localizer) []Field {
			return []Field{{Name: "snils", Label: l.T("web.level.snils"), Hint: l.T("web.level.snils_hint"), Width: "medium", Autocomplete: "off"}}
		},
		values: func(d levelDraft) url.Values { return url.Values{"snils": {d.SNILS}} },
		take: func(d *levelDraft, v url.Values) error {
			d.SNILS = v.Get("snils")
			return checkWith(ruid.SNILS, "snils", d.SNILS)
		},
		next: "check",
	},
}

// checkWith runs one of package ruid's validators — the same rule identity
// applies on submit — so a mistyped document number is caught on its page.
func checkWith(valid func(string) (string, error), field, value string) error {
	if _, err := valid(value); err != nil {
		var fe okno.FieldErrors
		ruid.Field(&fe, field, err)
		return fe.Err()
	}
	return nil
}

// birthDate assembles the date the way a date input would send it.
func (d levelDraft) birthDate() (string, bool) {
	day, e1 := strconv.Atoi(d.BirthDay)
	month, e2 := strconv.Atoi(d.BirthMonth)
	year, e3 := strconv.Atoi(d.BirthYear)
	if e1 != nil || e2 != nil || e3 != nil || year < 1000 || year > 9999 {
		return "", false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month {
		return "", false // 31.02 rolls over: not a date
	}
	return t.Format(time.DateOnly), true
}

// levelStepPage is the data of one question page.
type levelStepPage struct {
	Number, Of int
	Hint       string
	Form       Form
	Date       bool   // the three-part date input
	DateError  string // its message, shown once for the group
	Action     string
	Return     string // "check" when changing an answer from the check page
	Back       string
}

func (s *Server) levelStepView(w http.ResponseWriter, r *http.Request, q levelQuestion, values url.Values, err error) View {
	l := stateFrom(r.Context()).loc
	ret := r.URL.Query().Get("return")
	if r.Method == http.MethodPost {
		ret = r.PostFormValue("return")
	}
	if ret != "check" {
		ret = ""
	}
	data := levelStepPage{
		Number: q.number, Of: len(levelQuestions), Hint: l.T(q.hint),
		Form:   NewForm(l, values, err, q.fields(l)...),
		Date:   q.slug == "birth-date",
		Action: "/cabinet/level/" + q.slug,
		Return: ret,
		Back:   "/cabinet",
	}
	if q.number > 1 {
		data.Back = "/cabinet/level/" + levelQuestions[q.number-2].slug
	}
	if ret == "check" {
		data.Back = "/cabinet/level/check"
	}
	if data.Date && err != nil {
		// The three inputs answer one question: one message, linked to
		// the first of them.
		_, fields := l.Error(err)
		data.DateError = fields["birth_date"]
		data.Form.Errors = []FieldMessage{{ID: "f-birth_day", Message: data.DateError}}
	}
	return s.view(w, r, q.title, data)
}

// levelStep shows question q with the answer given so far.
func (s *Server) levelStep(q levelQuestion) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d := s.loadDraft(r, session(r).UserID)
		return s.render(w, http.StatusOK, "level-step", s.levelStepView(w, r, q, q.values(d), nil))
	}
}

// levelStepSubmit keeps the answer — even a wrong one, so it is never
// lost — and goes on to the next question, or back to the check page when
// the person came from there.
func (s *Server) levelStepSubmit(q levelQuestion) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		me := session(r)
		d := s.loadDraft(r, me.UserID)
		answers := url.Values{}
		for _, f := range q.fields(stateFrom(r.Context()).loc) {
			answers.Set(f.Name, formValue(r, f.Name))
		}
		err := q.take(&d, answers)
		if serr := s.saveDraft(w, me.UserID, d); serr != nil {
			return serr
		}
		if err != nil {
			return s.render(w, formStatus(err), "level-step", s.levelStepView(w, r, q, answers, err))
		}
		next := "/cabinet/level/" + q.next
		if r.PostFormValue("return") == "check" {
			next = "/cabinet/level/check"
		}
		return seeOther(w, r, next)
	}
}

// levelRoutes declares the question pages.
func (s *Server) levelRoutes() []Route {
	var out []Route
	for _, q := range levelQuestions {
		p := fmt.Sprintf("/cabinet/level/%s", q.slug)
		out = append(out,
			Route{Method: "GET", Pattern: p, Access: Citizen(), Handler: s.levelStep(q)},
			Route{Method: "POST", Pattern: p, Access: Citizen(), Handler: s.levelStepSubmit(q)},
		)
	}
	return out
}
