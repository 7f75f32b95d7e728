package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
)

// View is what every page template gets: the localizer (so templates say
// {{.T "web.home.title"}}), who is signed in, the CSRF token for forms, and
// the page's own Data.
type View struct {
	i18n.Localizer
	Title     string // translated page title, without the service name
	Actor     okno.Actor
	CSRF      string
	RequestID string
	Switch    []LangLink // the language switch
	Data      any
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Lang    i18n.Lang
	Name    string // the language's name in itself: "Русский", "English"
	URL     string
	Current bool
}

// SignedIn reports whether a person is signed in.
func (v View) SignedIn() bool {
	return v.Actor.Kind == okno.ActorCitizen || v.Actor.Kind == okno.ActorStaff
}

// view builds the View for a page. It may set the anonymous CSRF cookie, so
// call it before writing the response.
func (s *Server) view(w http.ResponseWriter, r *http.Request, titleKey string, data any) View {
	st := stateFrom(r.Context())
	v := View{
		Localizer: st.loc,
		Title:     st.loc.T(titleKey),
		Actor:     okno.ActorFrom(r.Context()),
		CSRF:      s.csrfFor(w, r),
		RequestID: st.id,
		Data:      data,
	}
	for _, l := range i18n.Langs {
		q := r.URL.Query()
		q.Set("lang", string(l))
		v.Switch = append(v.Switch, LangLink{Lang: l, Name: s.cat.Localizer(l).T("web.lang.name"),
			URL: r.URL.Path + "?" + q.Encode(), Current: l == st.loc.Lang()})
	}
	return v
}

// render writes page name with status. It renders into a buffer first, so a
// template failure becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, v View) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(v.Lang()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// ErrorPage is the data of the error page.
type ErrorPage struct {
	Status  int
	Message string
}

// errorPage renders an error for a person. Its own failure falls back to
// plain text: there is nothing left to try.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, e *okno.Error) {
	st := stateFrom(r.Context())
	msg, _ := st.loc.Error(e)
	titleKey := "web.error.title." + string(e.Code)
	switch e.Key {
	case keyCSRF:
		titleKey = "web.error.title.csrf"
	case keyTooLarge:
		titleKey = "web.error.title.too_large"
	}
	v := s.view(w, r, titleKey, ErrorPage{Status: status, Message: msg})
	if err := s.render(w, status, "error", v); err != nil {
		s.log.Error("web: error page", "request_id", st.id, "error", err.Error())
		http.Error(w, msg, status)
	}
}

// parseTemplates parses the layout and components once, then each page on
// a clone of them: pages share the layout but not each other's blocks.
func (s *Server) parseTemplates(fsys fs.FS) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset": s.assets.url,
		// pair passes the View and a component's data to a component
		// template, which needs the View to translate.
		"pair": func(v View, d any) Pair { return Pair{V: v, D: d} },
		"add":  func(a, b int) int { return a + b },
		// banner builds a notification banner in a template, for pages
		// whose banner text is fixed.
		"banner": func(title, body string, success bool) Banner {
			return Banner{Title: title, Body: body, Success: success}
		},
	}
	base, err := template.New("").Funcs(funcs).ParseFS(fsys, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	names, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		t, err := template.Must(base.Clone()).ParseFS(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", n, err)
		}
		pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return pages, nil
}

// Pair carries the View and a component's own data into a component
// template: {{template "field" pair $ .Data.Email}}.
type Pair struct {
	V View
	D any
}

// safeNext returns next when it is a path on this site, else "/": redirects
// after sign-in must not lead elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/"
	}
	return u.RequestURI()
}
