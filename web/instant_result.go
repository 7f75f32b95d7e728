package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/instant"
)

// The result of an instant service — shown once it is recorded, and again
// from the citizen's history: a certificate («Справка») with its number
// and issue date looks like one and prints as one (instant.css), and a
// result from a demo registry says so at the top.

// instantResultPage is the data of instant-result.html.
type instantResultPage struct {
	Title        string
	ServiceTitle string
	Status       Tag
	Facts        []SummaryRow
	Sections     []instantResultSection
	Notes        []string
	Certificate  bool
	Reference    string
	At           string // when it was asked: "22.11.2026 12:00"
	Demo         bool
	AgainURL     string
	BackURL      string
}

// instantResultSection is a group of facts (one fine, one meter).
type instantResultSection struct {
	Title string
	Rows  []SummaryRow
}

// instantHistoryPage is the data of instant-history.html.
type instantHistoryPage struct {
	Items []instantHistoryItem
	Pages Pagination
}

// instantHistoryItem is one request in the history.
type instantHistoryItem struct {
	URL, Title, At, Reference string
	Status                    Tag
	Demo                      bool
}

// instantResult shows one of the citizen's results; another citizen's is
// not found.
func (s *Server) instantResult(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "instant.request_not_found")
	}
	req, err := s.deps.Instant.Request(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	l := stateFrom(ctx).loc
	lang := string(l.Lang())
	res := req.Result
	page := instantResultPage{Title: res.Title.In(lang), Status: instantStatus(l, res.Status), Certificate: res.Certificate,
		Reference: res.Reference, At: instantTime(l, req), Demo: res.Demo,
		AgainURL: "/services/" + url.PathEscape(req.Service) + "/instant", BackURL: "/cabinet/instant"}
	page.ServiceTitle = req.Service
	if s.deps.Services != nil {
		if svc, err := s.deps.Services.Get(ctx, req.Service); err == nil {
			page.ServiceTitle = svc.Title.In(lang)
		}
	}
	page.Facts = instantRows(res.Facts, lang)
	for _, sec := range res.Sections {
		page.Sections = append(page.Sections, instantResultSection{Title: sec.Title.In(lang), Rows: instantRows(sec.Facts, lang)})
	}
	for _, n := range res.Notes {
		page.Notes = append(page.Notes, n.In(lang))
	}
	v := s.view(w, r, "web.instant.result_title", page)
	v.Title = page.Title
	return s.render(w, http.StatusOK, "instant-result", v)
}

// instantHistory lists the citizen's instant requests, newest first.
func (s *Server) instantHistory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	after := r.URL.Query().Get("after")
	p, err := s.deps.Instant.History(ctx, okno.ActorFrom(ctx), after, instant.DefaultPage)
	if err != nil {
		return err
	}
	l := stateFrom(ctx).loc
	lang := string(l.Lang())
	var page instantHistoryPage
	for _, req := range p.Items {
		page.Items = append(page.Items, instantHistoryItem{URL: "/cabinet/instant/" + strconv.FormatInt(req.ID, 10),
			Title: req.Result.Title.In(lang), At: instantTime(l, req), Reference: req.Reference,
			Status: instantStatus(l, req.Status), Demo: req.Result.Demo})
	}
	if after != "" {
		page.Pages.PrevURL = "/cabinet/instant"
	}
	if p.Next != "" {
		page.Pages.NextURL = "/cabinet/instant?after=" + url.QueryEscape(p.Next)
	}
	return s.render(w, http.StatusOK, "instant-history", s.view(w, r, "web.instant.history_title", page))
}

// instantRows are facts as summary rows.
func instantRows(facts []instant.Fact, lang string) []SummaryRow {
	rows := make([]SummaryRow, 0, len(facts))
	for _, f := range facts {
		rows = append(rows, SummaryRow{Key: f.Label.In(lang), Value: f.Value.In(lang)})
	}
	return rows
}

// instantStatus is a result's status as a tag.
func instantStatus(l i18n.Localizer, st instant.Status) Tag {
	switch st {
	case instant.StatusFound:
		return Tag{Text: l.T("web.instant.status.found"), Colour: "blue"}
	case instant.StatusAccepted:
		return Tag{Text: l.T("web.instant.status.accepted"), Colour: "green"}
	}
	return Tag{Text: l.T("web.instant.status.none"), Colour: "grey"}
}

// instantTime is when a request was made, in the region's time: the
// certificate's issue date, or the request's.
func instantTime(l i18n.Localizer, req instant.Request) string {
	at := req.CreatedAt
	if !req.Result.IssuedAt.IsZero() {
		at = req.Result.IssuedAt
	}
	return formatTime(l, at)
}
