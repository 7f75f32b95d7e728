package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/okno/okno/i18n"
)

// language picks the person's language: ?lang= (which is remembered in a
// cookie), else the cookie, else Russian. Accept-Language counts only for
// the JSON API, whose clients set it on purpose: many people in Russia run
// browsers in English, and a public service speaks Russian until they ask
// otherwise with the switch on every page.
func (s *Server) language(w http.ResponseWriter, r *http.Request) i18n.Lang {
	if q := r.URL.Query().Get("lang"); q != "" {
		if l, ok := i18n.ParseLang(q); ok {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
				Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode})
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.ParseLang(c.Value); ok {
			return l
		}
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if l, ok := acceptLanguage(r.Header.Get("Accept-Language")); ok {
			return l
		}
	}
	return i18n.Russian
}

// acceptLanguage returns the most preferred language Okno speaks from an
// Accept-Language header ("en-GB,en;q=0.9,ru;q=0.8").
func acceptLanguage(h string) (i18n.Lang, bool) {
	type choice struct {
		lang i18n.Lang
		q    float64
	}
	var cs []choice
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l, ok := i18n.ParseLang(tag); ok && q > 0 {
			cs = append(cs, choice{l, q})
		}
	}
	if len(cs) == 0 {
		return "", false
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].q > cs[j].q })
	return cs[0].lang, true
}
