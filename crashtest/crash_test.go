package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/storetest"
)

// KillsEnv names the variable that sets how many times the server is
// killed: OKNO_CRASH_KILLS=20 is the long form run on command; without it
// the short form (4 kills) runs, in CI too.
const KillsEnv = "OKNO_CRASH_KILLS"

// workers is how many goroutines send appeals at once.
const workers = 8

func kills(t *testing.T) int {
	t.Helper()
	v := os.Getenv(KillsEnv)
	if v == "" {
		if testing.Short() {
			return 3
		}
		return 4
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		t.Fatalf("%s=%q: want a number of kills from 1 to 1000", KillsEnv, v)
	}
	return n
}

// TestCrashKeepsAcknowledged is the crash test of docs/RELIABILITY.md: the
// real binary under load, killed with SIGKILL at random moments and started
// again on the same data, must keep every request it acknowledged, intact,
// exactly once, with its outbox message and a verifiable audit log.
func TestCrashKeepsAcknowledged(t *testing.T) {
	bin := buildOkno(t)
	t.Run("sqlite", func(t *testing.T) { crash(t, bin, "") })
	t.Run("postgres", func(t *testing.T) { crash(t, bin, storetest.PostgresDSN(t)) })
}

func crash(t *testing.T, bin, dsn string) {
	n := kills(t)
	s := newServer(t, bin, dsn)
	s.start("demo") // loads the demo region: organisations, districts, reasons
	s.stop()
	// The key that files sees its appeals' status only (casework's rule
	// for API clients); a supervisor of the region reads them in full.
	key := apiKey(t, s, "crash", "")
	reader := apiKey(t, s, "crash-reader", "supervisor")
	operator := apiKey(t, s, "crash-moderator", "operator")
	s.start("serve")

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, %d kills", seed, n)
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n+2)*time.Minute)
	defer cancel()
	l := newLoader(s.URL(), key, serviceCodes(t, s.URL()), seed)
	m := newModerator(l, operator, reader)
	l.onAck = func(a ack) {
		if a.Door == doorAPI {
			m.offer(a.ID)
		}
	}
	stopLoad := l.run(ctx, workers)
	stopModeration := m.run(ctx, 2)
	rnd := rand.New(rand.NewPCG(seed, 1<<40))
	var recoveries []time.Duration
	for i := range n {
		// Up between 150 ms and 1 s, and long enough to acknowledge
		// something, so every incarnation is under load when it dies.
		since := l.acked()
		waitFor(ctx, time.Duration(150+rnd.IntN(850))*time.Millisecond, func() bool { return l.acked() > since })
		if ctx.Err() != nil {
			t.Fatalf("kill %d: no acknowledgement before the deadline; problems: %q\n%s", i+1, l.problemList(), s.logTail())
		}
		s.kill()
		recoveries = append(recoveries, s.start("serve"))
	}
	since := l.acked()
	waitFor(ctx, 300*time.Millisecond, func() bool { return l.acked() > since })
	stopLoad()
	stopModeration()
	if p := l.problemList(); len(p) > 0 {
		t.Fatalf("answers no crash explains: %q", p)
	}
	acks, pubs := l.ledger(), m.publications()

	replayed := readBack(t, s.URL(), reader, acks)
	retryAll(t, l, acks)
	s.kill() // the last crash: the database is read as the process left it
	db := checkRows(t, s, acks)
	checkPublications(t, db, acks, pubs)
	checkOutbox(t, db, acks, pubs)
	if out, err := s.run("audit verify"); err != nil || !strings.Contains(out, "audit log intact") {
		t.Errorf("okno audit verify: %v: %s", err, out)
	}

	report(t, n, l, acks, pubs, replayed, db, recoveries)
}

// report logs the figures docs/RELIABILITY.md records.
func report(t *testing.T, kills int, l *loader, acks []ack, pubs []publication, replayed int, db *store, recoveries []time.Duration) {
	doors := map[string]int{}
	for _, a := range acks {
		doors[a.Door]++
	}
	seen := 0
	for _, p := range pubs {
		if p.Seen {
			seen++
		}
	}
	slices.Sort(recoveries)
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	t.Logf("kills survived %d; acknowledged requests checked %d (appeals: api %d, open311 %d, of them %d committed before a crash "+
		"cut the answer; publish actions %d, of them %d so); sends retried %d %v; lost %d; duplicates %d; "+
		"recovery to /readyz 200 min %s median %s max %s",
		kills, len(acks)+len(pubs), doors[doorAPI], doors[doorOpen311], replayed, len(pubs), seen, l.retries.Load(), l.why,
		db.lost, db.duplicates, ms(recoveries[0]), ms(recoveries[len(recoveries)/2]), ms(recoveries[len(recoveries)-1]))
}

// apiKey creates an API key of the region's root organisation with
// roles (comma-separated, "" for none) through the CLI.
func apiKey(t *testing.T, s *server, name, roles string) string {
	t.Helper()
	out, err := s.run("apikey create", "--name", name, "--org", "spb", "--roles", roles)
	if err != nil {
		t.Fatalf("okno apikey create --name %s: %v: %s", name, err, out)
	}
	return strings.TrimSpace(out)
}

// waitFor returns once at least d has passed and done reports true, or
// ctx ends.
func waitFor(ctx context.Context, d time.Duration, done func() bool) {
	floor := time.NewTimer(d)
	defer floor.Stop()
	select {
	case <-ctx.Done():
		return
	case <-floor.C:
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// serviceCodes are the first Open311 service codes the server lists: the
// reasons appeals are filed under.
func serviceCodes(t *testing.T, base string) []string {
	t.Helper()
	res, err := http.Get(base + "/open311/v2/services.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var list []struct {
		Code string `json:"service_code"`
	}
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /open311/v2/services.json: status %d, %v", res.StatusCode, err)
	}
	var codes []string
	for _, s := range list[:min(len(list), 8)] {
		codes = append(codes, s.Code)
	}
	if len(codes) == 0 {
		t.Fatal("the demo lists no Open311 services")
	}
	return codes
}

// describe names an acknowledgement in failure messages.
func (a ack) String() string {
	return fmt.Sprintf("%s %s (id %d, %d sends)", a.Door, a.Key, a.ID, a.Attempts)
}
