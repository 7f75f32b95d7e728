package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
)

// casesPerPage is how many cases "my cases" shows at once.
const casesPerPage = 20

// cabinetCasesPage is the data of /cabinet/cases, "Мои дела".
type cabinetCasesPage struct {
	Cases []caseLine
	Pages Pagination
	Later bool // not the first page: offer the way back to the newest
}

// caseLine is one case in the citizen's list.
type caseLine struct {
	ID      int64
	Ref     string
	Subject string
	Status  string // the state in plain words
	Tag     Tag
	Due     string // the deadline, or why there is none now
	Action  bool   // the case waits for the citizen
}

// caseTag is the short label of a case's standing: waiting for the
// citizen, closed, or being worked on.
func caseTag(l i18n.Localizer, waiting bool, closed time.Time) Tag {
	switch {
	case !closed.IsZero():
		return Tag{Text: l.T("web.cases.tag_closed"), Colour: "grey"}
	case waiting:
		return Tag{Text: l.T("web.cases.tag_your_action"), Colour: "yellow"}
	}
	return Tag{Text: l.T("web.cases.tag_in_progress"), Colour: "blue"}
}

// dayText shows the day of a moment as people write it: "31.03.2026" in
// Russian, "31 March 2026" in English.
func dayText(l i18n.Localizer, t time.Time) string {
	t = t.In(moscow)
	if l.Lang() == i18n.English {
		return t.Format("2 January 2006")
	}
	return t.Format("02.01.2006")
}

// dueDay is the last day of a period that runs out at due: periods end at
// midnight after their last day, as Russian law counts them, and people
// are told the day itself ("до 31.03.2026 включительно").
func dueDay(l i18n.Localizer, due time.Time) string { return dayText(l, due.Add(-time.Second)) }

// deadlineText says where a case stands against its legal deadline, in
// plain words: closed, answered, paused while waiting for the citizen,
// run out, or running until a day.
func deadlineText(l i18n.Localizer, now, due, met time.Time, waiting bool, closed time.Time) string {
	switch {
	case !closed.IsZero():
		return l.T("web.cases.closed_on", dayText(l, closed))
	case !met.IsZero():
		return l.T("web.cases.met_on", dayText(l, met))
	case waiting:
		return l.T("web.cases.paused")
	case due.IsZero():
		return ""
	case now.After(due):
		return l.T("web.cases.overdue", dueDay(l, due))
	}
	return l.T("web.cases.due", dueDay(l, due))
}

// cabinetCases lists the citizen's cases, newest first, each with where
// it stands, its deadline and whether it waits for them.
func (s *Server) cabinetCases(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	after := r.URL.Query().Get("after")
	p, err := s.deps.Cases.Mine(casework.WithLanguage(ctx, string(l.Lang())), okno.ActorFrom(ctx), after, casesPerPage)
	if okno.IsCode(err, okno.EINVALID) && after != "" {
		return seeOther(w, r, "/cabinet/cases") // an edited or stale link: start from the newest
	}
	if err != nil {
		return err
	}
	data := cabinetCasesPage{Later: after != ""}
	now := s.now()
	for _, it := range p.Items {
		data.Cases = append(data.Cases, caseLine{
			ID: it.ID, Ref: it.Ref, Subject: it.Subject, Status: it.StateTitle,
			Tag:    caseTag(l, it.WaitingForMe, it.ClosedAt),
			Due:    deadlineText(l, now, it.LegalDue, it.LegalMetAt, it.WaitingForMe, it.ClosedAt),
			Action: it.WaitingForMe,
		})
	}
	if p.Next != "" {
		data.Pages.NextURL = "/cabinet/cases?" + url.Values{"after": {p.Next}}.Encode()
	}
	return s.render(w, http.StatusOK, "cabinet-cases", s.view(w, r, "web.cases.title", data))
}
