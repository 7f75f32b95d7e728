package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
)

// servicerequestupdates: mySociety's extension of GeoReport v2
// (https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311),
// which FixMyStreet polls to follow what happens to the requests it sent.
// An update is a public step of an appeal: a status change, or an
// official's answer with its text.

// open311UpdatesDefault is the window of updates without a start_date:
// the last day, what a poller that lost its place needs.
const open311UpdatesDefault = 24 * time.Hour

// open311Updates lists updates within [start_date, end_date), oldest
// first, at most 1,000; a client that gets 1,000 asks again from the last
// one's updated_datetime. As an extension, service_request_id gives one
// request's updates. An api_key, which FixMyStreet sends, is not needed
// and not looked at: updates are public.
func (s *Server) open311Updates(w http.ResponseWriter, r *http.Request, f open311Format) error {
	var fe okno.FieldErrors
	q := appeal.UpdateQuery{Limit: open311Limit}
	q.From = open311Date(&fe, r.Form, "start_date")
	q.To = open311Date(&fe, r.Form, "end_date")
	if v := strings.TrimSpace(r.Form.Get("service_request_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("service_request_id", "web.open311.id", open311Clip(v, 32))
		}
		q.CaseID = id
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		fe.Add("end_date", "web.open311.window_order")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if q.From.IsZero() && q.CaseID == 0 {
		end := q.To
		if end.IsZero() {
			end = s.now()
		}
		q.From = end.Add(-open311UpdatesDefault)
	}
	ap, err := s.open311Appeals()
	if err != nil {
		return err
	}
	us, err := ap.Updates(r.Context(), q)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(us))
	for _, u := range us {
		items = append(items, open311Record{
			{"update_id", strconv.FormatInt(u.ID, 10)},
			{"service_request_id", strconv.FormatInt(u.CaseID, 10)},
			{"status", open311UpdateStatus(u.Status)},
			{"updated_datetime", u.At},
			{"description", u.Description},
			{"media_url", ""},
			{"external_status_code", string(u.Status)},
		})
	}
	return open311Doc{root: "service_request_updates", body: open311List{item: "request_update", items: items}}.write(w, f, http.StatusOK)
}

// open311UpdateStatus is an appeal's status in the extension's vocabulary
// (FixMyStreet's extended states): open until the body acts, in progress
// while it works and answers, fixed when fixed (confirmed by the author or
// by their silence), no further action when closed without fixing.
// external_status_code carries Okno's own status alongside.
func open311UpdateStatus(st appeal.Status) string {
	switch st {
	case appeal.StatusModeration:
		return "open"
	case appeal.StatusFixed, appeal.StatusFixedAuto:
		return "fixed"
	case appeal.StatusNotFixed:
		return "no_further_action"
	case appeal.StatusRejected:
		return "closed"
	}
	return "in_progress"
}

// open311Date reads a date-time parameter in the W3C profile of ISO 8601
// the specification requires: a moment with its offset
// ("2026-11-01T09:30:00+03:00", "…Z", seconds and fractions optional), or
// a date alone ("2026-11-01", "2026-11", "2026"), which starts at Moscow
// midnight like the dates on the pages. A "+" that a client forgot to
// escape arrives as a space and is read as the "+" it was. A moment
// without an offset is refused: its meaning would be a guess.
func open311Date(fe *okno.FieldErrors, form url.Values, name string) time.Time {
	v := strings.TrimSpace(form.Get(name))
	if v == "" {
		return time.Time{}
	}
	if len(v) > 40 {
		fe.Add(name, "web.open311.date", open311Clip(v, 40))
		return time.Time{}
	}
	if i := strings.IndexByte(v, ' '); i > 10 {
		v = v[:i] + "+" + v[i+1:]
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	for _, layout := range []string{time.DateOnly, "2006-01", "2006"} {
		if t, err := time.ParseInLocation(layout, v, moscow); err == nil {
			return t
		}
	}
	fe.Add(name, "web.open311.date", open311Clip(v, 40))
	return time.Time{}
}
