package web

import (
	"net/http"
	"strings"

	"github.com/okno/okno/identity"
	"github.com/okno/okno/ruid"
)

// levelCheckPage is the data of /cabinet/level/check.
type levelCheckPage struct {
	Answers []SummaryRow
	Form    Form // only its error summary: problems link to their question
}

// fieldStep says which question page fixes each of identity's fields.
var fieldStep = map[string]string{
	"last_name": "name", "first_name": "name", "middle_name": "name",
	"birth_date": "birth-date", "passport": "passport", "snils": "snils",
}

// firstUnanswered is the first question without an answer, or "".
func (d levelDraft) firstUnanswered() string {
	_, dateOK := d.birthDate()
	switch {
	case d.LastName == "" || d.FirstName == "":
		return "name"
	case !dateOK:
		return "birth-date"
	case d.Passport == "":
		return "passport"
	case d.SNILS == "":
		return "snils"
	}
	return ""
}

func (s *Server) levelCheckView(w http.ResponseWriter, r *http.Request, d levelDraft, err error) View {
	l := stateFrom(r.Context()).loc
	change := func(slug string) string { return "/cabinet/level/" + slug + "?return=check" }
	date, _ := d.birthDate()
	passport, snils := d.Passport, d.SNILS
	if p, err := ruid.Passport(passport); err == nil {
		passport = ruid.FormatPassport(p)
	}
	if n, err := ruid.SNILS(snils); err == nil {
		snils = ruid.FormatSNILS(n)
	}
	data := levelCheckPage{Answers: []SummaryRow{
		{Key: l.T("web.level.full_name"), Value: strings.Join(strings.Fields(d.LastName+" "+d.FirstName+" "+d.MiddleName), " "), ChangeURL: change("name")},
		{Key: l.T("web.level.birth_date"), Value: formatDate(l, date), ChangeURL: change("birth-date")},
		{Key: l.T("web.level.passport"), Value: passport, ChangeURL: change("passport")},
		{Key: l.T("web.level.snils"), Value: snils, ChangeURL: change("snils")},
	}}
	if err != nil {
		msg, fields := l.Error(err)
		for _, fe := range errorFields(err) {
			if step, ok := fieldStep[fe]; ok {
				data.Form.Errors = append(data.Form.Errors, FieldMessage{Message: fields[fe], URL: change(step)})
			}
		}
		if len(data.Form.Errors) == 0 {
			data.Form.Errors = []FieldMessage{{Message: msg}}
		}
	}
	return s.view(w, r, "web.level.check_title", data)
}

// levelCheck shows every answer with a link to change it; unanswered
// questions send the person to the first of them.
func (s *Server) levelCheck(w http.ResponseWriter, r *http.Request) error {
	d := s.loadDraft(r, session(r).UserID)
	if q := d.firstUnanswered(); q != "" {
		return seeOther(w, r, "/cabinet/level/"+q)
	}
	return s.render(w, http.StatusOK, "level-check", s.levelCheckView(w, r, d, nil))
}

// levelCheckSubmit hands the answers to identity, which checks them all
// and raises the account to standard, or changes nothing. Problems are
// listed with links to the question that fixes each.
func (s *Server) levelCheckSubmit(w http.ResponseWriter, r *http.Request) error {
	me := session(r)
	d := s.loadDraft(r, me.UserID)
	if q := d.firstUnanswered(); q != "" {
		return seeOther(w, r, "/cabinet/level/"+q)
	}
	date, _ := d.birthDate()
	err := s.deps.Accounts.SubmitPersonalData(r.Context(), me.UserID, identity.PersonalData{
		LastName: d.LastName, FirstName: d.FirstName, MiddleName: d.MiddleName,
		BirthDate: date, Passport: d.Passport, SNILS: d.SNILS,
	})
	if userError(err) {
		return s.render(w, formStatus(err), "level-check", s.levelCheckView(w, r, d, err))
	}
	if err != nil {
		return err
	}
	s.clearCookie(w, draftCookie, draftPath)
	return seeOther(w, r, "/cabinet/level/done")
}

// levelDonePage is the data of /cabinet/level/done.
type levelDonePage struct {
	Panel     Panel
	Confirmed bool
}

// levelDone confirms the new level and says what it unlocks and what next.
func (s *Server) levelDone(w http.ResponseWriter, r *http.Request) error {
	l := stateFrom(r.Context()).loc
	p, err := s.deps.Accounts.Profile(r.Context(), session(r).UserID)
	if err != nil {
		return err
	}
	if !p.Assurance.AtLeast(identity.AssuranceStandard) {
		return seeOther(w, r, "/cabinet")
	}
	return s.render(w, http.StatusOK, "level-done", s.view(w, r, "web.level.done_title", levelDonePage{
		Panel:     Panel{Title: l.T("web.level.done_title"), Body: l.T("web.level.done_body"), Reference: levelName(l, p.Assurance)},
		Confirmed: p.Assurance == identity.AssuranceConfirmed,
	}))
}
