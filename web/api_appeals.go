package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
)

// The appeals API: filing an appeal, reading one, the public listing,
// the category suggestion and the taxonomy, re-categorisation and joining.
// Package appeal decides who sees and does what; these handlers decode,
// call it and encode.

// Bounds of the appeals API's bodies. A new appeal may carry its photos
// as base64 in the JSON (a third larger than the files): the feature's
// limits (5 photos of 10 MiB) and room for the rest.
const (
	apiAppealMaxBody  = 70 << 20
	apiAppealJSONBody = 64 << 10
	maxPhotoName      = 200
)

// appealJSON is an appeal in the API. Flags and the suggestion are
// present only for those who see the case in full.
type appealJSON struct {
	ID             int64            `json:"id"`
	Ref            string           `json:"ref"`
	Version        int64            `json:"version,omitempty"`
	Category       taxonRef         `json:"category"`
	Reason         taxonRef         `json:"reason"`
	TerritoryID    int64            `json:"territory_id,omitempty"`
	TerritoryName  string           `json:"territory_name,omitempty"`
	OrgID          int64            `json:"org_id"`
	OrgName        string           `json:"org_name,omitempty"`
	Lat            float64          `json:"lat"`
	Lon            float64          `json:"lon"`
	Address        string           `json:"address,omitempty"`
	Text           string           `json:"text"`
	Anonymous      bool             `json:"anonymous"`
	AuthorName     string           `json:"author_name,omitempty"`
	Status         appeal.Status    `json:"status"`
	State          string           `json:"state,omitempty"`
	Channel        casework.Channel `json:"channel,omitempty"`
	Outcome        string           `json:"outcome,omitempty"`
	Photos         int              `json:"photos"`
	Supporters     int              `json:"supporters"`
	DuplicateOf    int64            `json:"duplicate_of,omitempty"`
	Reroutes       int              `json:"reroutes"`
	Recategorised  int              `json:"recategorised"`
	Reopened       int              `json:"reopened"`
	Flags          []appeal.Flag    `json:"flags,omitempty"`
	Suggested      *apiSuggestion   `json:"suggested,omitempty"`
	CreatedAt      time.Time        `json:"created_at"`
	PublishedAt    *time.Time       `json:"published_at,omitempty"`
	DueAt          *time.Time       `json:"due_at,omitempty"`
	AnsweredAt     *time.Time       `json:"answered_at,omitempty"`
	AnsweredOnTime *bool            `json:"answered_on_time,omitempty"`
	ClosedAt       *time.Time       `json:"closed_at,omitempty"`
	UpdatedAt      time.Time        `json:"updated_at"`
}

// taxonRef names a category or a reason.
type taxonRef struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	Title string `json:"title"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// toAppealJSON encodes a; full keeps what only staff and the author see
// (the case's state and version, flags, the classifier's guess).
func toAppealJSON(a appeal.Appeal, full bool) appealJSON {
	j := appealJSON{ID: a.CaseID, Ref: a.Ref,
		Category:    taxonRef{ID: a.CategoryID, Code: a.CategoryCode, Title: a.CategoryTitle},
		Reason:      taxonRef{ID: a.ReasonID, Code: a.ReasonCode, Title: a.ReasonTitle},
		TerritoryID: a.TerritoryID, TerritoryName: a.TerritoryName, OrgID: a.OrgID, OrgName: a.OrgName,
		Lat: a.Lat, Lon: a.Lon, Address: a.Address, Text: a.Text, Anonymous: a.Anonymous, AuthorName: a.AuthorName,
		Status: a.Status, Outcome: a.Outcome, Photos: a.Photos, Supporters: a.Supporters, DuplicateOf: a.DuplicateOf,
		Reroutes: a.Reroutes, Recategorised: a.Recategorised, Reopened: a.Reopened,
		CreatedAt: a.CreatedAt.UTC(), PublishedAt: timePtr(a.PublishedAt), DueAt: timePtr(a.DueAt),
		AnsweredAt: timePtr(a.AnsweredAt), ClosedAt: timePtr(a.ClosedAt), UpdatedAt: a.UpdatedAt.UTC()}
	if !a.AnsweredAt.IsZero() {
		on := a.AnsweredOnTime
		j.AnsweredOnTime = &on
	}
	if full {
		j.Version, j.State, j.Channel, j.Flags = a.Version, a.State, a.Channel, a.Flags
		if sg := a.Suggested; sg != nil {
			s := toAPISuggestions([]appeal.Suggestion{*sg})[0]
			j.Suggested = &s
		}
	}
	return j
}

// newAppealJSON is the body of POST /api/v1/appeals.
type newAppealJSON struct {
	Reason      string       `json:"reason"`
	ReasonID    int64        `json:"reason_id"`
	Text        string       `json:"text"`
	Lat         *float64     `json:"lat"`
	Lon         *float64     `json:"lon"`
	Address     string       `json:"address"`
	TerritoryID int64        `json:"territory_id"`
	Anonymous   bool         `json:"anonymous"`
	ApplicantID int64        `json:"applicant_id"`
	Contact     *contactJSON `json:"contact"`
	AuthorHint  string       `json:"author_hint"`
	Photos      []photoJSON  `json:"photos"`
}

type contactJSON struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Phone     string `json:"phone"`
	Email     string `json:"email"`
	DeviceID  string `json:"device_id"`
}

type photoJSON struct {
	Name          string `json:"name"`
	ContentBase64 string `json:"content_base64"`
}

// submission checks what the API itself reads (the point, the photos'
// encoding and count) and makes the feature's Submission; the feature
// checks the rest.
func (in newAppealJSON) submission(key string) (appeal.Submission, error) {
	var fe okno.FieldErrors
	sub := appeal.Submission{ReasonCode: in.Reason, ReasonID: in.ReasonID, Text: in.Text, Address: in.Address,
		TerritoryID: in.TerritoryID, Anonymous: in.Anonymous, ApplicantID: in.ApplicantID, Channel: casework.ChannelAPI,
		IdempotencyKey: key, AuthorHint: in.AuthorHint}
	// The people behind one API client are told apart (for the per-author
	// rate limit and distinct-author counts) by author_hint, else by how
	// they can be reached, as Open311 does.
	if sub.AuthorHint == "" && in.Contact != nil {
		for _, h := range []string{in.Contact.Email, in.Contact.Phone, in.Contact.DeviceID} {
			if h != "" {
				sub.AuthorHint = h
				break
			}
		}
	}
	switch {
	case in.Lat == nil && in.Lon == nil:
	case in.Lat == nil || in.Lon == nil:
		fe.Add("lat", "web.appeals.api_point_half")
	case *in.Lat < -90 || *in.Lat > 90 || *in.Lat != *in.Lat:
		fe.Add("lat", "web.appeals.lat_invalid")
	case *in.Lon < -180 || *in.Lon > 180 || *in.Lon != *in.Lon:
		fe.Add("lon", "web.appeals.lon_invalid")
	default:
		sub.HasPoint, sub.Lat, sub.Lon = true, *in.Lat, *in.Lon
	}
	if c := in.Contact; c != nil {
		sub.Contact = appeal.Contact{FirstName: c.FirstName, LastName: c.LastName, Phone: c.Phone, Email: c.Email, DeviceID: c.DeviceID}
	}
	if len(in.Photos) > appealLimits.MaxPhotos {
		fe.Add("photos", "web.appeals.too_many_photos", appealLimits.MaxPhotos)
		return sub, fe.Err()
	}
	for i, p := range in.Photos {
		field := "photos[" + strconv.Itoa(i) + "]"
		if base64.StdEncoding.DecodedLen(len(p.ContentBase64)) > int(appealLimits.MaxPhotoSize)+3 {
			fe.Add(field+".content_base64", "web.appeals.photo_large", appealLimits.MaxPhotoSize>>20)
			continue
		}
		b, err := base64.StdEncoding.DecodeString(p.ContentBase64)
		if err != nil || len(b) == 0 {
			fe.Add(field+".content_base64", "web.appeals.photo_base64")
			continue
		}
		if p.Name == "" || utf8.RuneCountInString(p.Name) > maxPhotoName {
			fe.Add(field+".name", "web.appeals.photo_name", maxPhotoName)
			continue
		}
		sub.Photos = append(sub.Photos, casework.Upload{Name: p.Name, Content: b})
	}
	return sub, fe.Err()
}

// apiAppealNames renames the feature's field names to the API's.
func apiAppealNames(f string) string {
	switch f {
	case "reason_code":
		return "reason"
	case "point":
		return "lat"
	case "documents":
		return "photos"
	}
	if strings.HasPrefix(f, "photos.") {
		return "photos"
	}
	return f
}

// apiAppealCreate files an appeal. A retry with the same Idempotency-Key
// returns the appeal the first request filed.
func (s *Server) apiAppealCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	var in newAppealJSON
	if err := decodeJSON(r.Body, &in); err != nil {
		return err
	}
	sub, err := in.submission(key)
	if err != nil {
		return err
	}
	a, err := s.deps.Appeals.Submit(ctx, okno.ActorFrom(ctx), sub)
	if err != nil {
		return renameFields(err, apiAppealNames)
	}
	w.Header().Set("Location", "/api/v1/appeals/"+strconv.FormatInt(a.CaseID, 10))
	return writeJSON(w, http.StatusCreated, toAppealJSON(a, true))
}

// apiAppeal returns one appeal as the client may see it.
func (s *Server) apiAppeal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.deps.Appeals.Get(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAppealJSON(a, true))
}

// Bounds of the listing's filters.
const (
	maxListValues = 50
	maxListLimit  = 1000
)

// appealQuery reads the listing's filters.
func appealQuery(q url.Values) (appeal.Query, error) {
	var fe okno.FieldErrors
	var out appeal.Query
	list := func(name string) []string {
		var vs []string
		for _, v := range q[name] {
			for _, x := range strings.Split(v, ",") {
				if x = strings.TrimSpace(x); x != "" {
					vs = append(vs, x)
				}
			}
		}
		if len(vs) > maxListValues {
			fe.Add(name, "web.appeals.too_many_values", maxListValues)
			return nil
		}
		return vs
	}
	ids := func(name string) []int64 {
		var out []int64
		for _, v := range list(name) {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				fe.Add(name, "web.appeals.ids_invalid")
				return nil
			}
			out = append(out, id)
		}
		return out
	}
	when := func(name string) time.Time {
		v := q.Get(name)
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if t, err = time.ParseInLocation(time.DateOnly, v, moscow); err != nil {
				fe.Add(name, "web.appeals.time_invalid")
			}
		}
		return t
	}
	out.ReasonCodes = list("reason")
	out.CategoryIDs = ids("category")
	out.TerritoryIDs = ids("territory")
	for _, v := range list("status") {
		st := appeal.Status(v)
		switch st {
		case appeal.StatusModeration, appeal.StatusOpen, appeal.StatusAnswered, appeal.StatusFixed,
			appeal.StatusFixedAuto, appeal.StatusNotFixed, appeal.StatusRejected:
			out.Statuses = append(out.Statuses, st)
		default:
			fe.Add("status", "web.appeals.status_invalid")
		}
	}
	if v := q.Get("org"); v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			out.OrgID = id
		} else {
			fe.Add("org", "web.appeals.ids_invalid")
		}
	}
	out.From, out.To = when("from"), when("to")
	out.UpdatedFrom, out.UpdatedTo = when("updated_from"), when("updated_to")
	if v := q.Get("bbox"); v != "" {
		b, ok := appealBBox(v)
		if !ok {
			fe.Add("bbox", "web.appeals.bbox_invalid")
		}
		out.BBox = b
	}
	out.After = q.Get("after")
	if len(out.After) > 200 {
		fe.Add("after", "web.api.after_invalid")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			fe.Add("limit", "web.api.limit_invalid", maxListLimit)
		}
		out.Limit = n
	}
	return out, fe.Err()
}

// appealBBox reads "min_lon,min_lat,max_lon,max_lat", as GeoJSON orders
// a bounding box.
func appealBBox(v string) (*geo.BBox, bool) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, false
	}
	var f [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || x != x {
			return nil, false
		}
		f[i] = x
	}
	b := geo.BBox{MinLon: f[0], MinLat: f[1], MaxLon: f[2], MaxLat: f[3]}
	if b.MinLon < -180 || b.MaxLon > 180 || b.MinLat < -90 || b.MaxLat > 90 || b.MinLon > b.MaxLon || b.MinLat > b.MaxLat {
		return nil, false
	}
	return &b, true
}

// apiAppeals lists published appeals, as the public map shows them.
func (s *Server) apiAppeals(w http.ResponseWriter, r *http.Request) error {
	q, err := appealQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := s.deps.Appeals.List(r.Context(), q)
	if err != nil {
		return err
	}
	out := page[appealJSON]{Items: make([]appealJSON, 0, len(p.Items)), Next: p.Next}
	for _, a := range p.Items {
		out.Items = append(out.Items, toAppealJSON(a, false))
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiAppealSuggest suggests reasons for a text, as the form does while
// the citizen types.
func (s *Server) apiAppealSuggest(w http.ResponseWriter, r *http.Request) error {
	text := r.URL.Query().Get("text")
	if utf8.RuneCountInString(text) > suggestMaxText {
		text = string([]rune(text)[:suggestMaxText])
	}
	k := suggestCount
	if v := r.URL.Query().Get("k"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10 {
			var fe okno.FieldErrors
			fe.Add("k", "web.appeals.k_invalid", 10)
			return fe.Err()
		}
		k = n
	}
	items := []apiSuggestion{}
	if utf8.RuneCountInString(text) >= suggestMinText {
		items = toAPISuggestions(s.deps.Appeals.Suggest(text, k))
	}
	return writeJSON(w, http.StatusOK, struct {
		Items []apiSuggestion `json:"items"`
	}{items})
}

// categoryJSON is a category of the taxonomy with its reasons.
type categoryJSON struct {
	ID      int64        `json:"id"`
	Code    string       `json:"code"`
	Title   string       `json:"title"`
	TitleEn string       `json:"title_en,omitempty"`
	Reasons []reasonJSON `json:"reasons"`
}

type reasonJSON struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Title   string `json:"title"`
	TitleEn string `json:"title_en,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

// apiAppealCategories returns the taxonomy: categories, their reasons and
// each reason's hint.
func (s *Server) apiAppealCategories(w http.ResponseWriter, r *http.Request) error {
	tax, err := s.deps.Appeals.Taxonomy(r.Context())
	if err != nil {
		return err
	}
	out := make([]categoryJSON, 0, len(tax.Categories))
	for _, c := range tax.Categories {
		cj := categoryJSON{ID: c.ID, Code: c.Code, Title: c.Title, TitleEn: c.TitleEn, Reasons: make([]reasonJSON, 0, len(c.Reasons))}
		for _, rs := range c.Reasons {
			cj.Reasons = append(cj.Reasons, reasonJSON{ID: rs.ID, Code: rs.Code, Title: rs.Title, TitleEn: rs.TitleEn, Hint: rs.Hint})
		}
		out = append(out, cj)
	}
	return writeJSON(w, http.StatusOK, struct {
		Items []categoryJSON `json:"items"`
	}{out})
}

// recategoriseJSON is the body of POST /api/v1/appeals/{id}/recategorise.
type recategoriseJSON struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
	Reroute bool   `json:"reroute"`
}

// apiAppealRecategorise changes an appeal's reason.
func (s *Server) apiAppealRecategorise(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in recategoriseJSON
	if err := decodeJSON(r.Body, &in); err != nil {
		return err
	}
	if in.Reason == "" {
		var fe okno.FieldErrors
		fe.Add("reason", "web.appeals.reason_required")
		return fe.Err()
	}
	a, err := s.deps.Appeals.Recategorise(ctx, okno.ActorFrom(ctx), id, in.Version, in.Reason, strings.TrimSpace(in.Comment), in.Reroute)
	if err != nil {
		return renameFields(err, apiAppealNames)
	}
	return writeJSON(w, http.StatusOK, toAppealJSON(a, true))
}

// apiAppealJoin records the client's support of an appeal.
func (s *Server) apiAppealJoin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.deps.Appeals.Join(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAppealJSON(a, false))
}
