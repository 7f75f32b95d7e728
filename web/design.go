package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
)

// designPage is the data of /design, the living pattern library: every
// shared component rendered once, and a form that shows the error summary.
// Developers copy from it; the browser tests check it for accessibility.
type designPage struct {
	Form    Form
	Sent    bool
	Panel   Panel
	Answers []SummaryRow
	Tags    []Tag
	Table   Table
	Banner  Banner
	Pages   Pagination
}

func (s *Server) designFields(l i18n.Localizer) []Field {
	return []Field{
		{Name: "name", Label: l.T("web.design.name"), Autocomplete: "name", Width: "medium"},
		{Name: "email", Type: "email", Label: l.T("web.design.email"), Hint: l.T("web.design.email_hint"), Autocomplete: "email", Width: "medium"},
		{Name: "topic", Type: "radios", Label: l.T("web.design.topic"), Options: []Option{
			{Value: "road", Label: l.T("web.design.topic_road")},
			{Value: "yard", Label: l.T("web.design.topic_yard")},
			{Value: "other", Label: l.T("web.design.topic_other")},
		}},
		{Name: "message", Type: "textarea", Label: l.T("web.design.message"), Hint: l.T("web.design.message_hint", 1000)},
	}
}

func (s *Server) designData(l i18n.Localizer, form Form) designPage {
	return designPage{
		Form: form,
		Tags: []Tag{
			{Text: l.T("web.design.status_new"), Colour: "blue"},
			{Text: l.T("web.design.status_progress"), Colour: "yellow"},
			{Text: l.T("web.design.status_done"), Colour: "green"},
			{Text: l.T("web.design.status_rejected"), Colour: "red"},
			{Text: l.T("web.design.status_draft"), Colour: "grey"},
		},
		Table: Table{
			Caption: l.T("web.design.table_caption"),
			Head:    []string{l.T("web.design.table_district"), l.T("web.design.table_appeals"), l.T("web.design.table_on_time")},
			Rows:    [][]string{{"Адмиралтейский", "1 204", "96 %"}, {"Василеостровский", "987", "94 %"}, {"Выборгский", "2 311", "91 %"}},
			Numeric: []bool{false, true, true},
		},
		Banner: Banner{Title: l.T("web.design.banner_title"), Body: l.T("web.design.banner_body")},
		Pages:  Pagination{PrevURL: "/design?page=1", NextURL: "/design?page=3"},
	}
}

// design shows the pattern library with an empty form.
func (s *Server) design(w http.ResponseWriter, r *http.Request) error {
	l := stateFrom(r.Context()).loc
	data := s.designData(l, NewForm(l, nil, nil, s.designFields(l)...))
	return s.render(w, http.StatusOK, "design", s.view(w, r, "web.design.title", data))
}

// designSubmit checks the sample form: errors re-render it with the error
// summary (422); valid answers show the confirmation panel and the answers.
func (s *Server) designSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	l := stateFrom(r.Context()).loc
	err := validateDesign(r.PostForm)
	form := NewForm(l, r.PostForm, err, s.designFields(l)...)
	data := s.designData(l, form)
	status := http.StatusOK
	if err != nil {
		status = statusOf(okno.AsError(err))
	} else {
		data.Sent = true
		data.Panel = Panel{Title: l.T("web.design.sent_title"), Body: l.T("web.design.sent_body"), Reference: "ОК-" + strings.ToUpper(stateFrom(r.Context()).id[:8])}
		for _, f := range form.Fields {
			v := f.Value
			for _, o := range f.Options {
				if o.Value == v {
					v = o.Label
				}
			}
			data.Answers = append(data.Answers, SummaryRow{Key: f.Label, Value: v, ChangeURL: "/design#" + f.ID()})
		}
		data.Banner = Banner{Title: l.T("web.design.banner_success"), Body: l.T("web.design.banner_success_body"), Success: true}
	}
	return s.render(w, status, "design", s.view(w, r, "web.design.title", data))
}

// validateDesign checks the sample form. It lives here only because the
// form is a sample: real rules live in feature packages.
func validateDesign(v url.Values) error {
	var fe okno.FieldErrors
	if strings.TrimSpace(v.Get("name")) == "" {
		fe.Add("name", "error.required")
	} else if utf8.RuneCountInString(v.Get("name")) > 100 {
		fe.Add("name", "error.too_long", 100)
	}
	if e := strings.TrimSpace(v.Get("email")); e == "" {
		fe.Add("email", "error.required")
	} else if at := strings.IndexByte(e, '@'); at < 1 || at == len(e)-1 || strings.ContainsAny(e, " ,;") {
		fe.Add("email", "error.email_invalid")
	}
	switch v.Get("topic") {
	case "road", "yard", "other":
	default:
		fe.Add("topic", "error.choose_one")
	}
	if strings.TrimSpace(v.Get("message")) == "" {
		fe.Add("message", "error.required")
	} else if utf8.RuneCountInString(v.Get("message")) > 1000 {
		fe.Add("message", "error.too_long", 1000)
	}
	return fe.Err()
}
