package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// realActor is one member of the matrix's cast: a real account on a real
// app, signed in (or holding a real API key), and what the access rules
// should see it as.
type realActor struct {
	name      string
	token     string // session token, "" for none
	key       string // API key, "" for none
	actor     okno.Actor
	assurance web.Assurance
}

// world is the matrix's data: a region government with two district
// administrations, A and B, their staff and a few citizens.
type world struct {
	root, a, b org.Organisation
	cast       []realActor
	standard   int64 // a standard-level citizen, for the operator's confirm
	note       int64 // a notification of citizen-simplified
	spareKey   int64 // a key of A for the revoke route to revoke
	caseID     int64 // an appeal to A by citizen-simplified, in moderation
	docID      int64 // the photo citizen-simplified attached to it
	webhook    int64 // a webhook subscription of A
	district   int64 // the district the world's appeals are in
	reason     string
	published  int64 // a published appeal to A by citizen-simplified
	appealID   int64 // an appeal to A by citizen-simplified in moderation
	// extra holds what the matrixWorlds of other files made, by name.
	extra map[string]int64
}

// The matrix is extended by the files of each feature's pages
// (matrix_<feature>_test.go), so that features growing in parallel do not
// edit one table: matrixWorlds build their data into the world after the
// appeals, matrixTargets turn a route pattern into the path to request,
// and their init functions add to handlerDecides.
var (
	matrixWorlds  []func(t *testing.T, live *webtest.Live, w *world)
	matrixTargets = map[string]func(w world) string{}
)

const castPassword = "пароль для матрицы доступа"

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// validSNILS makes the n-th test СНИЛС with a correct check number.
func validSNILS(n int) string {
	d := fmt.Sprintf("%09d", 112233400+n)
	sum := 0
	for i, c := range d {
		sum += int(c-'0') * (9 - i)
	}
	check := sum % 101
	if check == 100 {
		check = 0
	}
	return fmt.Sprintf("%s%02d", d, check)
}

// buildWorld creates the organisations, staff, citizens and key.
func buildWorld(t *testing.T, live *webtest.Live) world {
	t.Helper()
	ctx, id, orgs := context.Background(), live.App.Identity, live.App.Orgs
	var w world
	var err error
	w.root, err = orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство Санкт-Петербурга", Hours: org.OfficeHours()}, okno.System)
	mustOK(t, err)
	w.a, err = orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: "Администрация Центрального района", ParentID: w.root.ID, Hours: org.OfficeHours()}, okno.System)
	mustOK(t, err)
	w.b, err = orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: "Администрация Выборгского района", ParentID: w.root.ID, Hours: org.OfficeHours()}, okno.System)
	mustOK(t, err)

	w.cast = append(w.cast, realActor{name: "anonymous"})
	staff := func(name string, o org.Organisation, role okno.Role) realActor {
		uid, err := id.CreateStaff(ctx, okno.System, name+"@spb.example", "Сотрудник "+name, castPassword)
		mustOK(t, err)
		ra := realActor{name: name, actor: okno.Actor{Kind: okno.ActorStaff, UserID: uid}}
		if role != "" {
			p, err := orgs.CreatePosition(ctx, org.Position{OrgID: o.ID, Title: "Должность " + name, Role: role}, okno.System)
			mustOK(t, err)
			mustOK(t, orgs.AssignStaff(ctx, uid, p.ID, okno.System))
			ra.actor.OrgID, ra.actor.Roles = o.ID, []okno.Role{role}
		}
		ss, err := id.SignInStaff(ctx, identity.Credentials{Contact: name + "@spb.example", Password: castPassword})
		mustOK(t, err)
		if role != "" {
			mustOK(t, id.SelectOrganisation(ctx, ss.ID, o.ID))
		}
		ra.token = ss.Token
		return ra
	}
	w.cast = append(w.cast, staff("staff-no-role", w.a, ""))
	for _, r := range okno.Roles {
		w.cast = append(w.cast, staff("staff-"+string(r), w.a, r))
	}
	w.cast = append(w.cast, staff("admin-other-org", w.b, okno.RoleAdmin), staff("admin-region", w.root, okno.RoleAdmin))
	operator := w.cast[2].actor

	citizen := func(name string, n int, level identity.Assurance) realActor {
		contact := name + "@example.ru"
		mustOK(t, id.SignUp(ctx, identity.NewAccount{Contact: contact, Password: castPassword, DisplayName: "Житель"}))
		mustOK(t, id.Confirm(ctx, contact, live.CodeFor(t, contact)))
		ss, err := id.SignIn(ctx, identity.Credentials{Contact: contact, Password: castPassword})
		mustOK(t, err)
		ra := realActor{name: name, token: ss.Token, actor: okno.Actor{Kind: okno.ActorCitizen, UserID: ss.UserID}, assurance: web.AssuranceSimplified}
		if level == identity.AssuranceSimplified {
			return ra
		}
		passport := fmt.Sprintf("4010 %06d", 100000+n)
		mustOK(t, id.SubmitPersonalData(ctx, ss.UserID, identity.PersonalData{LastName: "Петров", FirstName: "Иван", BirthDate: "1980-05-05", Passport: passport, SNILS: validSNILS(n)}))
		ra.assurance = web.AssuranceStandard
		if level == identity.AssuranceConfirmed {
			mustOK(t, id.ConfirmByOperator(ctx, operator, ss.UserID, passport))
			ra.assurance = web.AssuranceConfirmed
		}
		return ra
	}
	simplified := citizen("citizen-simplified", 1, identity.AssuranceSimplified)
	standard := citizen("citizen-standard", 2, identity.AssuranceStandard)
	w.standard = standard.actor.UserID
	w.cast = append(w.cast, simplified, standard, citizen("citizen-confirmed", 3, identity.AssuranceConfirmed), citizen("another-citizen", 4, identity.AssuranceSimplified))

	mustOK(t, live.App.Cabinet.Send(ctx, notify.Message{Channel: notify.ChannelCabinet, UserID: simplified.actor.UserID, Subject: "Заявление принято", Body: "Номер 1"}))
	ns, err := live.App.Cabinet.ListForUser(ctx, simplified.actor.UserID, 1)
	mustOK(t, err)
	w.note = ns[0].ID

	secret, k, err := id.CreateAPIKey(ctx, okno.System, "ЦУР", w.a.ID)
	mustOK(t, err)
	_, spare, err := id.CreateAPIKey(ctx, okno.System, "Портал ЖКХ", w.a.ID)
	mustOK(t, err)
	w.spareKey = spare.ID
	w.cast = append(w.cast, realActor{name: "apikey", key: secret, actor: okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: k.ID, OrgID: w.a.ID}})
	w.openCase(t, live, simplified.actor)
	_, sub, err := live.App.Webhooks.Subscribe(ctx, w.actor(t, "staff-admin").actor, w.a.ID, "https://cur.spb.example/okno", []string{"case.*"})
	mustOK(t, err)
	w.webhook = sub.ID
	return w
}

// openCase gives the world a case of organisation A whose applicant is
// citizen, with a photo: the thing every case route is asked about.
func (w *world) openCase(t *testing.T, live *webtest.Live, citizen okno.Actor) {
	t.Helper()
	ctx := context.Background()
	c, err := live.App.Cases.Open(ctx, citizen, casework.NewCase{Process: "appeal", OrgID: w.a.ID, Subject: "Яма во дворе",
		Documents: []casework.Upload{{Name: "яма.png", Content: testPNG(t)}}})
	mustOK(t, err)
	docs, err := live.App.Cases.Documents(ctx, citizen, c.ID)
	mustOK(t, err)
	if len(docs) != 1 {
		t.Fatalf("the world's case has %d documents, want 1", len(docs))
	}
	w.caseID, w.docID = c.ID, docs[0].ID
}

// fileAppeals gives the matrix's world a district routed to A and two
// appeals of citizen-simplified through the feedback platform: one still
// in moderation (the author's and staff's routes are asked about it) and
// one published (the public pages and joining).
func (w *world) fileAppeals(t *testing.T, live *webtest.Live) {
	t.Helper()
	ctx := context.Background()
	citizen := w.actor(t, "citizen-simplified").actor
	res, err := live.App.Geo.Import(ctx, &geo.FeatureCollection{Source: "test", Features: []geo.Feature{{Name: "Центральный район",
		Geometry: geo.MultiPolygon{geo.Polygon{geo.Ring{{Lat: 59.9, Lon: 30.3}, {Lat: 59.9, Lon: 30.4}, {Lat: 59.95, Lon: 30.4}, {Lat: 59.95, Lon: 30.3}, {Lat: 59.9, Lon: 30.3}}}}}}},
		geo.LevelDistrict, okno.System)
	mustOK(t, err)
	w.district = res.IDs[0]
	tax, err := live.App.Appeals.Taxonomy(ctx)
	mustOK(t, err)
	for _, c := range tax.Categories {
		_, err := live.App.Appeals.SetRoute(ctx, okno.System, appeal.RouteInput{CategoryID: c.ID, OrgID: w.a.ID})
		mustOK(t, err)
	}
	w.reason = tax.Categories[0].Reasons[0].Code
	file := func(text string) appeal.Appeal {
		a, err := live.App.Appeals.Submit(ctx, citizen, appeal.Submission{ReasonCode: w.reason, Text: text,
			HasPoint: true, Lat: 59.925, Lon: 30.35, Address: "ул. Рубинштейна, 3",
			Photos: []casework.Upload{{Name: "яма.png", Content: testPNG(t)}}})
		mustOK(t, err)
		return a
	}
	w.appealID = file("Во дворе яма уже месяц, машины объезжают по газону").CaseID
	p := file("Не горит фонарь у дома, вечером темно и опасно")
	op := w.actor(t, "staff-operator").actor
	_, err = live.App.Cases.Act(ctx, op, casework.ActionInput{CaseID: p.CaseID, Version: p.Version, Action: "publish"})
	mustOK(t, err)
	w.published = p.CaseID
}

// testPNG is a small real PNG image: content sniffing must see an image.
func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// target is the path the matrix requests for a route pattern: wildcards
// name the world's own things, so org-scoped rules have something to decide.
func (w world) target(pattern string) string {
	if f, ok := matrixTargets[pattern]; ok {
		return f(w)
	}
	a := strconv.FormatInt(w.a.ID, 10)
	switch pattern {
	case "/{$}":
		return "/"
	case "/cabinet/notifications/{id}/read":
		return "/cabinet/notifications/" + strconv.FormatInt(w.note, 10) + "/read"
	case "/staff/citizens/{id}/confirm":
		return "/staff/citizens/" + strconv.FormatInt(w.standard, 10) + "/confirm"
	case "/admin/api-keys/{id}/revoke":
		return "/admin/api-keys/" + strconv.FormatInt(w.spareKey, 10) + "/revoke"
	case "/admin/organisations", "/admin/organisations/new":
		return pattern + "?parent=" + a
	case "/assets/{path...}":
		return "/assets/css/okno.css"
	case "/api/v1/processes/{name}":
		return "/api/v1/processes/appeal"
	case "/api/v1/webhooks/{id}/delete":
		return "/api/v1/webhooks/" + strconv.FormatInt(w.webhook, 10) + "/delete"
	case "/appeals/{id}", "/appeals/{id}/join", "/appeals/{id}/joined", "/api/v1/appeals/{id}/join":
		return strings.ReplaceAll(pattern, "{id}", strconv.FormatInt(w.published, 10))
	case "/appeals/{id}/sent", "/staff/appeals/{id}/sent", "/staff/appeals/{id}/recategorise",
		"/api/v1/appeals/{id}", "/api/v1/appeals/{id}/recategorise":
		return strings.ReplaceAll(pattern, "{id}", strconv.FormatInt(w.appealID, 10))
	case "/open311/v2/{file}":
		return "/open311/v2/services.xml"
	case "/open311/v2/services/{file}":
		return "/open311/v2/services/" + w.reason + ".xml"
	case "/open311/v2/requests/{file}":
		return "/open311/v2/requests/" + strconv.FormatInt(w.published, 10) + ".json"
	case "/open311/v2/tokens/{file}":
		return "/open311/v2/tokens/x.xml"
	case "/open311/{path...}":
		return "/open311/discovery.xml"
	}
	if strings.Contains(pattern, "/cases/{id}") {
		p := strings.ReplaceAll(pattern, "{id}", strconv.FormatInt(w.caseID, 10))
		return strings.ReplaceAll(p, "{doc}", strconv.FormatInt(w.docID, 10))
	}
	return strings.ReplaceAll(pattern, "{id}", a)
}

// apiBody is the JSON the matrix posts to an API route: enough for the
// feature to decide who may, never enough to change anything.
func (w world) apiBody(pattern string) string {
	if pattern == "/api/v1/cases" {
		// Missing process and subject: those who may open a case for A
		// get 422, the others 403.
		return `{"org_id": ` + strconv.FormatInt(w.a.ID, 10) + `}`
	}
	return `{}`
}

var csrfTokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// postJSON posts body to path as a script of the portal or an API client
// does: JSON, with the session cookie and the CSRF token of page (the
// last page the actor saw) in the header, or with the API key. It
// returns the status.
func postJSON(t *testing.T, live *webtest.Live, ra realActor, page, path, body string) int {
	t.Helper()
	req, err := http.NewRequest("POST", live.URL+path, strings.NewReader(body))
	mustOK(t, err)
	req.Header.Set("Content-Type", "application/json")
	if ra.token != "" {
		req.AddCookie(&http.Cookie{Name: "okno_session", Value: ra.token})
	}
	if m := csrfTokenRE.FindStringSubmatch(page); m != nil && ra.token != "" {
		req.Header.Set(web.CSRFHeader, m[1])
	}
	if ra.key != "" {
		req.Header.Set("Authorization", "Bearer "+ra.key)
	}
	res, err := http.DefaultClient.Do(req)
	mustOK(t, err)
	res.Body.Close()
	return res.StatusCode
}

// handlerDecides lists, per route, the actors the route's rule admits but
// whose request the handler refuses after asking the feature's rule
// (org.CanAdminister and friends), with the status they must get.
var handlerDecides = map[string]map[string]int{
	"GET /admin/organisations/{id}":         {"staff-admin": 0, "admin-other-org": 403},
	"GET /admin/organisations/{id}/edit":    {"admin-other-org": 403},
	"POST /admin/organisations/{id}":        {"admin-other-org": 403},
	"GET /admin/organisations/new":          {"admin-other-org": 403},
	"POST /admin/organisations":             {"admin-other-org": 403},
	"POST /admin/territories":               {"staff-admin": 403, "admin-other-org": 403},
	"POST /admin/api-keys/{id}/revoke":      {"admin-other-org": 404},
	"POST /cabinet/notifications/{id}/read": {"citizen-standard": 404, "citizen-confirmed": 404, "another-citizen": 404},
	// The production calendar is the region's: district administrators
	// are refused by the handler (Organisations.CanAdministerRegion).
	"GET /admin/calendar":  {"staff-admin": 403, "admin-other-org": 403},
	"POST /admin/calendar": {"staff-admin": 403, "admin-other-org": 403},

	// The world's case is citizen-simplified's, to organisation A: other
	// citizens and B's administrator do not see it (404, as if it did not
	// exist); the applicant, A's staff, the region's administrator (A is
	// below the region) and A's key do: a page or document is theirs
	// (200), and a POST with an empty body is a stale version (409). The
	// route rules keep citizens off staff pages and staff off citizens'.
	"GET /cabinet/cases/{id}":                 caseDecides(200),
	"POST /cabinet/cases/{id}/actions":        caseDecides(409),
	"GET /cabinet/cases/{id}/documents/{doc}": caseDecides(200),
	"GET /api/v1/cases/{id}":                  caseDecides(200),
	"GET /api/v1/cases/{id}/timeline":         caseDecides(200),
	"GET /api/v1/cases/{id}/actions":          caseDecides(200),
	"POST /api/v1/cases/{id}/actions":         caseDecides(409),
	"POST /api/v1/cases/{id}/assign":          caseDecides(409),
	"GET /api/v1/cases/{id}/documents":        caseDecides(200),
	"GET /api/v1/cases/{id}/documents/{doc}":  caseDecides(200),
	"GET /staff/cases/{id}":                   caseDecides(200),
	"POST /staff/cases/{id}/actions":          caseDecides(409),
	"GET /staff/cases/{id}/documents/{doc}":   caseDecides(200),
	// These check the form before the case: those who see it get 422.
	"POST /staff/cases/{id}/assign":    caseDecides(0),
	"POST /staff/cases/{id}/documents": caseDecides(0),
	"POST /staff/cases/{id}/notes":     caseDecides(0),
	// A's subscription: A's administrator ends it (204); B's is told it
	// does not exist. The region's administrator comes after A's, when it
	// is gone.
	"POST /api/v1/webhooks/{id}/delete": {"staff-admin": 204, "admin-other-org": 404},
	// Opening a case for A: citizens for themselves, A's operators,
	// officials and key may (then 422: the body lacks the process and
	// subject); other staff may not.
	// The routing table and the taxonomy are the region's: district
	// administrators are refused by the handler (CanAdministerRegion).
	"GET /admin/appeals/routes":                {"staff-admin": 403, "admin-other-org": 403},
	"POST /admin/appeals/routes":               {"staff-admin": 403, "admin-other-org": 403},
	"POST /admin/appeals/routes/{id}/end":      {"staff-admin": 403, "admin-other-org": 403},
	"GET /admin/appeals/routes/history":        {"staff-admin": 403, "admin-other-org": 403},
	"GET /admin/appeals/categories":            {"staff-admin": 403, "admin-other-org": 403},
	"POST /admin/appeals/categories/period":    {"staff-admin": 403, "admin-other-org": 403},
	"GET /admin/appeals/reasons/{id}/replies":  {"staff-admin": 403, "admin-other-org": 403},
	"POST /admin/appeals/reasons/{id}/replies": {"staff-admin": 403, "admin-other-org": 403},
	// Among staff only operators file appeals (for callers); citizens,
	// operators and keys get 422 for the empty body.
	"POST /api/v1/appeals": {"staff-official": 403, "staff-supervisor": 403, "staff-owner": 403, "staff-controller": 403,
		"staff-admin": 403, "admin-other-org": 403, "admin-region": 403},
	// The world's published appeal is public: its page and its Open311
	// view answer everyone.
	"GET /appeals/{id}":               everyone(200),
	"GET /open311/v2/requests/{file}": everyone(200),
	"GET /api/v1/map/appeals":         everyone(200),
	"POST /api/v1/cases": {"staff-supervisor": 403, "staff-owner": 403, "staff-controller": 403, "staff-admin": 403,
		"admin-other-org": 403, "admin-region": 403},
}

// everyone is the same answer for the whole cast.
func everyone(want int) map[string]int {
	m := map[string]int{}
	for _, n := range []string{"anonymous", "staff-no-role", "citizen-simplified", "citizen-standard", "citizen-confirmed",
		"another-citizen", "staff-operator", "staff-official", "staff-supervisor", "staff-owner", "staff-controller",
		"staff-admin", "admin-other-org", "admin-region", "apikey"} {
		m[n] = want
	}
	return m
}

// caseDecides is what the case engine answers about the world's case:
// 404 to those who must not see it, want to those who do (0: whatever
// the handler makes of the request, short of 5xx).
func caseDecides(want int) map[string]int {
	m := map[string]int{"citizen-standard": 404, "citizen-confirmed": 404, "another-citizen": 404, "admin-other-org": 404}
	for _, n := range []string{"citizen-simplified", "staff-operator", "staff-official", "staff-supervisor", "staff-owner",
		"staff-controller", "staff-admin", "admin-region", "apikey"} {
		m[n] = want
	}
	return m
}

// TestAuthorisationMatrix requests every route of the real route table as
// every kind of actor — anonymous, citizens at each level and another
// citizen, staff without a role and with each role, administrators of
// this, another and the whole region's organisation, and an API key — and
// checks each answer against the route's access rule and, where the rule
// admits and a feature decides, against that decision. A route added
// without a rule, or with a wrong one, fails here.
func TestAuthorisationMatrix(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		w.fileAppeals(t, live)
		w.extra = map[string]int64{}
		for _, build := range matrixWorlds {
			build(t, live, &w)
		}
		routes := live.App.Web.Routes()
		// Signing out ends the cast's sessions: it goes last.
		sort.SliceStable(routes, func(i, j int) bool {
			return routes[j].String() == "POST /signout" && routes[i].String() != "POST /signout"
		})
		for _, rt := range routes {
			if rt.Method == "" || rt.Pattern == "/metrics" {
				continue // the fallback has no method; /metrics is tested on its own
			}
			for _, ra := range w.cast {
				t.Run(rt.String()+" as "+ra.name, func(t *testing.T) {
					v := live.NewVisitor(t).NoRedirects().SignedIn(ra.token).Bearer(ra.key)
					v.Get("/design") // a page with a form: the CSRF token a browser would have
					path := w.target(rt.Pattern)
					switch {
					case rt.Method == "GET":
						v.Get(path)
					case rt.IsAPI():
						v.Status = postJSON(t, live, ra, v.Last, path, w.apiBody(rt.Pattern))
					default:
						v.Post(path)
					}
					loc := v.Location()
					denied := v.Status == 401 || v.Status == 403 ||
						(v.Status == 303 && (strings.HasPrefix(loc, "/signin?next=") || strings.HasPrefix(loc, "/staff/signin?next="))) ||
						(v.Status == 303 && loc == "/" && rt.Access.String() == "anonymous-only")
					as := ra.actor
					if ra.key != "" && !rt.IsAPI() {
						as = okno.Actor{} // keys open only the API; elsewhere their bearer is anonymous
					}
					allowed := rt.Access.Allows(as, ra.assurance)
					if want, ok := handlerDecides[rt.String()][ra.name]; ok && allowed && want != 0 {
						if v.Status != want {
							t.Errorf("%s as %s: status %d, want %d from the handler's rule", rt, ra.name, v.Status, want)
						}
						return
					}
					if allowed == denied {
						t.Errorf("%s (%s) as %s: status %d (location %q), but the rule allows=%v", rt, rt.Access, ra.name, v.Status, loc, allowed)
					}
					if v.Status >= 500 {
						t.Errorf("%s as %s: status %d", rt, ra.name, v.Status)
					}
				})
			}
		}
	})
}

// TestMatrixCastCoversEveryKind keeps the cast complete: every role, every
// citizen level, and the actors the org rules tell apart.
func TestMatrixCastCoversEveryKind(t *testing.T) {
	live := webtest.StartLive(t, "")
	w := buildWorld(t, live)
	have := map[string]bool{}
	for _, ra := range w.cast {
		have[ra.name] = true
	}
	want := []string{"anonymous", "citizen-simplified", "citizen-standard", "citizen-confirmed", "another-citizen",
		"staff-no-role", "admin-other-org", "admin-region", "apikey"}
	for _, r := range okno.Roles {
		want = append(want, "staff-"+string(r))
	}
	for _, n := range want {
		if !have[n] {
			t.Errorf("the matrix's cast lacks %s", n)
		}
	}
}
