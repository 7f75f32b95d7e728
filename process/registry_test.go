package process_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

var (
	clock = time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)
	now   = func() time.Time { return clock }
	admin = okno.Actor{Kind: okno.ActorStaff, UserID: 7, OrgID: 1, Roles: []okno.Role{okno.RoleAdmin}, Name: "Админ"}
)

// small is a valid definition named name; extra lines change its text.
func small(name string, extra ...string) []byte {
	return []byte(strings.Join(append([]string{
		"name: " + name,
		"kind: appeal",
		"title: {ru: Проба}",
		"legal_clock: {days: 30}",
		"states:",
		"  - {name: open, start: true, title: {ru: Открыто}}",
		"  - {name: done, terminal: true, outcome: fixed, title: {ru: Готово}}",
		"actions:",
		"  - {name: close, title: {ru: Закрыть}, from: [open], to: done, by: [{role: official}]}",
	}, extra...), "\n") + "\n")
}

func shipped(t *testing.T, file string) []byte {
	t.Helper()
	files, err := process.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return files[file]
}

func TestPublishStoresImmutableVersions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		log := audittest.New(db, now)
		reg := process.NewRegistry(db, log, now)

		v1, created, err := reg.Publish(ctx, admin, shipped(t, "appeal.yaml"))
		if err != nil || !created {
			t.Fatalf("first publish: %v, created %v", err, created)
		}
		if v1.Name != "appeal" || v1.Version != 1 || v1.Definition.Kind != process.KindAppeal || len(v1.Digest) != 64 {
			t.Errorf("v1 = %s v%d %s digest %q", v1.Name, v1.Version, v1.Definition.Kind, v1.Digest)
		}
		if !v1.PublishedAt.Equal(sqldb.Now(clock)) || v1.PublishedBy != admin.Ref() {
			t.Errorf("published %v by %q", v1.PublishedAt, v1.PublishedBy)
		}

		again, created, err := reg.Publish(ctx, admin, shipped(t, "appeal.yaml"))
		if err != nil || created || again.ID != v1.ID || again.Version != 1 {
			t.Fatalf("same text again: v%d id %d, created %v, %v; want v1 unchanged", again.Version, again.ID, created, err)
		}

		changed := append(shipped(t, "appeal.yaml"), "# a comment changes the text\n"...)
		v2, created, err := reg.Publish(ctx, admin, changed)
		if err != nil || !created || v2.Version != 2 || v2.ID == v1.ID {
			t.Fatalf("changed text: v%d, created %v, %v; want v2", v2.Version, created, err)
		}

		latest, err := reg.Latest(ctx, "appeal")
		if err != nil || latest.ID != v2.ID {
			t.Fatalf("latest = %d, %v; want %d", latest.ID, err, v2.ID)
		}
		// A fresh registry (another node, a restart) reads what was stored.
		fresh := process.NewRegistry(db, log, now)
		old, err := fresh.ByID(ctx, v1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(v1, old); diff != "" {
			t.Errorf("v1 read back (-published +read):\n%s", diff)
		}
		vs, err := fresh.Versions(ctx, "appeal")
		if err != nil {
			t.Fatal(err)
		}
		if got := []int{vs[0].Version, vs[1].Version}; len(vs) != 2 || got[0] != 2 || got[1] != 1 {
			t.Errorf("versions = %v, want [2 1]", got)
		}
		if n := len(log.Entries()); n != 2 {
			t.Errorf("%d audit entries, want 2 (one per stored version)", n)
		}
		for _, e := range log.Entries() {
			if e.Action != "process.publish" || e.ObjectType != "process_version" || e.Actor != admin.Ref() {
				t.Errorf("audit entry %+v", e)
			}
		}
	})
}

func TestPublishRefuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		reg := process.NewRegistry(db, audittest.New(db, now), now)
		citizen := okno.Actor{Kind: okno.ActorCitizen, UserID: 3}
		official := okno.Actor{Kind: okno.ActorStaff, UserID: 4, OrgID: 1, Roles: []okno.Role{okno.RoleOfficial}}
		for _, a := range []okno.Actor{citizen, official, {}} {
			if _, _, err := reg.Publish(ctx, a, small("probe")); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("publish as %s: %v, want forbidden", a.Ref(), err)
			}
		}

		broken := []byte(strings.Replace(string(small("probe")), "to: done", "to: gone", 1))
		_, _, err := reg.Publish(ctx, admin, broken)
		if !okno.IsCode(err, okno.EINVALID) {
			t.Fatalf("invalid definition: %v", err)
		}
		want := process.Problem{Line: 9, Column: 59, Path: "actions[0].to", Key: "process.state_unknown", Args: []any{"gone"}}
		if ps := process.ProblemsOf(err); !slices.ContainsFunc(ps, func(p process.Problem) bool { return cmp.Equal(want, p) }) {
			t.Errorf("problems %v lack %v", ps, want)
		}

		if _, _, err := reg.Publish(ctx, admin, small("probe")); err != nil {
			t.Fatal(err)
		}
		other := []byte(strings.Replace(string(small("probe")), "kind: appeal", "kind: complaint", 1))
		_, _, err = reg.Publish(ctx, admin, other)
		if ps := process.ProblemsOf(err); len(ps) != 1 || ps[0].Key != "process.kind_changed" || ps[0].Line != 2 {
			t.Errorf("kind changed: %v", err)
		}

		parent := []byte(strings.Replace(string(small("parent")), "by: [{role: official}]}",
			"by: [{role: official}],\n      effects: [{kind: children, processes: [child]}]}", 1))
		_, _, err = reg.Publish(ctx, admin, parent)
		if ps := process.ProblemsOf(err); len(ps) != 1 || ps[0].Key != "process.children_unpublished" || ps[0].Line != 10 {
			t.Fatalf("children of an unpublished process: %v", err)
		}
		if _, _, err := reg.Publish(ctx, admin, small("child")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := reg.Publish(ctx, admin, parent); err != nil {
			t.Fatalf("children of a published process: %v", err)
		}

		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM process_versions`).Scan(&n); err != nil || n != 3 {
			t.Errorf("%d rows (%v), want 3: probe, child, parent", n, err)
		}
		if _, err := reg.Latest(ctx, "nothing"); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("latest of nothing: %v", err)
		}
		if _, err := reg.ByID(ctx, 999999); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("unknown id: %v", err)
		}
		if _, err := reg.Versions(ctx, "nothing"); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("versions of nothing: %v", err)
		}
	})
}

// TestConcurrentPublishers: publishers racing on one process each get a
// version of their own or a conflict, never the same version.
func TestConcurrentPublishers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		const n = 8
		var wg sync.WaitGroup
		versions := make([]int, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				reg := process.NewRegistry(db, audittest.New(db, now), now) // one per node
				v, _, err := reg.Publish(ctx, admin, small("race", fmt.Sprintf("# publisher %d", i)))
				versions[i], errs[i] = v.Version, err
			}()
		}
		wg.Wait()
		var got []int
		for i, err := range errs {
			switch {
			case err == nil:
				got = append(got, versions[i])
			case !okno.IsCode(err, okno.ECONFLICT):
				t.Errorf("publisher %d: %v, want success or a conflict", i, err)
			}
		}
		slices.Sort(got)
		for i, v := range got {
			if v != i+1 {
				t.Fatalf("versions %v: want 1..%d, each once", got, len(got))
			}
		}
		var rows int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM process_versions WHERE name = 'race'`).Scan(&rows); err != nil || rows != len(got) {
			t.Errorf("%d rows (%v) for %d successful publishers", rows, err, len(got))
		}
	})
}

// TestPublishShipped: every node publishes the shipped definitions at
// start; together they store each once, and a later start adds nothing,
// nor overrides an administrator's own version.
func TestPublishShipped(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = process.NewRegistry(db, audittest.New(db, now), now).PublishShipped(ctx)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("node %d: %v", i, err)
			}
		}
		reg := process.NewRegistry(db, audittest.New(db, now), now)
		list, err := reg.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range list {
			got = append(got, fmt.Sprintf("%s v%d %s", v.Name, v.Version, v.Definition.Title.In("ru")))
		}
		want := []string{"appeal v1 Сообщение о проблеме", "application v1 Заявление на услугу", "complaint v1 Жалоба на решение органа"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("published (-want +got):\n%s", diff)
		}

		custom := append(shipped(t, "appeal.yaml"), "# our region's own\n"...)
		if _, _, err := reg.Publish(ctx, admin, custom); err != nil {
			t.Fatal(err)
		}
		if err := reg.PublishShipped(ctx); err != nil {
			t.Fatal(err)
		}
		latest, err := reg.Latest(ctx, "appeal")
		if err != nil || latest.Version != 2 || latest.Source != string(custom) {
			t.Errorf("after a restart the latest appeal is v%d (%v), want the administrator's v2", latest.Version, err)
		}
	})
}
