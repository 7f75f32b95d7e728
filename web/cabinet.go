package web

import (
	"net/http"

	"github.com/okno/okno/i18n"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/notify"
)

// cabinetPage is the data of /cabinet, the citizen's home.
type cabinetPage struct {
	Name    string
	Levels  []levelStep
	Next    *nextStep // nil once confirmed: nothing more to do
	Unread  string    // "3 непрочитанных уведомления", plural rules applied
	Notes   []noteView
	Banner  *Banner
	Profile identity.Profile // masked: the person only needs to recognise it
}

// levelStep is one assurance level in the step indicator.
type levelStep struct {
	Name, Unlocks string
	Done, Current bool
}

// nextStep says how to reach the next level.
type nextStep struct {
	Title, Text, URL, Button string
}

// noteView is a notification as listed.
type noteView struct {
	ID      int64
	Subject string
	Body    string
	When    string
	Unread  bool
}

// levelOrder lists the levels a person can be at once signed in.
var levelOrder = []identity.Assurance{identity.AssuranceSimplified, identity.AssuranceStandard, identity.AssuranceConfirmed}

// levelSteps builds the step indicator for a person at level a.
func levelSteps(l i18n.Localizer, a identity.Assurance) []levelStep {
	var out []levelStep
	for _, lv := range levelOrder {
		out = append(out, levelStep{
			Name:    l.T("web.level." + string(lv)),
			Unlocks: l.T("web.level." + string(lv) + "_unlocks"),
			Done:    a.AtLeast(lv) && a != lv,
			Current: a == lv,
		})
	}
	return out
}

func nextLevelStep(l i18n.Localizer, a identity.Assurance) *nextStep {
	switch a {
	case identity.AssuranceSimplified:
		return &nextStep{Title: l.T("web.cabinet.next_standard"), Text: l.T("web.cabinet.next_standard_text"), URL: "/cabinet/level/name", Button: l.T("web.cabinet.next_standard_button")}
	case identity.AssuranceStandard:
		return &nextStep{Title: l.T("web.cabinet.next_confirmed"), Text: l.T("web.cabinet.next_confirmed_text"), URL: "/cabinet/level/post", Button: l.T("web.cabinet.next_confirmed_button")}
	}
	return nil
}

func notesView(l i18n.Localizer, ns []notify.Notification) []noteView {
	out := make([]noteView, len(ns))
	for i, n := range ns {
		out[i] = noteView{ID: n.ID, Subject: n.Subject, Body: n.Body, When: formatTime(l, n.CreatedAt), Unread: n.ReadAt.IsZero()}
	}
	return out
}

// cabinet greets the citizen, shows their level and how to raise it, and
// their latest notifications.
func (s *Server) cabinet(w http.ResponseWriter, r *http.Request) error {
	ctx, l, me := r.Context(), stateFrom(r.Context()).loc, session(r)
	p, err := s.deps.Accounts.Profile(ctx, me.UserID)
	if err != nil {
		return err
	}
	unread, err := s.deps.Inbox.UnreadCount(ctx, me.UserID)
	if err != nil {
		return err
	}
	ns, err := s.deps.Inbox.ListForUser(ctx, me.UserID, 3)
	if err != nil {
		return err
	}
	data := cabinetPage{
		Name:    p.DisplayName,
		Levels:  levelSteps(l, p.Assurance),
		Next:    nextLevelStep(l, p.Assurance),
		Unread:  l.T("web.cabinet.unread", unread),
		Notes:   notesView(l, ns),
		Profile: p.Masked(),
	}
	if r.URL.Query().Get("done") == "password" {
		data.Banner = &Banner{Title: l.T("web.password.done"), Body: l.T("web.password.done_body"), Success: true}
	}
	return s.render(w, http.StatusOK, "cabinet", s.view(w, r, "web.cabinet.title", data))
}
