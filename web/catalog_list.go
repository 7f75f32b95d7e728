package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/i18n"
)

// catalogSearchLimit is how many search results a page shows: searches
// answer with the best matches, not pages of them.
const catalogSearchLimit = 30

// catalogListPage is the data of /services.
type catalogListPage struct {
	Search      Field
	Filters     []Field
	FiltersOpen bool // a filter is chosen: show them
	Errors      []FieldMessage
	Results     catalogResults
	Situations  []situationLink
}

// catalogResults is the list under the search box: search results when
// there is a query, else the catalogue by title a page at a time. The
// live search swaps it in alone.
type catalogResults struct {
	Searching bool
	Q         string
	Items     []serviceItem
	Pages     Pagination
	FromStart string // the first page's address, when this is a later one
}

// situationLink is a life situation in a list of links.
type situationLink struct {
	Code, Title, Summary string
}

func situationLinks(l i18n.Localizer, sits []catalog.Situation) []situationLink {
	out := make([]situationLink, 0, len(sits))
	for _, st := range sits {
		if len(st.Services) == 0 {
			continue // nothing published yet
		}
		out = append(out, situationLink{Code: st.Code, Title: st.Title.In(string(l.Lang())), Summary: st.Summary.In(string(l.Lang()))})
	}
	return out
}

// catalogList serves GET /services: the search box, the filters and the
// results; it works without JavaScript, and htmx refreshes the results as
// one types (catalogSearch).
func (s *Server) catalogList(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	cats, err := s.deps.Services.Categories(ctx)
	if err != nil {
		return err
	}
	sits, err := s.deps.Services.Situations(ctx)
	if err != nil {
		return err
	}
	q, _ := parseCatalogQuery(r.URL.Query()) // a value not on the list filters nothing
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	page := catalogListPage{
		Search:      Field{Name: "q", HTMLID: "q", Type: "search", Label: l.T("web.catalog.search_label"), Hint: l.T("web.catalog.search_hint"), Value: text, Autocomplete: "off"},
		Filters:     catalogFilters(l, q, cats, sits),
		Situations:  situationLinks(l, sits),
		FiltersOpen: q.Category != "" || q.Situation != "" || q.Level != "" || q.Recipient != "",
	}
	page.Results, err = s.catalogResults(r, l, text, q)
	if e := okno.AsError(err); e != nil && e.Code == okno.EINVALID {
		for _, f := range e.Fields {
			msg := l.T(f.Key, f.Args...)
			if f.Field == "q" {
				page.Search.Error = msg
				page.Errors = append(page.Errors, FieldMessage{ID: page.Search.ID(), Message: msg})
			} else {
				page.Errors = append(page.Errors, FieldMessage{ID: "catalog-results", Message: msg})
			}
		}
	} else if err != nil {
		return err
	}
	title := "web.catalog.title"
	return s.render(w, http.StatusOK, "catalog-list", s.view(w, r, title, page))
}

// catalogResults finds what the list shows.
func (s *Server) catalogResults(r *http.Request, l i18n.Localizer, text string, q catalog.Query) (catalogResults, error) {
	ctx := r.Context()
	res := catalogResults{Q: text, Searching: text != ""}
	if res.Searching {
		hits, err := s.deps.Services.Search(ctx, text, q, catalogSearchLimit)
		if err != nil {
			return res, err
		}
		for _, h := range hits {
			res.Items = append(res.Items, toServiceItem(l, h.Summary))
		}
		return res, nil
	}
	p, err := s.deps.Services.List(ctx, q)
	if err != nil {
		return res, err
	}
	res.Items = toServiceItems(l, p.Items)
	base := catalogFilterValues(q)
	if p.Next != "" {
		next := base
		next.Set("after", p.Next)
		res.Pages.NextURL = "/services?" + next.Encode()
	}
	if q.After != "" {
		res.FromStart = "/services"
		if len(base) > 0 {
			res.FromStart += "?" + base.Encode()
		}
	}
	return res, nil
}

// catalogFilterValues are q's filters as a query string.
func catalogFilterValues(q catalog.Query) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"category": q.Category, "situation": q.Situation, "level": string(q.Level), "recipient": string(q.Recipient)} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// catalogSearch serves GET /services/search: the results fragment for the
// live search, under a rate limit per person (or address). The query is
// never logged (the access log records the route pattern only).
func (s *Server) catalogSearch(lim *textLimiter) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := takeSearchToken(s, lim, r); err != nil {
			return err
		}
		l := stateFrom(r.Context()).loc
		q, _ := parseCatalogQuery(r.URL.Query())
		text := strings.TrimSpace(r.URL.Query().Get("q"))
		res, err := s.catalogResults(r, l, text, q)
		if e := okno.AsError(err); e != nil && e.Code == okno.EINVALID {
			res = catalogResults{Searching: true, Q: text}
		} else if err != nil {
			return err
		}
		v := s.view(w, r, "", nil)
		return s.renderFragment(w, "catalog-list", "catalog-results", v, Pair{V: v, D: res})
	}
}

// takeSearchToken takes one token of the search limiter for the person
// (or address) behind r.
func takeSearchToken(s *Server, lim *textLimiter, r *http.Request) error {
	who := "ip:" + clientIP(r)
	if ss := session(r); ss.UserID != 0 {
		who = "user:" + strconv.FormatInt(ss.UserID, 10)
	}
	if wait, ok := lim.take(who, 1, s.now()); !ok {
		return rateLimited{okno.Errorf(okno.ERATELIMITED, "web.catalog.search_wait"), wait}
	}
	return nil
}
