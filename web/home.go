package web

import (
	"net/http"

	"github.com/okno/okno/catalog"
)

// homePopular is how many services the front page lists.
const homePopular = 6

// homePage is the front page's data: the catalogue's front door (a
// search box, categories, life situations, some services) beside the
// other doors. Without a catalogue (tests of the foundation) it has only
// the doors.
type homePage struct {
	Search     Field
	Categories []categoryLink
	Situations []situationLink
	Services   []serviceItem
}

// categoryLink is a category on the front page, linking to the list.
type categoryLink struct {
	Code, Title string
}

// home is the front page: what a person can do here. The catalogue's
// part is best effort: if it fails the page still shows every other door.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	var p homePage
	if s.deps.Services != nil {
		p.Search = Field{Name: "q", HTMLID: "home-q", Type: "search", Label: l.T("web.catalog.search_label"), Hint: l.T("web.catalog.search_hint"), Autocomplete: "off"}
		lang := string(l.Lang())
		cats, err := s.deps.Services.Categories(ctx)
		if err == nil {
			for _, c := range cats {
				p.Categories = append(p.Categories, categoryLink{Code: c.Code, Title: c.Title.In(lang)})
			}
		}
		sits, err2 := s.deps.Services.Situations(ctx)
		if err2 == nil {
			p.Situations = situationLinks(l, sits)
		}
		list, err3 := s.deps.Services.List(ctx, catalog.Query{Limit: homePopular})
		if err3 == nil {
			p.Services = toServiceItems(l, list.Items)
		}
		for _, e := range []error{err, err2, err3} {
			if e != nil {
				s.log.Error("web: home: the catalogue", "request_id", stateFrom(ctx).id, "error", e.Error())
				break
			}
		}
	}
	return s.render(w, http.StatusOK, "home", s.view(w, r, "web.home.title", p))
}
