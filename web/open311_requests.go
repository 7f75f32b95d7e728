package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
)

// Service requests: filing one (POST requests), listing them (GET
// requests), one of them (GET requests/{id}) and a token's request (GET
// tokens/{token}). A service request is a published appeal, named by its
// case id.

const (
	// open311MaxParam bounds every text parameter but description, whose
	// limit is package appeal's (4,000 characters, the specification's).
	open311MaxParam = 500
	// open311MaxIDs bounds the ids of one GET requests, as appeal does.
	open311MaxIDs = 200
	// open311Window is the longest span of start_date..end_date, and the
	// default span, that the specification allows.
	open311Window = 90 * 24 * time.Hour
	// open311Limit is the most requests or updates one answer holds.
	open311Limit = 1000
)

// open311Create files a service request as the client whose api_key the
// form carries. The answer names the new request by its id (the service
// is "realtime"), with a notice of when to expect an answer.
func (s *Server) open311Create(w http.ResponseWriter, r *http.Request, f open311Format) error {
	actor, err := s.open311Key(r)
	if err != nil {
		return err
	}
	re, err := s.open311Reason(r, strings.TrimSpace(r.FormValue("service_code")))
	if err != nil {
		return err
	}
	in, err := open311Submission(r, re.Code)
	if err != nil {
		return err
	}
	ap, err := s.open311Appeals()
	if err != nil {
		return err
	}
	a, err := ap.Submit(r.Context(), actor, in)
	if err != nil {
		return err
	}
	loc := stateFrom(r.Context()).loc
	return open311Doc{root: "service_requests", body: open311List{item: "request", items: []any{open311Record{
		{"service_request_id", strconv.FormatInt(a.CaseID, 10)},
		{"service_notice", orNil(open311Notice(loc, a))},
	}}}}.write(w, f, http.StatusOK)
}

// open311Key authenticates the api_key parameter (or, for clients of the
// JSON API, its "Authorization: Bearer" header): missing or wrong, it is
// the specification's 403.
func (s *Server) open311Key(r *http.Request) (okno.Actor, error) {
	token := r.FormValue("api_key")
	if token == "" {
		token, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if token == "" {
		return okno.Actor{}, okno.Errorf(okno.EFORBIDDEN, "web.open311.api_key_missing")
	}
	if !strings.HasPrefix(token, apiKeyPrefix) || len(token) > 128 || s.deps.APIKeys == nil {
		return okno.Actor{}, okno.Errorf(okno.EFORBIDDEN, "web.open311.api_key_invalid")
	}
	key, err := s.deps.APIKeys.AuthenticateAPIKey(r.Context(), token)
	if okno.IsCode(err, okno.EUNAUTHORIZED) {
		return okno.Actor{}, okno.Errorf(okno.EFORBIDDEN, "web.open311.api_key_invalid")
	}
	if err != nil {
		return okno.Actor{}, err
	}
	return okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: key.ID, OrgID: key.OrgID, Roles: key.Roles, Name: key.Name}, nil
}

// open311Submission reads an appeal from the form. It checks what only
// the door knows — the shape of parameters, that a location is given —
// and leaves the rules of an appeal (text length, contacts, photos, the
// rate of one author) to package appeal. media_url is accepted and not
// followed: fetching what a client points at would let it make this
// server request any address. Photos come as multipart "media" files.
func open311Submission(r *http.Request, serviceCode string) (appeal.Submission, error) {
	var fe okno.FieldErrors
	param := func(name string) string {
		v := strings.TrimSpace(r.FormValue(name))
		if utf8.RuneCountInString(v) > open311MaxParam {
			fe.Add(name, "web.open311.too_long", open311MaxParam)
			return ""
		}
		return v
	}
	in := appeal.Submission{
		ReasonCode: serviceCode,
		Text:       strings.TrimSpace(r.FormValue("description")),
		Address:    param("address_string"),
		Channel:    casework.ChannelOpen311,
		Contact: appeal.Contact{
			FirstName: param("first_name"),
			LastName:  param("last_name"),
			Phone:     param("phone"),
			Email:     param("email"),
			DeviceID:  param("device_id"),
		},
	}
	accountID := param("account_id")
	param("media_url")
	// One author behind the client: the person's e-mail, else their
	// device or account with the client, so appeal limits each person,
	// not the whole app.
	for _, hint := range []string{in.Contact.Email, in.Contact.DeviceID, accountID} {
		if hint != "" {
			in.AuthorHint = hint
			break
		}
	}

	lat, long := param("lat"), param("long")
	switch {
	case lat != "" || long != "":
		in.HasPoint = true
		var ok bool
		if in.Lat, ok = open311Degrees(lat, 90); !ok {
			fe.Add("lat", "web.open311.lat")
		}
		if in.Lon, ok = open311Degrees(long, 180); !ok {
			fe.Add("long", "web.open311.long")
		}
	case in.Address != "":
	case param("address_id") != "":
		// Okno keeps no register of addresses that an id could name.
		fe.Add("address_id", "web.open311.address_id")
	default:
		fe.Add("location", "web.open311.location")
	}

	switch v := r.FormValue("attribute[" + open311Anonymous + "]"); v {
	case "", "false":
	case "true":
		in.Anonymous = true
	default:
		fe.Add("attribute["+open311Anonymous+"]", "web.open311.anonymous_value")
	}

	if v := strings.TrimSpace(r.FormValue("attribute[" + open311District + "]")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("attribute["+open311District+"]", "web.open311.district_value")
		}
		in.TerritoryID = id
	}

	key, err := idempotencyKey(r)
	if err != nil {
		return appeal.Submission{}, err
	}
	in.IdempotencyKey = key
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["media"] {
			if len(in.Photos) == maxUploadParts {
				fe.Add("media", "web.open311.too_many_files", maxUploadParts)
				break
			}
			b, err := readPart(fh)
			if err != nil {
				return appeal.Submission{}, err
			}
			in.Photos = append(in.Photos, casework.Upload{Name: fh.Filename, Content: b})
		}
	}
	return in, fe.Err()
}

// open311Degrees reads a latitude or longitude within ±limit.
func open311Degrees(s string, limit float64) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < -limit || v > limit {
		return 0, false
	}
	return v, true
}

// open311Notice tells the client what happens next: moderation, then an
// answer by the legal deadline.
func open311Notice(loc i18n.Localizer, a appeal.Appeal) string {
	var parts []string
	if a.Status == appeal.StatusModeration {
		parts = append(parts, loc.T("web.open311.notice_moderation"))
	}
	if !a.DueAt.IsZero() {
		parts = append(parts, loc.T("web.open311.notice_due", formatDate(loc, a.DueAt.In(moscow).Format(time.DateOnly))))
	}
	return strings.Join(parts, " ")
}

// open311Requests lists published appeals: by ids (which override every
// other argument, as the specification says), or by service codes,
// statuses and a window of at most 90 days of requested_datetime (the
// last 90 days by default), newest first, at most 1,000. As extensions,
// updated_after and updated_before filter by updated_datetime (without a
// start_date or end_date, they replace the default window), so a client
// can follow changes.
func (s *Server) open311Requests(w http.ResponseWriter, r *http.Request, f open311Format) error {
	q, err := s.open311Query(r)
	if err != nil {
		return err
	}
	ap, err := s.open311Appeals()
	if err != nil {
		return err
	}
	page, err := ap.List(r.Context(), q)
	if err != nil {
		return err
	}
	return s.open311WriteRequests(w, r, f, page.Items)
}

// open311Query turns GET requests' arguments into appeal's query.
func (s *Server) open311Query(r *http.Request) (appeal.Query, error) {
	var fe okno.FieldErrors
	q := appeal.Query{Limit: open311Limit}
	form := r.Form
	if ids := open311Items(form["service_request_id"]); len(ids) > 0 {
		if len(ids) > open311MaxIDs {
			fe.Add("service_request_id", "web.open311.too_many", open311MaxIDs)
			return q, fe.Err()
		}
		for _, s := range ids {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				fe.Add("service_request_id", "web.open311.id", open311Clip(s, 32))
				return q, fe.Err()
			}
			q.CaseIDs = append(q.CaseIDs, id)
		}
		return q, nil
	}
	q.ReasonCodes = open311Items(form["service_code"])
	for _, st := range open311Items(form["status"]) {
		switch strings.ToLower(st) {
		case "open":
			q.Statuses = append(q.Statuses, appeal.StatusOpen, appeal.StatusAnswered)
		case "closed":
			q.Statuses = append(q.Statuses, appeal.StatusFixed, appeal.StatusFixedAuto, appeal.StatusNotFixed)
		default:
			fe.Add("status", "web.open311.status", open311Clip(st, 32))
		}
	}
	start := open311Date(&fe, form, "start_date")
	end := open311Date(&fe, form, "end_date")
	q.UpdatedFrom = open311Date(&fe, form, "updated_after")
	q.UpdatedTo = open311Date(&fe, form, "updated_before")
	if err := fe.Err(); err != nil {
		return q, err
	}
	switch {
	case !start.IsZero() && !end.IsZero():
		if end.Before(start) {
			fe.Add("end_date", "web.open311.window_order")
		} else if end.Sub(start) > open311Window {
			fe.Add("end_date", "web.open311.window", int(open311Window/(24*time.Hour)))
		}
	case !start.IsZero():
		end = start.Add(open311Window)
	case !end.IsZero():
		start = end.Add(-open311Window)
	case q.UpdatedFrom.IsZero() && q.UpdatedTo.IsZero():
		start = s.now().Add(-open311Window)
	}
	q.From, q.To = start, end
	return q, fe.Err()
}

// open311Items reads a parameter that may be declared several times and
// hold several comma-separated values, dropping empty ones.
func open311Items(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// open311Request is one service request, as a list of one (the
// specification's format).
func (s *Server) open311Request(w http.ResponseWriter, r *http.Request, f open311Format, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return open311NotFound()
	}
	ap, err := s.open311Appeals()
	if err != nil {
		return err
	}
	a, err := ap.Public(r.Context(), n)
	if err != nil {
		return err
	}
	return s.open311WriteRequests(w, r, f, []appeal.Appeal{a})
}

// open311Token names the request a token stands for. It answers for an
// appeal still in moderation too: the token's holder filed it.
func (s *Server) open311Token(w http.ResponseWriter, r *http.Request, f open311Format, token string) error {
	ap, err := s.open311Appeals()
	if err != nil {
		return err
	}
	a, err := ap.ByToken(r.Context(), token)
	if err != nil {
		return err
	}
	return open311Doc{root: "service_requests", body: open311List{item: "request", items: []any{open311Record{
		{"service_request_id", strconv.FormatInt(a.CaseID, 10)},
		{"token", token},
	}}}}.write(w, f, http.StatusOK)
}

// open311WriteRequests renders appeals as service requests, with every
// element of the specification in its order: what Okno does not have
// (address_id, zipcode) is empty, never left out.
func (s *Server) open311WriteRequests(w http.ResponseWriter, r *http.Request, f open311Format, as []appeal.Appeal) error {
	loc := stateFrom(r.Context()).loc
	names := s.open311Names(r, loc.Lang())
	items := make([]any, 0, len(as))
	for _, a := range as {
		status, updated := "open", a.UpdatedAt
		if a.Status.Closed() {
			status = "closed"
			if !a.ClosedAt.IsZero() {
				updated = a.ClosedAt // the specification: the date it was closed
			}
		}
		name := a.ReasonTitle
		if n, ok := names[a.ReasonCode]; ok {
			name = n
		}
		var lat, long any
		if a.Lat != 0 || a.Lon != 0 {
			lat, long = a.Lat, a.Lon
		}
		items = append(items, open311Record{
			{"service_request_id", strconv.FormatInt(a.CaseID, 10)},
			{"status", status},
			{"status_notes", loc.T("web.open311.status_notes." + string(a.Status))},
			{"service_name", name},
			{"service_code", a.ReasonCode},
			{"description", orNil(a.Text)},
			{"agency_responsible", orNil(a.OrgName)},
			{"service_notice", nil},
			{"requested_datetime", a.CreatedAt},
			{"updated_datetime", timeOrNil(updated)},
			{"expected_datetime", timeOrNil(a.DueAt)},
			{"address", orNil(a.Address)},
			{"address_id", nil},
			{"zipcode", nil},
			{"lat", lat},
			{"long", long},
			{"media_url", nil},
		})
	}
	return open311Doc{root: "service_requests", body: open311List{item: "request", items: items}}.write(w, f, http.StatusOK)
}

// open311Names are the services' English names for English readers
// (appeals carry the Russian); nil otherwise or when the taxonomy fails
// (the Russian names are then shown).
func (s *Server) open311Names(r *http.Request, lang i18n.Lang) map[string]string {
	if lang != i18n.English || s.deps.Appeals == nil {
		return nil
	}
	tax, err := s.deps.Appeals.Taxonomy(r.Context())
	if err != nil {
		return nil
	}
	names := map[string]string{}
	for _, c := range tax.Categories {
		for _, re := range c.Reasons {
			if re.TitleEn != "" {
				names[re.Code] = re.TitleEn
			}
		}
	}
	return names
}
