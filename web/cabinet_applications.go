package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
)

// applicationsPerPage is how many lines "Мои заявки" shows at once.
const applicationsPerPage = 20

// cabinetApplicationsPage is the data of /cabinet/applications.
type cabinetApplicationsPage struct {
	Items   []applicationLine
	Pages   Pagination
	Later   bool
	Deleted bool
}

// applicationLine is one draft or sent application.
type applicationLine struct {
	Draft        bool
	Title        string
	Ref          string
	Tag          Tag
	Saved        string // drafts: when last saved
	Due          string // applications: the legal deadline
	Next         string // what the citizen should do next
	URL          string // continue the draft, or the case page
	DeleteAction string
	ToPay        bool // a fee billed to the case is still due (pay_case.go)
}

// cabinetApplications is "Мои заявки": drafts to finish and applications
// with where they stand.
func (s *Server) cabinetApplications(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	after := r.URL.Query().Get("after")
	if len(after) > 200 {
		return okno.Errorf(okno.EINVALID, "error.bad_request")
	}
	page, err := s.deps.Applications.Mine(ctx, okno.ActorFrom(ctx), after, applicationsPerPage)
	if err != nil {
		return err
	}
	lang := string(l.Lang())
	data := cabinetApplicationsPage{Later: after != "", Deleted: r.URL.Query().Get("deleted") != ""}
	for _, it := range page.Items {
		line := applicationLine{Title: it.Title.In(lang), Ref: it.Ref}
		if it.Next != "" {
			line.Next = l.T(it.Next)
		}
		if it.Kind == application.ItemDraft {
			line.Draft = true
			line.Tag = Tag{Text: l.T("web.apply.draft"), Colour: "grey"}
			line.Saved = dayText(l, it.UpdatedAt)
			line.URL = applyPath(it.DraftID, "")
			line.DeleteAction = applyPath(it.DraftID, "/delete")
		} else {
			line.Tag = Tag{Text: it.StateTitle.In(lang), Colour: "blue"}
			switch {
			case it.Closed:
				line.Tag.Colour = "grey"
			case it.Waiting:
				line.Tag.Colour = "yellow"
			}
			if !it.DueAt.IsZero() && !it.Closed {
				line.Due = dueDay(l, it.DueAt)
			}
			line.URL = "/cabinet/cases/" + strconv.FormatInt(it.CaseID, 10)
			line.ToPay = !it.Closed && s.unpaidOf(r, it.CaseID)
		}
		data.Items = append(data.Items, line)
	}
	if page.Next != "" {
		data.Pages.NextURL = "/cabinet/applications?" + url.Values{"after": {page.Next}}.Encode()
	}
	if data.Later {
		data.Pages.PrevURL = "/cabinet/applications"
	}
	return s.render(w, http.StatusOK, "cabinet-applications", s.view(w, r, "web.apply.mine_title", data))
}
