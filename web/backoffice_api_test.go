package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

var boPushSecret = []byte("gibdd-push-secret-for-tests")

// boFine is a traffic fine's record as an issuer sends it.
func boFine(n int64, purpose string) accrual.Record {
	return accrual.Record{UIN: accrual.MakeUIN("18810178", n), Kind: accrual.ChangeNew, Seq: 1, Licence: "99 12 345678",
		Amount: 50000, DiscountPercent: 50, DiscountUntil: "2026-12-09", DecisionDate: "2026-11-19", Article: "12.9.2", Purpose: purpose}
}

// boPush posts body to the fines push of server as an issuer does,
// signed when signature is not "".
func boPush(t *testing.T, server, source string, body []byte, signature string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", server+"/api/v1/fines/"+source, bytes.NewReader(body))
	mustOK(t, err)
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Okno-Signature", signature)
	}
	res, err := http.DefaultClient.Do(req)
	mustOK(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	mustOK(t, err)
	var out map[string]any
	if len(b) > 0 {
		mustOK(t, json.Unmarshal(b, &out))
	}
	return res.StatusCode, out
}

// problemFields lists a problem's field names.
func problemFields(p map[string]any) []string {
	var out []string
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

// TestFinesPushAPI pushes fines as the traffic police would, to a server
// whose accrual service knows the issuer's secret (the app takes issuers
// from configuration; this server is web.New over the same database), and
// reads them back through the staff API with an API key of the payee
// organisation on the real app.
func TestFinesPushAPI(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		o := &boOffice{live: live}
		ctx := context.Background()
		var err error
		o.a, err = live.App.Orgs.CreateOrganisation(ctx, boOrg("ГИБДД ГУ МВД"), okno.System)
		mustOK(t, err)
		o.b, err = live.App.Orgs.CreateOrganisation(ctx, boOrg("Комитет по транспорту"), okno.System)
		mustOK(t, err)
		deps := webtest.NewFakes(webtest.Cast()).Deps()
		deps.Accruals = accrual.New(accrual.Deps{DB: live.App.DB, Sealer: live.App.Keys, Audit: live.App.Audit,
			Sources: []accrual.Source{{Code: "gibdd", Name: "ГИБДД", OrgID: o.a.ID, Secret: boPushSecret}, {Code: "ampp", Name: "Парковки"}}})
		srv := httptest.NewServer(web.New(webtest.Config(), deps).Handler())
		t.Cleanup(srv.Close)
		imports := func() int {
			var n int
			mustOK(t, live.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM accrual_imports`).Scan(&n))
			return n
		}

		body, err := json.Marshal([]accrual.Record{boFine(1, "Превышение скорости <b>на 20</b>"), boFine(2, "Превышение скорости")})
		mustOK(t, err)
		status, rep := boPush(t, srv.URL, "gibdd", body, accrual.Sign(boPushSecret, body))
		if diff := cmp.Diff(map[string]any{"records": 2.0, "applied": 2.0, "stale": 0.0, "replayed": 0.0}, rep); status != 200 || diff != "" {
			t.Fatalf("push: status %d, report (-want +got):\n%s", status, diff)
		}
		status, rep = boPush(t, srv.URL, "gibdd", body, accrual.Sign(boPushSecret, body))
		if status != 200 || rep["replayed"] != 1.0 || rep["applied"] != 0.0 {
			t.Errorf("the same push again: %d %v", status, rep)
		}

		// Refused pushes change nothing.
		before := imports()
		other, _ := json.Marshal([]accrual.Record{boFine(3, "Стоянка")})
		tooBig := bytes.Repeat([]byte(" "), accrual.MaxPushBytes+1)
		bad := boFine(4, "Стоянка")
		bad.Amount = -5
		badUIN := boFine(5, "Стоянка")
		badUIN.UIN = badUIN.UIN[:19] + "x"
		badBody, _ := json.Marshal([]accrual.Record{boFine(6, "Стоянка"), bad, badUIN})
		for _, tt := range []struct {
			name, source string
			body         []byte
			signature    string
			status       int
			fields       []string
		}{
			{"unsigned", "gibdd", other, "", 401, nil},
			{"signed with another secret", "gibdd", other, accrual.Sign([]byte("not the secret"), other), 401, nil},
			{"signed over another body", "gibdd", other, accrual.Sign(boPushSecret, body), 401, nil},
			{"an issuer without a push secret", "ampp", other, accrual.Sign(boPushSecret, other), 401, nil},
			{"an unknown issuer", "mars", other, accrual.Sign(boPushSecret, other), 404, nil},
			{"bad records", "gibdd", badBody, accrual.Sign(boPushSecret, badBody), 422, []string{"records[1].amount", "records[2].uin"}},
			{"over the limit by a byte", "gibdd", tooBig, accrual.Sign(boPushSecret, tooBig), 422, []string{"body"}},
			{"far over the limit", "gibdd", bytes.Repeat([]byte(" "), 2<<20), "sha256=00", 413, nil},
		} {
			status, p := boPush(t, srv.URL, tt.source, tt.body, tt.signature)
			if status != tt.status {
				t.Errorf("%s: status %d, want %d (%v)", tt.name, status, tt.status, p)
			}
			if diff := cmp.Diff(tt.fields, problemFields(p)); diff != "" {
				t.Errorf("%s: fields (-want +got):\n%s", tt.name, diff)
			}
		}
		if after := imports(); after != before {
			t.Errorf("refused pushes imported %d batches", after-before)
		}

		// The staff API on the real app: the payee's key sees both fines,
		// with their history and no documents; another organisation's key
		// sees none of them.
		secret, _, err := live.App.Identity.CreateAPIKey(ctx, okno.System, "ЦАФАП", o.a.ID)
		mustOK(t, err)
		key := live.NewVisitor(t).Bearer(secret)
		key.Get("/api/v1/accruals?limit=1")
		key.Expect(200, accrual.MakeUIN("18810178", 2), `"next":"`)
		boExpectNot(t, key, "345678", "licence")
		var pg struct {
			Items []struct {
				UIN    string `json:"uin"`
				DueNow int64  `json:"due_now"`
			} `json:"items"`
			Next string `json:"next"`
		}
		mustOK(t, json.Unmarshal([]byte(key.Last), &pg))
		key.Get("/api/v1/accruals?limit=1&after=" + pg.Next)
		key.Expect(200, accrual.MakeUIN("18810178", 1), `Превышение скорости \u003cb\u003eна 20\u003c/b\u003e`)
		boExpectNot(t, key, `"next"`)
		key.Get("/api/v1/accruals/" + accrual.MakeUIN("18810178", 1))
		key.Expect(200, `"history":[{"source":"gibdd","kind":"new","seq":1,"status":"new","amount":50000`)
		key.Get("/api/v1/accruals?status=lost&limit=0")
		key.Expect(422, `"field":"limit"`)
		key.Get("/api/v1/accruals?after=nonsense")
		key.Expect(422, `"field":"after"`)

		otherSecret, _, err := live.App.Identity.CreateAPIKey(ctx, okno.System, "Транспорт", o.b.ID)
		mustOK(t, err)
		otherKey := live.NewVisitor(t).Bearer(otherSecret)
		otherKey.Get("/api/v1/accruals")
		otherKey.Expect(200, `"items":[]`)
		otherKey.Get("/api/v1/accruals/" + accrual.MakeUIN("18810178", 1))
		otherKey.Expect(404)

		// The staff pages escape what the issuer wrote.
		admin := o.staff(t, "admin-b", o.b, okno.RoleAdmin)
		admin.Get("/staff/accruals/" + accrual.MakeUIN("18810178", 1))
		admin.Expect(200, "Превышение скорости &lt;b&gt;на 20&lt;/b&gt;", "12.9.2", "50%")
		boExpectNot(t, admin, "<b>на 20")

		// The OpenAPI document lists every route of this part.
		anon := live.NewVisitor(t)
		anon.Get("/api/v1/openapi.json")
		var doc struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		mustOK(t, json.Unmarshal([]byte(anon.Last), &doc))
		for path, method := range map[string]string{"/api/v1/fines/{source}": "post", "/api/v1/accruals": "get",
			"/api/v1/accruals/{uin}": "get", "/api/v1/payments/{id}": "get"} {
			if _, ok := doc.Paths[path][method]; !ok {
				t.Errorf("the OpenAPI document lacks %s %s", strings.ToUpper(method), path)
			}
		}
	})
}

// BenchmarkFinesPush pushes 1,000 new fines (the most one push takes) per
// op over HTTP to a server on SQLite, signed as an issuer signs them.
func BenchmarkFinesPush(b *testing.B) {
	live := webtest.StartLive(b, "")
	deps := webtest.NewFakes(webtest.Cast()).Deps()
	deps.Accruals = accrual.New(accrual.Deps{DB: live.App.DB, Sealer: live.App.Keys, Audit: live.App.Audit,
		Sources: []accrual.Source{{Code: "gibdd", Name: "ГИБДД", Secret: boPushSecret}}})
	srv := httptest.NewServer(web.New(webtest.Config(), deps).Handler())
	b.Cleanup(srv.Close)
	n := int64(0)
	for b.Loop() {
		b.StopTimer()
		recs := make([]accrual.Record, accrual.MaxPushRecords)
		for i := range recs {
			n++
			recs[i] = boFine(n, "Превышение скорости")
		}
		body, err := json.Marshal(recs)
		if err != nil {
			b.Fatal(err)
		}
		req, err := http.NewRequest("POST", srv.URL+"/api/v1/fines/gibdd", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Okno-Signature", accrual.Sign(boPushSecret, body))
		b.StartTimer()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body) //nolint:errcheck // the status says it
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
