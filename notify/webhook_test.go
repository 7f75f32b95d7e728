package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/vault"
)

// hookRig is Webhooks on a real database, outbox, vault, audit log and
// organisation tree: a region government with districts A and B.
type hookRig struct {
	db      *sqldb.DB
	clock   *testClock
	q       *outbox.Queue
	keys    *vault.Keyring
	log     *audittest.Log
	orgs    *org.Service
	root    org.Organisation
	a, b    org.Organisation
	hooks   *Webhooks
	private *Webhooks // the same, with private addresses allowed
}

func newHookRig(t *testing.T, db *sqldb.DB) *hookRig {
	t.Helper()
	r := &hookRig{db: db, clock: newTestClock(), keys: mustKeyring(t)}
	r.q = outbox.New(db, nil, r.clock.Now)
	r.log = audittest.New(db, r.clock.Now)
	r.orgs = org.New(db, r.log, r.clock.Now)
	mk := func(kind org.Kind, name string, parent int64) org.Organisation {
		t.Helper()
		o, err := r.orgs.CreateOrganisation(context.Background(), org.Organisation{Kind: kind, Name: name, ParentID: parent, Hours: org.OfficeHours()}, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	r.root = mk(org.KindRegionGovernment, "Правительство", 0)
	r.a = mk(org.KindDistrictAdministration, "Администрация района А", r.root.ID)
	r.b = mk(org.KindDistrictAdministration, "Администрация района Б", r.root.ID)
	ancestors := func(ctx context.Context, id int64) ([]int64, error) {
		os, err := r.orgs.Ancestors(ctx, id)
		var ids []int64
		for _, o := range os {
			ids = append(ids, o.ID)
		}
		return ids, err
	}
	cfg := WebhooksConfig{DB: db, Outbox: r.q, Sealer: r.keys, Audit: r.log, Admins: r.orgs, Ancestors: ancestors, Now: r.clock.Now}
	r.hooks = NewWebhooks(cfg)
	cfg.AllowPrivate = true
	r.private = NewWebhooks(cfg)
	r.private.Register(r.q)
	return r
}

func adminOf(orgID int64) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: 7, OrgID: orgID, Roles: []okno.Role{okno.RoleAdmin}}
}

func (r *hookRig) emit(t *testing.T, es ...Event) {
	t.Helper()
	err := r.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		for _, e := range es {
			if err := r.private.Emit(context.Background(), tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (r *hookRig) process(t *testing.T) int {
	t.Helper()
	n, err := r.q.ProcessDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// hookDelivery is a webhook delivery row as the tests read it.
type hookDelivery struct {
	Webhook  int64
	Key      string
	Status   string
	Attempts int
	Code     int
}

func (r *hookRig) deliveries(t *testing.T) []hookDelivery {
	t.Helper()
	rows, err := r.db.QueryContext(context.Background(), `SELECT webhook_id, event_key, status, attempts, last_status_code
		FROM webhook_deliveries ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ds []hookDelivery
	for rows.Next() {
		var d hookDelivery
		if err := rows.Scan(&d.Webhook, &d.Key, &d.Status, &d.Attempts, &d.Code); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ds
}

// receiver is a subscriber's endpoint: it checks each request's signature
// with the secret it was given and answers with the next status in line.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	now      func() time.Time
	statuses []int
	got      []receivedEvent
}

type receivedEvent struct {
	ID, Type, SigErr string
	Body             []byte
}

func newReceiver(t *testing.T, now func() time.Time, statuses ...int) *receiver {
	t.Helper()
	rc := &receiver{now: now, statuses: statuses}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		e := receivedEvent{ID: r.Header.Get("Okno-Event-Id"), Type: r.Header.Get("Okno-Event-Type"), Body: body}
		if err := VerifySignature(rc.secret, r.Header.Get("Okno-Signature"), body, rc.now(), 5*time.Minute); err != nil {
			e.SigErr = err.Error()
		}
		rc.got = append(rc.got, e)
		status := http.StatusNoContent
		if len(rc.statuses) > 0 {
			status, rc.statuses = rc.statuses[0], rc.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() []receivedEvent {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receivedEvent(nil), rc.got...)
}

func (r *hookRig) subscribe(t *testing.T, rc *receiver, orgID int64, events ...string) Subscription {
	t.Helper()
	secret, s, err := r.private.Subscribe(context.Background(), adminOf(orgID), orgID, rc.URL+"/hooks/okno", events)
	if err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	rc.secret = secret
	rc.mu.Unlock()
	return s
}

func TestWebhookDeliversSignedEventsAndRetries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newHookRig(t, db)
		district := newReceiver(t, r.clock.Now, http.StatusInternalServerError, http.StatusOK)
		region := newReceiver(t, r.clock.Now)
		other := newReceiver(t, r.clock.Now)
		sa := r.subscribe(t, district, r.a.ID, "case.*")
		sr := r.subscribe(t, region, r.root.ID, "case.answered", "appeal.created")
		r.subscribe(t, other, r.b.ID, "*")

		data := map[string]any{"case_id": 12, "ref": "2026-000123", "state": "answered"}
		r.emit(t,
			Event{Type: "case.answered", OrgID: r.a.ID, Key: "case:12:event:40", Data: data},
			Event{Type: "case.answered", OrgID: r.a.ID, Key: "case:12:event:40", Data: data}, // again: a no-op
			Event{Type: "poll.opened", OrgID: r.a.ID, Key: "poll:3:opened"},                  // nobody's pattern
			Event{Type: "appeal.created", OrgID: 0, Key: "appeal:1:created"},                 // region-wide
		)
		if n := r.process(t); n != 6 {
			t.Fatalf("ran %d messages, want 6 (3 events, 3 deliveries)", n)
		}
		want := []hookDelivery{
			{Webhook: sa.ID, Key: "case:12:event:40", Status: "queued", Attempts: 1, Code: 500},
			{Webhook: sr.ID, Key: "case:12:event:40", Status: "delivered", Attempts: 1, Code: 204},
			{Webhook: sr.ID, Key: "appeal:1:created", Status: "delivered", Attempts: 1, Code: 204},
		}
		if diff := cmp.Diff(want, r.deliveries(t)); diff != "" {
			t.Fatalf("deliveries after the first run (-want +got):\n%s", diff)
		}
		r.clock.Add(time.Minute) // past the backoff
		if n := r.process(t); n != 1 {
			t.Fatalf("ran %d deliveries after the backoff, want the retry", n)
		}
		want[0] = hookDelivery{Webhook: sa.ID, Key: "case:12:event:40", Status: "delivered", Attempts: 2, Code: 200}
		if diff := cmp.Diff(want, r.deliveries(t)); diff != "" {
			t.Errorf("deliveries after the retry (-want +got):\n%s", diff)
		}

		got := district.received()
		if len(got) != 2 {
			t.Fatalf("district receiver got %d requests, want 2", len(got))
		}
		if !bytes.Equal(got[0].Body, got[1].Body) {
			t.Errorf("the retry carried another body:\n%s\n%s", got[0].Body, got[1].Body)
		}
		for _, e := range append(got, region.received()...) {
			if e.SigErr != "" {
				t.Errorf("event %s: signature: %s", e.ID, e.SigErr)
			}
		}
		var body map[string]any
		if err := json.Unmarshal(got[0].Body, &body); err != nil {
			t.Fatal(err)
		}
		wantBody := map[string]any{"id": "case:12:event:40", "type": "case.answered", "created_at": testNow.Truncate(time.Microsecond).Format(time.RFC3339Nano),
			"data": map[string]any{"case_id": float64(12), "ref": "2026-000123", "state": "answered"}}
		if diff := cmp.Diff(wantBody, body); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
		if got[0].ID != "case:12:event:40" || got[0].Type != "case.answered" {
			t.Errorf("headers: id %q, type %q", got[0].ID, got[0].Type)
		}
		if n := len(other.received()); n != 0 {
			t.Errorf("district B's subscriber got %d events of district A", n)
		}
	})
}

func TestWebhookSubscriptions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newHookRig(t, db)
		ctx := context.Background()
		secret, s, err := r.hooks.Subscribe(ctx, adminOf(r.a.ID), r.a.ID, "https://cur.spb.example/okno", []string{"case.*", "case.answered", "case.*"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
			t.Errorf("secret %q", secret)
		}
		want := Subscription{ID: s.ID, OrgID: r.a.ID, URL: "https://cur.spb.example/okno", Events: []string{"case.*", "case.answered"},
			Active: true, CreatedAt: sqldb.Now(testNow), CreatedBy: adminOf(r.a.ID).Ref()}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("subscription (-want +got):\n%s", diff)
		}
		var sealed []byte
		if err := db.QueryRowContext(ctx, `SELECT secret_enc FROM webhooks WHERE id = ?`, s.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte(secret)) || len(sealed) == 0 {
			t.Error("the secret is not sealed at rest")
		}
		if _, err := r.keys.Open(sealed, webhookAAD(s.ID+1)); err == nil {
			t.Error("the secret opens under another row's aad")
		}

		// The region's administrator administers A too; B's does not.
		for name, actor := range map[string]okno.Actor{
			"another district's admin": adminOf(r.b.ID),
			"an official":              {Kind: okno.ActorStaff, UserID: 8, OrgID: r.a.ID, Roles: []okno.Role{okno.RoleOfficial}},
			"a citizen":                {Kind: okno.ActorCitizen, UserID: 9},
		} {
			if _, _, err := r.hooks.Subscribe(ctx, actor, r.a.ID, "https://x.example/", []string{"*"}); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("%s subscribes: err = %v, want forbidden", name, err)
			}
			if _, err := r.hooks.List(ctx, actor, r.a.ID); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("%s lists: err = %v, want forbidden", name, err)
			}
			if err := r.hooks.Delete(ctx, actor, s.ID); !okno.IsCode(err, okno.ENOTFOUND) {
				t.Errorf("%s deletes: err = %v, want not found", name, err)
			}
		}
		_, s2, err := r.hooks.Subscribe(ctx, adminOf(r.root.ID), r.a.ID, "https://registry.example/in", []string{"appeal.created"})
		if err != nil {
			t.Fatalf("the region's administrator subscribes for A: %v", err)
		}
		list, err := r.hooks.List(ctx, adminOf(r.a.ID), r.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != s.ID || list[1].ID != s2.ID {
			t.Errorf("List = %+v, want both subscriptions", list)
		}
		if err := r.hooks.Delete(ctx, adminOf(r.a.ID), s.ID); err != nil {
			t.Fatal(err)
		}
		if err := r.hooks.Delete(ctx, adminOf(r.a.ID), s.ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("deleting twice: err = %v, want not found", err)
		}
		if list, err := r.hooks.List(ctx, adminOf(r.a.ID), r.a.ID); err != nil || len(list) != 1 {
			t.Errorf("List after Delete = %+v, %v; want one", list, err)
		}
		var actions []string
		for _, e := range r.log.Entries() {
			if strings.HasPrefix(e.Action, "notify.") {
				actions = append(actions, e.Action+" "+e.ObjectID)
			}
		}
		if diff := cmp.Diff([]string{"notify.webhook_subscribe " + strconv.FormatInt(s.ID, 10), "notify.webhook_subscribe " + strconv.FormatInt(s2.ID, 10), "notify.webhook_delete " + strconv.FormatInt(s.ID, 10)}, actions); diff != "" {
			t.Errorf("audited (-want +got):\n%s", diff)
		}
		rep, err := r.keys.Rotate(ctx, db, SealedColumns())
		if err != nil || rep.Rewrapped != 2 {
			t.Errorf("key rotation rewrapped %d values (%v), want the 2 secrets", rep.Rewrapped, err)
		}
	})
}

func TestWebhookSubscribeRefusesBadInput(t *testing.T) {
	db := storetest.OpenSQLite(t)
	r := newHookRig(t, db)
	ctx := context.Background()
	tests := []struct {
		url    string
		events []string
		field  string
		key    string
	}{
		{"http://cur.spb.example/", []string{"*"}, "url", "notify.webhook_url_https"},
		{"ftp://cur.spb.example/", []string{"*"}, "url", "notify.webhook_url_https"},
		{"https://127.0.0.1/hook", []string{"*"}, "url", "notify.webhook_url_private"},
		{"https://10.1.2.3/hook", []string{"*"}, "url", "notify.webhook_url_private"},
		{"https://[::1]/hook", []string{"*"}, "url", "notify.webhook_url_private"},
		{"https://localhost/hook", []string{"*"}, "url", "notify.webhook_url_private"},
		{"https://user:password@cur.spb.example/", []string{"*"}, "url", "notify.webhook_url_invalid"},
		{"/relative", []string{"*"}, "url", "notify.webhook_url_invalid"},
		{"https://cur.spb.example/" + strings.Repeat("a", 2000), []string{"*"}, "url", "notify.webhook_url_invalid"},
		{"https://cur.spb.example/", nil, "events", "notify.webhook_events_missing"},
		{"https://cur.spb.example/", []string{"Case.Answered"}, "events", "notify.webhook_event_invalid"},
		{"https://cur.spb.example/", []string{"case.**"}, "events", "notify.webhook_event_invalid"},
		{"https://cur.spb.example/", []string{"*.answered"}, "events", "notify.webhook_event_invalid"},
	}
	for _, tt := range tests {
		_, _, err := r.hooks.Subscribe(ctx, adminOf(r.a.ID), r.a.ID, tt.url, tt.events)
		e := okno.AsError(err)
		if e.Code != okno.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != tt.field || e.Fields[0].Key != tt.key {
			t.Errorf("Subscribe(%.40q, %q): err = %v, want %s on %s", tt.url, tt.events, err, tt.key, tt.field)
		}
	}
	for i := 0; i < maxWebhooksPerOrg; i++ {
		if _, _, err := r.hooks.Subscribe(ctx, adminOf(r.a.ID), r.a.ID, "https://cur.spb.example/", []string{"*"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := r.hooks.Subscribe(ctx, adminOf(r.a.ID), r.a.ID, "https://cur.spb.example/", []string{"*"}); !okno.IsCode(err, okno.EINVALID) {
		t.Errorf("subscription %d: err = %v, want invalid", maxWebhooksPerOrg+1, err)
	}
}

func TestWebhookRefusesPrivateAddressesWhenDialling(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newHookRig(t, db)
		rc := newReceiver(t, r.clock.Now)
		r.subscribe(t, rc, r.a.ID, "*") // allowed then (development), refused now
		r.hooks.Register(r.q)           // deliveries now go through the guarded client
		r.emit(t, Event{Type: "case.opened", OrgID: r.a.ID, Key: "case:1:opened"})
		r.process(t)
		if n := len(rc.received()); n != 0 {
			t.Fatalf("the loopback receiver got %d requests", n)
		}
		ds := r.deliveries(t)
		if len(ds) != 1 || ds[0].Status != "failed" {
			t.Errorf("deliveries %+v, want one failed", ds)
		}
		if st, err := r.q.Stats(context.Background()); err != nil || st.Dead != 1 {
			t.Errorf("outbox %+v (%v), want the message dead at once", st, err)
		}
	})
}

func TestWebhookDoesNotFollowRedirects(t *testing.T) {
	db := storetest.OpenSQLite(t)
	r := newHookRig(t, db)
	var followed atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Add(1) }))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, target.URL, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	if _, _, err := r.private.Subscribe(context.Background(), adminOf(r.a.ID), r.a.ID, redirect.URL, []string{"*"}); err != nil {
		t.Fatal(err)
	}
	r.emit(t, Event{Type: "case.opened", OrgID: r.a.ID, Key: "case:1:opened"})
	r.process(t)
	if ds := r.deliveries(t); len(ds) != 1 || ds[0].Status != "queued" || ds[0].Code != http.StatusTemporaryRedirect {
		t.Errorf("deliveries %+v, want a redirect recorded and retried", ds)
	}
	if n := followed.Load(); n != 0 {
		t.Errorf("the redirect was followed %d times", n)
	}
}

func TestEmitRefusesBadEvents(t *testing.T) {
	db := storetest.OpenSQLite(t)
	r := newHookRig(t, db)
	for name, e := range map[string]Event{
		"no type":     {Key: "k", OrgID: r.a.ID},
		"bad type":    {Type: "Case Answered", Key: "k", OrgID: r.a.ID},
		"no key":      {Type: "case.answered", OrgID: r.a.ID},
		"huge":        {Type: "case.answered", Key: "k", OrgID: r.a.ID, Data: map[string]any{"x": strings.Repeat("a", maxEventBody)}},
		"not JSON":    {Type: "case.answered", Key: "k", OrgID: r.a.ID, Data: map[string]any{"x": func() {}}},
		"negative id": {Type: "case.answered", Key: "k", OrgID: -1},
	} {
		err := db.InTx(context.Background(), func(tx *sqldb.Tx) error { return r.private.Emit(context.Background(), tx, e) })
		if !okno.IsCode(err, okno.EINTERNAL) || okno.AsError(err).Key != "notify.event_invalid" {
			t.Errorf("%s: err = %v, want notify.event_invalid", name, err)
		}
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"id":"case:1","type":"case.opened"}`)
	now := time.Unix(1_800_000_000, 0)
	good := signature([]byte("whsec_a"), now.Unix(), body)
	other := signature([]byte("whsec_b"), now.Unix(), body)
	tests := []struct {
		name, header string
		body         []byte
		now          time.Time
		tolerance    time.Duration
		want         error
	}{
		{"valid", good, body, now, 5 * time.Minute, nil},
		{"valid a little later", good, body, now.Add(4 * time.Minute), 5 * time.Minute, nil},
		{"no time check", good, body, now.Add(24 * time.Hour), 0, nil},
		{"one of two", other + ",v1=" + strings.Split(good, "v1=")[1], body, now, time.Minute, nil},
		{"wrong secret", other, body, now, time.Minute, ErrSignatureInvalid},
		{"tampered body", good, append([]byte(nil), append(body, ' ')...), now, time.Minute, ErrSignatureInvalid},
		{"replayed", good, body, now.Add(6 * time.Minute), 5 * time.Minute, ErrSignatureExpired},
		{"from the future", good, body, now.Add(-6 * time.Minute), 5 * time.Minute, ErrSignatureExpired},
		{"time changed", strings.Replace(good, "t=1800000000", "t=1800000001", 1), body, now, time.Minute, ErrSignatureInvalid},
		{"empty", "", body, now, time.Minute, ErrSignatureInvalid},
		{"no v1", "t=1800000000", body, now, time.Minute, ErrSignatureInvalid},
		{"not hex", "t=1800000000,v1=zz", body, now, time.Minute, ErrSignatureInvalid},
		{"huge", good + strings.Repeat(",v1=00", 200), body, now, time.Minute, ErrSignatureInvalid},
	}
	for _, tt := range tests {
		if got := VerifySignature("whsec_a", tt.header, tt.body, tt.now, tt.tolerance); !errors.Is(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMatchesAny(t *testing.T) {
	tests := []struct {
		patterns []string
		typ      string
		want     bool
	}{
		{[]string{"*"}, "case.answered", true},
		{[]string{"case.*"}, "case.answered", true},
		{[]string{"case.*"}, "case.deadline.escalated", true},
		{[]string{"case.*"}, "cases.answered", false},
		{[]string{"case.*"}, "case", false},
		{[]string{"case.answered"}, "case.answered", true},
		{[]string{"case.answered"}, "case.answered.late", false},
		{[]string{"appeal.created", "case.answered"}, "case.answered", true},
		{nil, "case.answered", false},
	}
	for _, tt := range tests {
		if got := matchesAny(tt.patterns, tt.typ); got != tt.want {
			t.Errorf("matchesAny(%q, %q) = %v, want %v", tt.patterns, tt.typ, got, tt.want)
		}
	}
}

func TestPrivateAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "10.0.0.1": true, "172.16.5.4": true, "192.168.1.1": true, "169.254.169.254": true,
		"100.64.0.1": true, "0.0.0.0": true, "255.255.255.255": true, "::1": true, "fe80::1": true, "fc00::1": true,
		"::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "224.0.0.1": true, "198.18.0.1": true,
		"8.8.8.8": false, "77.88.8.8": false, "2a02:6b8::feed:0ff": false, "::ffff:77.88.8.8": false,
	} {
		if got := privateAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("privateAddr(%s) = %v, want %v", addr, got, want)
		}
	}
}
