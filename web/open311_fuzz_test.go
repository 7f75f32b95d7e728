package web

import (
	"math"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
)

// open311FuzzBoundary is the multipart boundary the fuzzed bodies are
// read with; seeds use it, and the fuzzer may break it.
const open311FuzzBoundary = "okno-fuzz"

// open311FuzzCatalog loads the message catalogue once for a fuzz target.
func open311FuzzCatalog(f *testing.F) *i18n.Catalog {
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	return cat
}

// checkOpen311Error fails unless err is an EINVALID okno error whose key
// and field keys are in the catalogue: what the door answers 400 with,
// in the client's language. Anything else would be a 500.
func checkOpen311Error(t *testing.T, cat *i18n.Catalog, what string, err error) {
	t.Helper()
	e := okno.AsError(err)
	if e.Code != okno.EINVALID || !cat.Has(e.Key) {
		t.Fatalf("%s: %v: want an invalid error with a catalogue key", what, err)
	}
	for _, fe := range e.Fields {
		if fe.Field == "" || !cat.Has(fe.Key) {
			t.Fatalf("%s: field problem %+v has no field or no catalogue key", what, fe)
		}
	}
}

// open311Multipart is a multipart body of form fields and media files.
func open311Multipart(fields map[string]string, files map[string]string) string {
	var b strings.Builder
	for k, v := range fields {
		b.WriteString("--" + open311FuzzBoundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n")
	}
	for name, content := range files {
		b.WriteString("--" + open311FuzzBoundary + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"" + name +
			"\"\r\nContent-Type: image/jpeg\r\n\r\n" + content + "\r\n")
	}
	b.WriteString("--" + open311FuzzBoundary + "--\r\n")
	return b.String()
}

// FuzzOpen311Submission posts anything to the Open311 request decoding —
// form-encoded or multipart bodies, any Idempotency-Key — as
// open311Create reads it before appeal sees it. It never panics; every
// refusal is a 400 (EINVALID with catalogue keys); what it accepts has a
// location (a point within range, or an address), parameters within
// their limits, at most maxUploadParts photos and a printable key.
func FuzzOpen311Submission(f *testing.F) {
	cat := open311FuzzCatalog(f)
	f.Add(false, "description=%D0%AF%D0%BC%D0%B0&lat=59.93&long=30.31&email=a%40b.ru", "k-1")
	f.Add(false, "description=x&address_string=%D0%9D%D0%B5%D0%B2%D1%81%D0%BA%D0%B8%D0%B9+1&attribute%5Banonymous%5D=true", "")
	f.Add(false, "description=x&lat=NaN&long=Inf&attribute%5Bdistrict%5D=-1", "")
	f.Add(false, "description=x&lat=91&long=-180.0000001", "")
	f.Add(false, "description=x&address_id=77&device_id="+strings.Repeat("%D1%8F", 501), "ключ")
	f.Add(false, "lat=1e308&long=-0&attribute%5Banonymous%5D=maybe&attribute%5Bdistrict%5D=99999999999999999999", "")
	f.Add(false, "%zz=1&;&&=", "\x00")
	f.Add(true, open311Multipart(map[string]string{"description": "Яма", "lat": "59.9", "long": "30.3"},
		map[string]string{"photo.jpg": "\xff\xd8\xff\xe0JFIF", "../../etc/passwd": "x"}), "k-2")
	f.Add(true, open311Multipart(map[string]string{"description": "x", "address_string": "Невский 1"}, nil), "")
	f.Add(true, "--"+open311FuzzBoundary+"\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a\"\r\n\r\nunterminated", "")
	f.Add(true, "not multipart at all", "")
	f.Fuzz(func(t *testing.T, multipart bool, body, key string) {
		r := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(body))
		if multipart {
			r.Header.Set("Content-Type", "multipart/form-data; boundary="+open311FuzzBoundary)
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r.Header.Set("Idempotency-Key", key)
		if err := open311ParseForm(r); err != nil {
			checkOpen311Error(t, cat, "open311ParseForm", err)
			return
		}
		if r.MultipartForm != nil {
			t.Cleanup(func() { r.MultipartForm.RemoveAll() })
		}
		in, err := open311Submission(r, "pothole")
		if err != nil {
			checkOpen311Error(t, cat, "open311Submission", err)
			return
		}
		switch {
		case in.Channel != casework.ChannelOpen311 || in.ReasonCode != "pothole":
			t.Fatalf("channel %q, reason %q", in.Channel, in.ReasonCode)
		case !in.HasPoint && in.Address == "":
			t.Fatalf("accepted without a location: %+v", in)
		case in.HasPoint && (math.IsNaN(in.Lat) || math.IsNaN(in.Lon) || math.Abs(in.Lat) > 90 || math.Abs(in.Lon) > 180):
			t.Fatalf("accepted the point (%v, %v)", in.Lat, in.Lon)
		case in.TerritoryID < 0:
			t.Fatalf("accepted the district %d", in.TerritoryID)
		case len(in.Photos) > maxUploadParts:
			t.Fatalf("accepted %d photos", len(in.Photos))
		case in.IdempotencyKey != key || len(key) > maxIdempotencyKey:
			t.Fatalf("idempotency key %q from %q", in.IdempotencyKey, key)
		}
		for _, b := range []byte(in.IdempotencyKey) {
			if b <= 0x20 || b >= 0x7f {
				t.Fatalf("accepted the idempotency key %q", in.IdempotencyKey)
			}
		}
		for _, v := range []string{in.Address, in.Contact.FirstName, in.Contact.LastName, in.Contact.Phone,
			in.Contact.Email, in.Contact.DeviceID, in.AuthorHint} {
			if utf8.RuneCountInString(v) > open311MaxParam {
				t.Fatalf("accepted a parameter of %d characters", utf8.RuneCountInString(v))
			}
		}
	})
}

// FuzzOpen311Query feeds GET requests' query strings to open311Query. It
// never panics; a refusal is a 400; an accepted query asks for at most
// open311MaxIDs positive ids, or for a window no wider than open311Window
// (when both ends are known) that does not end before it starts.
func FuzzOpen311Query(f *testing.F) {
	cat := open311FuzzCatalog(f)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	s := &Server{now: func() time.Time { return now }}
	f.Add("service_request_id=1,2,%203&status=open")
	f.Add("service_request_id=0&service_request_id=-5")
	f.Add("service_request_id=" + strings.Repeat("1,", 201))
	f.Add("status=open,closed,CLOSED&service_code=a,,b&start_date=2026-01-01&end_date=2026-02-01T00:00:00Z")
	f.Add("start_date=2026-03-01T00:00:00+03:00&end_date=2025-01-01")
	f.Add("start_date=2026-03-01T00:00:00 03:00&updated_after=2026&updated_before=2026-02")
	f.Add("end_date=" + strings.Repeat("9", 50) + "&status=pending")
	f.Add("start_date=0001-01-01&end_date=9999-12-31T23:59:59Z")
	f.Fuzz(func(t *testing.T, query string) {
		form, err := url.ParseQuery(query)
		if err != nil {
			return // net/http refuses such a query before any handler
		}
		r := httptest.NewRequest("GET", "/open311/v2/requests.json", nil)
		r.Form = form
		q, err := s.open311Query(r)
		if err != nil {
			checkOpen311Error(t, cat, "open311Query", err)
			return
		}
		if len(q.CaseIDs) > 0 {
			if len(q.CaseIDs) > open311MaxIDs {
				t.Fatalf("accepted %d ids", len(q.CaseIDs))
			}
			for _, id := range q.CaseIDs {
				if id <= 0 {
					t.Fatalf("accepted the id %d", id)
				}
			}
			return
		}
		if q.Limit != open311Limit {
			t.Fatalf("limit %d", q.Limit)
		}
		if !q.From.IsZero() && !q.To.IsZero() && (q.To.Before(q.From) || q.To.Sub(q.From) > open311Window) {
			t.Fatalf("accepted the window %v..%v", q.From, q.To)
		}
	})
}
