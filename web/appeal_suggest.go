package web

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/i18n"
)

// This file holds the category suggestion as the citizen types: a small
// HTML fragment for htmx on the form, under a rate limit.

// Bounds of the suggestion: the classifier reads at most suggestMaxText
// characters (the beginning of a text says what it is about; the rest
// costs time and says little more), and texts shorter than suggestMinText
// suggest nothing.
const (
	suggestMaxText = 1000
	suggestMinText = 10
	suggestCount   = 3
)

// appealSuggestion is one suggested reason, which the form may choose.
type appealSuggestion struct {
	Code, Title, Category string
	Percent               int
	InputID               string // the reason's radio on the form
}

// suggestions are the classifier's guesses for text, for the form.
func (s *Server) suggestions(l i18n.Localizer, text string) []appealSuggestion {
	if utf8.RuneCountInString(text) < suggestMinText {
		return nil
	}
	if utf8.RuneCountInString(text) > suggestMaxText {
		text = string([]rune(text)[:suggestMaxText])
	}
	var out []appealSuggestion
	for _, sg := range s.deps.Appeals.Suggest(text, suggestCount) {
		if sg.ReasonCode == "" && sg.CategoryCode == "" {
			continue
		}
		v := appealSuggestion{Code: sg.ReasonCode, Title: sg.ReasonTitle, Category: sg.CategoryTitle,
			Percent: int(sg.Confidence*100 + 0.5)}
		if v.Code != "" {
			v.InputID = "reason-" + v.Code
		} else {
			v.Title, v.InputID = sg.CategoryTitle, "cat-"+sg.CategoryCode
		}
		out = append(out, v)
	}
	return out
}

// appealSuggest answers GET /appeals/suggest?text= with the suggestions
// fragment. It is rate-limited per person (or address) by the length of
// the texts it reads, so a script cannot use the classifier as a free
// service; the text is never logged (the access log records the route
// pattern only).
func (s *Server) appealSuggest(lim *textLimiter) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		text := r.URL.Query().Get("text")
		n := utf8.RuneCountInString(text)
		if n > suggestMaxText {
			n = suggestMaxText
		}
		who := "ip:" + clientIP(r)
		if ss := session(r); ss.UserID != 0 {
			who = "user:" + strconv.FormatInt(ss.UserID, 10)
		}
		if wait, ok := lim.take(who, 1+n/200, s.now()); !ok {
			return rateLimited{okno.Errorf(okno.ERATELIMITED, "web.appeals.suggest_wait"), wait}
		}
		l := stateFrom(r.Context()).loc
		v := s.view(w, r, "", nil)
		return s.renderFragment(w, "appeal-new", "appeal-suggestions", v, Pair{V: v, D: s.suggestions(l, text)})
	}
}

// renderFragment writes template name of a page with data, without the
// layout, for htmx to swap in.
func (s *Server) renderFragment(w http.ResponseWriter, page, name string, v View, data any) error {
	t, ok := s.pages[page]
	if !ok {
		return okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(v.Lang()))
	_, err := w.Write(buf.Bytes())
	return err
}

// rateLimited is a refusal that says when to come back (status.go's
// retryAfter reads it).
type rateLimited struct {
	err  *okno.Error
	wait time.Duration
}

func (e rateLimited) Error() string             { return e.err.Error() }
func (e rateLimited) Unwrap() error             { return e.err }
func (e rateLimited) RetryAfter() time.Duration { return e.wait }

// textLimiter is a token bucket per client: each holds up to burst
// tokens, refilled at rate per second; a request takes as many as its
// text costs. It lives as long as the route table that made it; its map
// is bounded by dropping every bucket when it grows past maxClients
// (forgetting is generous, never wrong).
type textLimiter struct {
	mu         sync.Mutex
	burst      float64
	rate       float64
	maxClients int
	buckets    map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newTextLimiter(burst, rate float64, maxClients int) *textLimiter {
	return &textLimiter{burst: burst, rate: rate, maxClients: maxClients, buckets: map[string]*bucket{}}
}

// take takes cost tokens of client's bucket at now; when there are not
// enough it takes none and says how long to wait.
func (l *textLimiter) take(client string, cost int, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= l.maxClients {
			clear(l.buckets)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[client] = b
	}
	if d := now.Sub(b.at).Seconds(); d > 0 {
		b.tokens = min(l.burst, b.tokens+d*l.rate)
		b.at = now
	}
	c := float64(cost)
	if b.tokens < c {
		return time.Duration((c - b.tokens) / l.rate * float64(time.Second)), false
	}
	b.tokens -= c
	return 0, true
}

// apiSuggestion is a suggestion in the API.
type apiSuggestion struct {
	CategoryCode  string  `json:"category_code"`
	CategoryTitle string  `json:"category_title"`
	ReasonCode    string  `json:"reason_code,omitempty"`
	ReasonTitle   string  `json:"reason_title,omitempty"`
	Confidence    float64 `json:"confidence"`
}

func toAPISuggestions(in []appeal.Suggestion) []apiSuggestion {
	out := make([]apiSuggestion, 0, len(in))
	for _, sg := range in {
		out = append(out, apiSuggestion{CategoryCode: sg.CategoryCode, CategoryTitle: sg.CategoryTitle,
			ReasonCode: sg.ReasonCode, ReasonTitle: sg.ReasonTitle, Confidence: sg.Confidence})
	}
	return out
}
