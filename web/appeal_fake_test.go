package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// fakeAppeals stands in for package appeal in the tests of the appeal
// pages and API: it records what the doors hand it and answers from a
// small taxonomy. Methods the tests do not use are left to the embedded
// nil interface (calling one panics: a test would fail loudly).
type fakeAppeals struct {
	web.Appeals

	mu        sync.Mutex
	subs      []appeal.Submission
	actors    []okno.Actor
	filed     map[string]appeal.Appeal // by idempotency key
	byID      map[int64]appeal.Appeal
	nearby    []appeal.Candidate
	submitErr error
	joined    []int64
	recat     []string
	listed    []appeal.Query
}

func newFakeAppeals() *fakeAppeals {
	return &fakeAppeals{filed: map[string]appeal.Appeal{}, byID: map[int64]appeal.Appeal{}}
}

var fakeTaxonomy = &appeal.Taxonomy{Categories: []appeal.Category{
	{ID: 1, Code: "roads", Title: "Дороги", TitleEn: "Roads", Reasons: []appeal.Reason{
		{ID: 11, CategoryID: 1, Code: "pothole", Title: "Яма на проезжей части", TitleEn: "Pothole", Hint: "Выбоины и провалы асфальта на дороге",
			Keywords: []string{"яма", "выбоина"}, Replies: []appeal.Reply{{ID: 5, Title: "Ремонт запланирован", Body: "Ремонт покрытия включён в план работ."}}},
		{ID: 12, CategoryID: 1, Code: "road_signs", Title: "Дорожные знаки", Hint: "Упавшие, повреждённые знаки"},
	}},
	{ID: 2, Code: "yards", Title: "Дворы", Reasons: []appeal.Reason{
		{ID: 21, CategoryID: 2, Code: "snow_yard", Title: "Снег во дворе", Hint: "Неубранный снег и наледь во дворе"},
	}},
}}

func (f *fakeAppeals) Taxonomy(context.Context) (*appeal.Taxonomy, error) { return fakeTaxonomy, nil }

func (f *fakeAppeals) Submit(_ context.Context, actor okno.Actor, in appeal.Submission) (appeal.Appeal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.submitErr != nil {
		return appeal.Appeal{}, f.submitErr
	}
	if a, ok := f.filed[in.IdempotencyKey]; ok && in.IdempotencyKey != "" {
		return a, nil
	}
	f.subs = append(f.subs, in)
	f.actors = append(f.actors, actor)
	id := int64(40 + len(f.subs))
	r, c, _ := fakeTaxonomy.Reason(in.ReasonCode)
	a := appeal.Appeal{CaseID: id, Ref: "П-2026-0000" + strconv.FormatInt(id, 10), ReasonID: r.ID, CategoryID: c.ID, ReasonCode: r.Code, ReasonTitle: r.Title,
		CategoryCode: c.Code, CategoryTitle: c.Title, Text: in.Text, Lat: in.Lat, Lon: in.Lon, Status: appeal.StatusModeration,
		Channel: in.Channel, CreatedAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		DueAt: time.Date(2026, 12, 23, 0, 0, 0, 0, moscowZone)}
	f.filed[in.IdempotencyKey] = a
	f.byID[id] = a
	return a, nil
}

var moscowZone = time.FixedZone("MSK", 3*3600)

func (f *fakeAppeals) Get(_ context.Context, _ okno.Actor, id int64) (appeal.Appeal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a, ok := f.byID[id]; ok {
		return a, nil
	}
	return appeal.Appeal{}, okno.Errorf(okno.ENOTFOUND, "casework.not_found")
}

func (f *fakeAppeals) Public(ctx context.Context, id int64) (appeal.Appeal, error) {
	return f.Get(ctx, okno.Actor{}, id)
}

func (f *fakeAppeals) Nearby(context.Context, float64, float64, string, string) ([]appeal.Candidate, error) {
	return f.nearby, nil
}

func (f *fakeAppeals) Join(_ context.Context, _ okno.Actor, id int64) (appeal.Appeal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.byID[id]
	if !ok {
		return appeal.Appeal{}, okno.Errorf(okno.ENOTFOUND, "casework.not_found")
	}
	f.joined = append(f.joined, id)
	a.Supporters++
	f.byID[id] = a
	return a, nil
}

func (f *fakeAppeals) Recategorise(_ context.Context, _ okno.Actor, id, version int64, reason, comment string, reroute bool) (appeal.Appeal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, _, ok := fakeTaxonomy.Reason(reason); !ok {
		var fe okno.FieldErrors
		fe.Add("reason", "web.appeals.reason_unknown")
		return appeal.Appeal{}, fe.Err()
	}
	f.recat = append(f.recat, strconv.FormatInt(id, 10)+" v"+strconv.FormatInt(version, 10)+" "+reason+" "+comment+" "+strconv.FormatBool(reroute))
	return f.byID[id], nil
}

func (f *fakeAppeals) Suggest(text string, k int) []appeal.Suggestion {
	if strings.Contains(strings.ToLower(text), "яма") {
		return []appeal.Suggestion{{CategoryCode: "roads", CategoryTitle: "Дороги", ReasonCode: "pothole", ReasonTitle: "Яма на проезжей части", Confidence: 0.91}}
	}
	return nil
}

func (f *fakeAppeals) List(_ context.Context, q appeal.Query) (appeal.Page[appeal.Appeal], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listed = append(f.listed, q)
	var items []appeal.Appeal
	for _, a := range f.byID {
		a.Flags = []appeal.Flag{{Kind: "spam"}} // must never reach a public listing
		items = append(items, a)
	}
	return appeal.Page[appeal.Appeal]{Items: items, Next: "cursor-2"}, nil
}

func (f *fakeAppeals) submissions() []appeal.Submission {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]appeal.Submission(nil), f.subs...)
}

// fakeTerritories has one district: everything between latitudes 59 and
// 61 (Saint Petersburg and around); the rest of the world is outside.
type fakeTerritories struct{ web.Territories }

var fakeDistrict = geo.Territory{ID: 3, Name: "Центральный район", Level: geo.LevelDistrict,
	Geometry: geo.MultiPolygon{{{{Lon: 30, Lat: 59}, {Lon: 31, Lat: 59}, {Lon: 31, Lat: 61}, {Lon: 30, Lat: 59}}}}}

func (fakeTerritories) Lookup(_ context.Context, lat, _ float64) ([]geo.Territory, error) {
	if lat >= 59 && lat <= 61 {
		return []geo.Territory{fakeDistrict}, nil
	}
	return nil, nil
}

func (fakeTerritories) List(context.Context, geo.ListQuery) ([]geo.Territory, error) {
	return []geo.Territory{fakeDistrict}, nil
}

func (fakeTerritories) Get(_ context.Context, id int64) (geo.Territory, error) {
	if id == fakeDistrict.ID {
		return fakeDistrict, nil
	}
	return geo.Territory{}, okno.Errorf(okno.ENOTFOUND, "geo.not_found")
}

// fakeOperators knows one citizen, by phone.
type fakeOperators struct{ web.Operators }

func (fakeOperators) FindByPhone(_ context.Context, _ okno.Actor, phone string) (identity.Citizen, error) {
	if strings.HasSuffix(phone, "9161234567") {
		return identity.Citizen{UserID: 777, FirstName: "Анна"}, nil
	}
	return identity.Citizen{}, okno.Errorf(okno.ENOTFOUND, "identity.citizen_not_found")
}

// appealServer serves the appeal pages and API with the fakes.
func appealServer(t *testing.T) (testServer, *fakeAppeals) {
	t.Helper()
	f := newFakeAppeals()
	deps := webtest.NewFakes(webtest.Cast()).Deps()
	deps.Appeals, deps.Territories, deps.Operators = f, fakeTerritories{}, fakeOperators{}
	deps.Now = func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }
	return testServer{web.New(webtest.Config(), deps), nil}, f
}

// multipartBody encodes pairs as form fields and files as "photos" parts.
func multipartBody(t *testing.T, files map[string][]byte, pairs ...string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := mw.WriteField(pairs[i], pairs[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range files {
		w, err := mw.CreateFormFile("photos", name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

func expectStatus(t *testing.T, res *http.Response, status int) string {
	t.Helper()
	b := body(t, res)
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d:\n%s", res.StatusCode, status, b)
	}
	return b
}
