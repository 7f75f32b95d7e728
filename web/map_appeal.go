package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/i18n"
)

// appealPublicPage is the data of /appeals/{id}: a published appeal as
// anyone may see it, without its author.
type appealPublicPage struct {
	ID         int64
	Ref        string
	Reason     string
	Category   string
	Look       statusLook
	Text       string
	Rows       []SummaryRow
	Deadline   Tag
	Lat, Lon   string // for the map and as text
	Timeline   []appealEvent
	Supporters string
	CanJoin    bool
	JoinURL    string
	Tiles      string
	Attrib     string
}

// appealEvent is one public change of the appeal.
type appealEvent struct {
	At     string
	Look   statusLook
	Answer string // an official's answer, shown as written (escaped)
}

// appealPublic shows a published appeal.
func (s *Server) appealPublic(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return okno.Errorf(okno.ENOTFOUND, "appeal.public.not_found")
	}
	a, err := s.deps.Appeals.Public(ctx, id)
	if err != nil {
		return err
	}
	us, err := s.deps.Appeals.Updates(ctx, appeal.UpdateQuery{CaseID: id, Limit: 1000})
	if err != nil {
		return err
	}
	data := appealPublicPage{ID: a.CaseID, Ref: a.Ref, Reason: a.ReasonTitle, Category: a.CategoryTitle, Look: lookOf(l, a.Status),
		Text: a.Text, Lat: strconv.FormatFloat(a.Lat, 'f', 6, 64), Lon: strconv.FormatFloat(a.Lon, 'f', 6, 64),
		Supporters: l.T("web.map.appeal.supporters", a.Supporters), CanJoin: !a.Status.Closed(),
		JoinURL: "/appeals/" + strconv.FormatInt(a.CaseID, 10) + "/join", Tiles: s.cfg.MapTileURL, Attrib: s.cfg.MapAttribution}
	data.Deadline = appealDeadline(l, a, s.now())
	row := func(key, value string) {
		if value != "" {
			data.Rows = append(data.Rows, SummaryRow{Key: l.T(key), Value: value})
		}
	}
	row("web.map.appeal.ref", a.Ref)
	row("web.map.appeal.category", a.CategoryTitle)
	row("web.map.appeal.status", data.Look.Title)
	row("web.map.appeal.district", a.TerritoryName)
	row("web.map.appeal.address", a.Address)
	// The author is never named in public, whether or not they chose
	// to be anonymous: the body sees who wrote, the public does not.
	row("web.map.appeal.author", l.T("web.map.appeal.resident"))
	row("web.map.appeal.created", formatTime(l, a.CreatedAt))
	row("web.map.appeal.org", a.OrgName)
	row("web.map.appeal.deadline", dueDay(l, a.DueAt))
	if a.Photos > 0 {
		// Photos are case documents behind access control: the public
		// learns only how many there are.
		row("web.map.appeal.photos", l.T("web.map.appeal.photo_count", a.Photos))
	}
	for _, u := range us {
		data.Timeline = append(data.Timeline, appealEvent{At: formatTime(l, u.At), Look: lookOf(l, u.Status), Answer: u.Description})
	}
	return s.render(w, http.StatusOK, "appeal-public", s.view(w, r, "web.map.appeal.title", data))
}

// appealDeadline says whether the body answered within the legal time,
// in words and a tag colour.
func appealDeadline(l i18n.Localizer, a appeal.Appeal, now time.Time) Tag {
	switch {
	case !a.AnsweredAt.IsZero() && a.AnsweredOnTime:
		return Tag{Text: l.T("web.map.appeal.on_time", dayText(l, a.AnsweredAt)), Colour: "green"}
	case !a.AnsweredAt.IsZero():
		return Tag{Text: l.T("web.map.appeal.late", dayText(l, a.AnsweredAt)), Colour: "red"}
	case a.Status.Closed():
		return Tag{Text: l.T("web.map.appeal.closed"), Colour: "grey"}
	case now.After(a.DueAt):
		return Tag{Text: l.T("web.map.appeal.overdue", dueDay(l, a.DueAt)), Colour: "red"}
	}
	return Tag{Text: l.T("web.map.appeal.due", dueDay(l, a.DueAt)), Colour: "blue"}
}
