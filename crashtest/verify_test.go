package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/sqldb"
)

// maxReported bounds how many failures of one check are printed: one
// broken guarantee tends to break thousands of requests alike.
const maxReported = 10

// failures collects a check's failures from several goroutines and
// reports the first few and how many there were.
type failures struct {
	mu    sync.Mutex
	count int
	first []string
}

func (f *failures) add(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count++
	if len(f.first) < maxReported {
		f.first = append(f.first, fmt.Sprintf(format, args...))
	}
}

func (f *failures) report(t *testing.T, what string) {
	t.Helper()
	if f.count > 0 {
		t.Errorf("%s: %d failures; the first:\n%s", what, f.count, strings.Join(f.first, "\n"))
	}
}

// each runs fn on every ack from a few goroutines.
func each(acks []ack, fn func(a ack)) {
	next := make(chan ack)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range next {
				fn(a)
			}
		}()
	}
	for _, a := range acks {
		next <- a
	}
	close(next)
	wg.Wait()
}

// appealFields are what an acknowledged appeal must still say.
type appealFields struct {
	ID      int64
	Ref     string
	Reason  string
	Text    string
	Lat     float64
	Lon     float64
	Channel string
}

// readBack reads every acknowledged appeal through the API and compares
// what was sent with what is kept. It returns how many appeals were
// created before the send that got their acknowledgement began: ones an
// earlier send committed while a crash cut its answer, acknowledged by
// the idempotent retry.
func readBack(t *testing.T, base, key string, acks []ack) (replayed int) {
	t.Helper()
	var f failures
	var mu sync.Mutex
	each(acks, func(a ack) {
		req, _ := http.NewRequest("GET", base+"/api/v1/appeals/"+strconv.FormatInt(a.ID, 10), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			f.add("%s: GET: %v", a, err)
			return
		}
		defer res.Body.Close()
		var got struct {
			ID     int64  `json:"id"`
			Ref    string `json:"ref"`
			Reason struct {
				Code string `json:"code"`
			} `json:"reason"`
			Text      string    `json:"text"`
			Lat       float64   `json:"lat"`
			Lon       float64   `json:"lon"`
			Channel   string    `json:"channel"`
			CreatedAt time.Time `json:"created_at"`
		}
		if res.StatusCode != http.StatusOK {
			f.add("%s: GET: status %d", a, res.StatusCode)
			return
		}
		if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
			f.add("%s: GET: %v", a, err)
			return
		}
		want := appealFields{ID: a.ID, Ref: a.Ref, Reason: a.Reason, Text: a.Text, Lat: a.Lat, Lon: a.Lon, Channel: a.Door}
		if a.Door == doorOpen311 {
			want.Ref = got.Ref // Open311 acknowledges with the id alone
		}
		gotF := appealFields{ID: got.ID, Ref: got.Ref, Reason: got.Reason.Code, Text: got.Text, Lat: got.Lat, Lon: got.Lon, Channel: got.Channel}
		if d := cmp.Diff(want, gotF); d != "" {
			f.add("%s: kept appeal differs (-sent +kept):\n%s", a, d)
		}
		if got.CreatedAt.Before(a.LastSend) {
			mu.Lock()
			replayed++
			mu.Unlock()
		}
	})
	f.report(t, "acknowledged appeals read back")
	return replayed
}

// retryAll sends every acknowledged request again with its key: each must
// answer with the appeal it filed the first time.
func retryAll(t *testing.T, l *loader, acks []ack) {
	t.Helper()
	var f failures
	each(acks, func(a ack) {
		id, ref, status, body, err := l.send(context.Background(), a.request)
		switch {
		case err != nil:
			f.add("%s: retry: %v", a, err)
		case status/100 != 2:
			f.add("%s: retry: status %d: %s", a, status, body)
		case id != a.ID || (a.Door == doorAPI && ref != a.Ref):
			f.add("%s: retry answered id %d ref %q, want id %d ref %q", a, id, ref, a.ID, a.Ref)
		}
	})
	f.report(t, "acknowledged requests retried with their keys")
}

// store is the database as the last crash left it, and what was counted
// in it.
type store struct {
	db         *sqldb.DB
	lost       int // acknowledged requests with no case of their own
	duplicates int // idempotency keys with more than one case
}

// checkRows counts the cases by idempotency key: one per acknowledged
// request, none for a key never acknowledged (every logical request ran
// until acknowledged), none twice.
func checkRows(t *testing.T, s *server, acks []ack) *store {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldb.Config{DSN: s.dsn, DataDir: s.data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rows, err := db.QueryContext(ctx, `SELECT id, idempotency_key FROM cases WHERE idempotency_key LIKE ?`, keyPrefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byKey := map[string][]int64{}
	for rows.Next() {
		var id int64
		var k string
		if err := rows.Scan(&id, &k); err != nil {
			t.Fatal(err)
		}
		byKey[k] = append(byKey[k], id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	st := &store{db: db}
	var f failures
	for k, ids := range byKey {
		if len(ids) > 1 {
			st.duplicates++
			f.add("key %s: %d cases %v", k, len(ids), ids)
		}
	}
	acked := map[string]bool{}
	for _, a := range acks {
		acked[a.Key] = true
		if ids := byKey[a.Key]; len(ids) == 0 || ids[0] != a.ID {
			st.lost++
			f.add("%s: cases with its key: %v", a, ids)
		}
	}
	for k, ids := range byKey {
		if !acked[k] {
			f.add("key %s: cases %v that no acknowledgement names", k, ids)
		}
	}
	f.report(t, "cases by idempotency key")
	return st
}

// checkPublications counts the publish events of the appeals filed: one
// for each acknowledged publication, none that no acknowledgement names.
func checkPublications(t *testing.T, st *store, acks []ack, pubs []publication) {
	t.Helper()
	ours := map[int64]bool{}
	for _, a := range acks {
		ours[a.ID] = true
	}
	rows, err := st.db.QueryContext(context.Background(), `SELECT e.case_id, c.state FROM case_events e
		JOIN cases c ON c.id = e.case_id WHERE e.action = 'publish'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	events, states := map[int64]int{}, map[int64]string{}
	for rows.Next() {
		var id int64
		var state string
		if err := rows.Scan(&id, &state); err != nil {
			t.Fatal(err)
		}
		if ours[id] {
			events[id]++
			states[id] = state
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var f failures
	acked := map[int64]bool{}
	for _, p := range pubs {
		acked[p.CaseID] = true
		switch n := events[p.CaseID]; {
		case n == 0:
			st.lost++
			f.add("published case %d (%d sends): no publish event", p.CaseID, p.Attempts)
		case n > 1:
			st.duplicates++
			f.add("published case %d (%d sends): %d publish events", p.CaseID, p.Attempts, n)
		}
		if states[p.CaseID] != "review" {
			f.add("published case %d: in state %q, want review", p.CaseID, states[p.CaseID])
		}
	}
	for id, n := range events {
		if !acked[id] {
			f.add("case %d: %d publish events that no acknowledgement names", id, n)
		}
	}
	f.report(t, "publish actions")
}

// checkOutbox finds the events written in the transactions of what was
// acknowledged — each appeal's "case.opened", each publication's
// "appeal.published" — in the outbox: sent or still pending, never
// missing, twice or dead.
func checkOutbox(t *testing.T, st *store, acks []ack, pubs []publication) {
	t.Helper()
	rows, err := st.db.QueryContext(context.Background(), `SELECT key, state FROM outbox WHERE topic = ? AND key LIKE ?`,
		notify.EventTopic, "case:%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type caseEvent struct {
		caseID int64
		typ    string
	}
	states := map[caseEvent][]string{}
	for rows.Next() {
		var k, state string
		if err := rows.Scan(&k, &state); err != nil {
			t.Fatal(err)
		}
		// case:<case id>:event:<event id>:<type>
		parts := strings.Split(k, ":")
		if len(parts) != 5 || parts[2] != "event" {
			continue
		}
		id, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			continue
		}
		ce := caseEvent{id, parts[4]}
		states[ce] = append(states[ce], state)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var f failures
	want := func(what string, ce caseEvent) {
		got := states[ce]
		if len(got) != 1 || (got[0] != "done" && got[0] != "pending") {
			f.add("%s: %s messages in states %q, want one done or pending", what, ce.typ, got)
		}
	}
	for _, a := range acks {
		want(a.String(), caseEvent{a.ID, "case.opened"})
	}
	for _, p := range pubs {
		want("published case "+strconv.FormatInt(p.CaseID, 10), caseEvent{p.CaseID, "appeal.published"})
	}
	f.report(t, "outbox messages of what was acknowledged")
}
