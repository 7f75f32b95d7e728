package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// appeal submits one appeal: through Open311 for --mix open311, through
// the JSON API otherwise.
func (b *bench) appeal(ctx context.Context, due time.Time) bool {
	n := b.seq.Add(1)
	s := b.samples[int(n)%len(b.samples)]
	code := b.byName[s.Reason] // the record's own category when the server has it
	if code == "" {
		code = b.codes[int(n)%len(b.codes)]
	}
	base := b.base()
	// Each request is a different author, so the per-author rate limit
	// (which protects against floods from one person) is not what is
	// measured.
	author := fmt.Sprintf("bench-%d-%d@okno.test", os.Getpid(), n)
	var req *http.Request
	var err error
	if b.o.Mix == "open311" {
		form := url.Values{"api_key": {b.o.Key}, "service_code": {code}, "description": {s.Text},
			"lat": {strconv.FormatFloat(s.Lat, 'f', 6, 64)}, "long": {strconv.FormatFloat(s.Lon, 'f', 6, 64)},
			"email": {author}}
		req, err = http.NewRequestWithContext(ctx, "POST", base+"/open311/v2/requests.json", strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		body, _ := json.Marshal(map[string]any{"reason": code, "text": s.Text, "lat": s.Lat, "lon": s.Lon,
			"contact": map[string]string{"email": author}})
		req, err = http.NewRequestWithContext(ctx, "POST", base+"/api/v1/appeals", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+b.o.Key)
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", os.Getpid(), n))
		}
	}
	if err != nil {
		return false
	}
	_, ok := b.send(ctx, kindAppeals, due, req, nil)
	return ok
}

// benchService is the demo service citizens apply for, and benchAnswers
// its pages' answers as a browser posts them (fields named by JSON
// pointer, dates in three parts). The pages are the demo declaration's
// (demo/catalog/resident-parking-permit.layout.json).
const benchService = "resident-parking-permit"

var benchAnswers = map[string]url.Values{
	"applicant": {"/applicant/lastName": {"Петров"}, "/applicant/firstName": {"Пётр"}, "/applicant/middleName": {"Сергеевич"},
		"/applicant/birthDate.day": {"12"}, "/applicant/birthDate.month": {"4"}, "/applicant/birthDate.year": {"1985"},
		"/applicant/snils": {"112-233-445 95"}, "/applicant/passport": {"40 10 123456"},
		"/applicant/address": {"Санкт-Петербург, Невский пр., д. 1, кв. 1"}, "/applicant/phone": {"+7 921 123-45-67"},
		"/applicant/email": {"bench@okno.test"}, "/district": {"tsentralny"}},
	"vehicle": {"/vehicle/plate": {"А123ВС 178"}, "/vehicle/sts": {"78 УВ 123456"}, "/vehicle/ownership": {"owner"}, "/period": {"1"}},
	"consent": {"/consent": {"true"}},
}

var benchDraftPath = regexp.MustCompile(`^/applications/(\d+)(/pages/([a-z0-9_-]+)|/check|/sent)?$`)

// maxApplySteps bounds an application's requests: a server that keeps
// sending the citizen back cannot hold a worker.
const maxApplySteps = 16

// application is a citizen applying for the demo service in the pages,
// as a browser without JavaScript would: start a draft, open each page
// and post its answers, open the check page, submit, open the
// confirmation.
func (b *bench) application(ctx context.Context, r *rand.Rand, due time.Time) bool {
	s := b.citizens[r.IntN(len(b.citizens))]
	form := func(v url.Values) url.Values {
		out := url.Values{"csrf_token": {s.token()}}
		for k, vs := range v {
			out[k] = vs
		}
		return out
	}
	post := func(since time.Time, path string, v url.Values) (reply, bool) {
		req, err := http.NewRequestWithContext(ctx, "POST", b.base()+path, strings.NewReader(form(v).Encode()))
		if err != nil {
			return reply{}, false
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return b.send(ctx, kindApplications, since, req, s)
	}
	get := func(path string) (reply, bool) {
		req, err := http.NewRequestWithContext(ctx, "GET", b.base()+path, nil)
		if err != nil {
			return reply{}, false
		}
		return b.send(ctx, kindApplications, time.Now(), req, s)
	}
	draft := ""
	whole := false
	// A draft left half-filled by a refused step is discarded, so failures
	// do not pile up to the limit of open drafts.
	defer func() {
		if !whole && draft != "" && ctx.Err() == nil {
			post(time.Now(), "/applications/"+draft+"/delete", nil)
		}
	}()
	rep, ok := post(due, "/services/"+benchService+"/apply", nil)
	for range maxApplySteps {
		if !ok || rep.status != http.StatusSeeOther {
			return false // refused, or the form came back with a problem
		}
		u, err := url.Parse(rep.location)
		if err != nil {
			return false
		}
		m := benchDraftPath.FindStringSubmatch(u.Path)
		if m == nil {
			return false
		}
		draft = m[1]
		if m[2] == "" { // the draft itself sends on to its page
			rep, ok = get(u.RequestURI())
			continue
		}
		if page, ok := get(u.RequestURI()); !ok || page.status != 200 {
			return false
		}
		switch {
		case m[2] == "/sent":
			whole = true
			return true
		case m[2] == "/check":
			rep, ok = post(time.Now(), "/applications/"+m[1]+"/submit", url.Values{"consent": {"yes"}})
			if ok && rep.status == http.StatusSeeOther {
				draft = "" // sent: an application now, not a draft to discard
			}
		default:
			answers, known := benchAnswers[m[3]]
			if !known {
				return false
			}
			v := url.Values{"page": {m[3]}}
			for k, vs := range answers {
				v[k] = vs
			}
			rep, ok = post(time.Now(), u.Path, v)
		}
	}
	return false
}

// official is an official working the queue through the case API: the
// organisation's cases, one case's allowed actions, one action taken.
func (b *bench) official(ctx context.Context, r *rand.Rand, due time.Time) bool {
	call := func(since time.Time, method, path string, in, out any) bool {
		var body *bytes.Reader
		if in != nil {
			js, _ := json.Marshal(in)
			body = bytes.NewReader(js)
		} else {
			body = bytes.NewReader(nil)
		}
		req, err := http.NewRequestWithContext(ctx, method, b.base()+path, body)
		if err != nil {
			return false
		}
		req.Header.Set("Authorization", "Bearer "+b.o.OfficialKey)
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		rep, ok := b.send(ctx, kindOfficials, since, req, nil)
		return ok && (out == nil || json.Unmarshal(rep.body, out) == nil)
	}
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if !call(due, "GET", "/api/v1/cases?limit=50", nil, &list) {
		return false
	}
	if len(list.Items) == 0 {
		return true // nothing to do: the queue was read
	}
	id := list.Items[r.IntN(len(list.Items))].ID
	path := "/api/v1/cases/" + strconv.FormatInt(id, 10) + "/actions"
	var allowed struct {
		Version int64 `json:"version"`
		Items   []struct {
			Name      string            `json:"name"`
			Comment   string            `json:"comment"`
			Documents []json.RawMessage `json:"documents"`
			Fields    []struct {
				Name     string `json:"name"`
				Type     string `json:"type"`
				Required bool   `json:"required"`
				Options  []struct {
					Value string `json:"value"`
				} `json:"options"`
			} `json:"fields"`
		} `json:"items"`
	}
	if !call(time.Now(), "GET", path, nil, &allowed) {
		return false
	}
	type act struct {
		Action  string            `json:"action"`
		Version int64             `json:"version"`
		Comment string            `json:"comment,omitempty"`
		Fields  map[string]string `json:"fields,omitempty"`
	}
	var choices []act
next:
	for _, a := range allowed.Items {
		if len(a.Documents) > 0 {
			continue // an action that may want a document is left to people
		}
		in := act{Action: a.Name, Version: allowed.Version, Fields: map[string]string{}}
		if a.Comment != "none" {
			in.Comment = "Проверка нагрузки: ответ по существу обращения."
		}
		for _, f := range a.Fields {
			switch {
			case !f.Required:
			case len(f.Options) > 0:
				in.Fields[f.Name] = f.Options[0].Value
			case f.Type == "text" || f.Type == "string":
				in.Fields[f.Name] = "проверка нагрузки"
			default:
				continue next
			}
		}
		choices = append(choices, in)
	}
	if len(choices) == 0 {
		return true // the case waits on someone else
	}
	return call(time.Now(), "POST", path, choices[r.IntN(len(choices))], nil)
}

// benchSearches are what readers look for in the catalogue.
var benchSearches = []string{"паспорт", "парковка", "детский сад", "справка", "пособие", "очередь", "штраф", "разрешение", "школа", "многодетная"}

// read is a reader's one page or API call: the map over a random part of
// the city, the catalogue, a service's card, a search, or (signed in) their
// cases.
func (b *bench) read(ctx context.Context, r *rand.Rand, due time.Time) bool {
	var path string
	var s *benchSession
	switch n := r.IntN(100); {
	case n < 35:
		// A window on the city at a zoom a phone or a desk shows.
		span := 0.01 + r.Float64()*0.15
		lat, lon := 59.85+r.Float64()*0.15, 30.15+r.Float64()*0.35
		path = fmt.Sprintf("/api/v1/map/appeals?bbox=%.5f,%.5f,%.5f,%.5f&zoom=%d", lon, lat, lon+span*2, lat+span, 11+r.IntN(6))
	case n < 50:
		path = "/services"
	case n < 70:
		path = "/services/" + b.services[r.IntN(len(b.services))]
	case n < 85:
		path = "/services/search?q=" + url.QueryEscape(benchSearches[r.IntN(len(benchSearches))])
	default:
		if len(b.citizens) == 0 {
			path = "/services"
			break
		}
		s = b.citizens[r.IntN(len(b.citizens))]
		path = "/cabinet/cases"
	}
	req, err := http.NewRequestWithContext(ctx, "GET", b.base()+path, nil)
	if err != nil {
		return false
	}
	client := b.client
	if s == nil {
		client = b.visitors[r.IntN(len(b.visitors))]
	}
	rep, ok := b.sendWith(ctx, client, kindReaders, due, req, s)
	return ok && rep.status == 200
}
