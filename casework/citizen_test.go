package casework

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// mineNow is the tests' fixed moment.
var mineNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// mineDefinition is a small appeal process: a start state with a citizen
// text, a waiting state, and a terminal one with only a title.
var mineDefinition = &process.Definition{
	Name: "appeal_test", Kind: process.KindAppeal, Title: process.Text{"ru": "Обращение"},
	States: []process.State{
		{Name: "review", Start: true, Title: process.Text{"ru": "На рассмотрении", "en": "Under review"},
			Citizen: process.Text{"ru": "Обращение рассматривают", "en": "Your appeal is being reviewed"}},
		{Name: "info", Waiting: true, Title: process.Text{"ru": "Запрос информации"},
			Citizen: process.Text{"ru": "Ответьте на запрос"}},
		{Name: "closed", Terminal: true, Title: process.Text{"ru": "Закрыто", "en": "Closed"}},
	},
}

// countingProcesses serves one definition under any version id and counts
// how often each id is asked for.
type countingProcesses struct{ calls map[int64]int }

func (p *countingProcesses) Latest(context.Context, string) (process.Version, error) {
	return process.Version{}, okno.Errorf(okno.ENOTFOUND, "error.not_found")
}

func (p *countingProcesses) ByID(_ context.Context, id int64) (process.Version, error) {
	p.calls[id]++
	return process.Version{ID: id, Name: mineDefinition.Name, Version: int(id), Definition: mineDefinition}, nil
}

// mineSeed is what seedMine made.
type mineSeed struct {
	ivan, maria int64 // two citizens
	versions    [2]int64
}

// seedMine writes, by SQL, two citizens, an organisation, two versions of
// a process, and cases: five of Ivan's (ids ascending in this order:
// review v1, info v1, closed v2, review v2, info v2) and one of Maria's
// between them.
func seedMine(t *testing.T, db *sqldb.DB) (mineSeed, []int64) {
	t.Helper()
	ctx, now := context.Background(), sqldb.Now(mineNow)
	var s mineSeed
	var ids []int64
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		one := func(dst *int64, q string, args ...any) error { return tx.QueryRowContext(ctx, q, args...).Scan(dst) }
		for _, u := range []*int64{&s.ivan, &s.maria} {
			if err := one(u, `INSERT INTO users (kind, password_hash, created_at, updated_at) VALUES ('citizen', '', ?, ?) RETURNING id`, now, now); err != nil {
				return err
			}
		}
		var orgID int64
		if err := one(&orgID, `INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('committee', 'Комитет', ?, ?) RETURNING id`, now, now); err != nil {
			return err
		}
		for i := range s.versions {
			if err := one(&s.versions[i], `INSERT INTO process_versions (name, version, kind, source, digest, published_at, published_by)
				VALUES ('appeal_test', ?, 'appeal', '{}', ?, ?, 'system') RETURNING id`, i+1, fmt.Sprint("digest", i), now); err != nil {
				return err
			}
		}
		cases := []struct {
			applicant int64
			version   int64
			state     string
			closed    bool
		}{
			{s.ivan, s.versions[0], "review", false},
			{s.ivan, s.versions[0], "info", false},
			{s.maria, s.versions[0], "review", false},
			{s.ivan, s.versions[1], "closed", true},
			{s.ivan, s.versions[1], "review", false},
			{s.ivan, s.versions[1], "info", false},
		}
		for i, c := range cases {
			var closed any
			if c.closed {
				closed = now
			}
			met := closed
			var id int64
			if err := one(&id, `INSERT INTO cases (ref, kind, process_id, state, version, applicant_id, org_id, subject, channel,
				legal_period, legal_due_at, legal_met_at, outcome, created_by, created_at, updated_at, closed_at)
				VALUES (?, 'appeal', ?, ?, 1, ?, ?, ?, 'web', '30d', ?, ?, '', 'citizen:1', ?, ?, ?) RETURNING id`,
				fmt.Sprintf("2026-%06d", i+1), c.version, c.state, c.applicant, orgID, fmt.Sprintf("Дело %d", i+1),
				sqldb.Now(mineNow.AddDate(0, 0, 30+i)), met, now, now, closed); err != nil {
				return err
			}
			if c.applicant == s.ivan {
				ids = append(ids, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, ids
}

func TestMine(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		svc := New(Deps{DB: db, Processes: &countingProcesses{calls: map[int64]int{}}, Now: func() time.Time { return mineNow }})
		seed, ids := seedMine(t, db)
		ivan := okno.Actor{Kind: okno.ActorCitizen, UserID: seed.ivan}

		item := func(n int, state, title string, waiting bool) CitizenItem {
			return CitizenItem{ID: ids[n], Kind: "appeal", State: state, StateTitle: title, WaitingForMe: waiting, UpdatedAt: mineNow}
		}
		// Refs, subjects and due dates follow the insertion order, where
		// Maria's case is third.
		fill := func(it CitizenItem, row int) CitizenItem {
			it.Ref, it.Subject = fmt.Sprintf("2026-%06d", row), fmt.Sprintf("Дело %d", row)
			it.LegalDue = mineNow.AddDate(0, 0, 30+row-1)
			if it.State == "closed" {
				it.ClosedAt, it.LegalMetAt = mineNow, mineNow
			}
			return it
		}
		want := []CitizenItem{
			fill(item(4, "info", "Ответьте на запрос", true), 6),
			fill(item(3, "review", "Обращение рассматривают", false), 5),
			fill(item(2, "closed", "Закрыто", false), 4),
			fill(item(1, "info", "Ответьте на запрос", true), 2),
			fill(item(0, "review", "Обращение рассматривают", false), 1),
		}

		var got []CitizenItem
		var nexts []string
		after := ""
		for range 5 {
			p, err := svc.Mine(ctx, ivan, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, p.Items...)
			nexts = append(nexts, p.Next)
			if after = p.Next; after == "" {
				break
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Ivan's cases, page by page (-want +got):\n%s", diff)
		}
		wantNexts := []string{fmt.Sprint(ids[3]), fmt.Sprint(ids[1]), ""}
		if diff := cmp.Diff(wantNexts, nexts); diff != "" {
			t.Errorf("cursors (-want +got):\n%s", diff)
		}

		maria, err := svc.Mine(ctx, okno.Actor{Kind: okno.ActorCitizen, UserID: seed.maria}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(maria.Items) != 1 || maria.Items[0].Subject != "Дело 3" || maria.Next != "" {
			t.Errorf("Maria's cases = %+v", maria)
		}
	})
}

func TestMineCachesVersionsPerCall(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		procs := &countingProcesses{calls: map[int64]int{}}
		svc := New(Deps{DB: db, Processes: procs, Now: func() time.Time { return mineNow }})
		seed, _ := seedMine(t, db)
		if _, err := svc.Mine(context.Background(), okno.Actor{Kind: okno.ActorCitizen, UserID: seed.ivan}, "", 0); err != nil {
			t.Fatal(err)
		}
		want := map[int64]int{seed.versions[0]: 1, seed.versions[1]: 1}
		if diff := cmp.Diff(want, procs.calls); diff != "" {
			t.Errorf("registry calls for five cases on two versions (-want +got):\n%s", diff)
		}
	})
}

func TestMineInEnglish(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		svc := New(Deps{DB: db, Processes: &countingProcesses{calls: map[int64]int{}}, Now: func() time.Time { return mineNow }})
		seed, _ := seedMine(t, db)
		p, err := svc.Mine(WithLanguage(context.Background(), "en"), okno.Actor{Kind: okno.ActorCitizen, UserID: seed.ivan}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range p.Items {
			got = append(got, it.StateTitle)
		}
		// English where declared; Russian where the process has no English.
		want := []string{"Ответьте на запрос", "Your appeal is being reviewed", "Closed", "Ответьте на запрос", "Your appeal is being reviewed"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("titles (-want +got):\n%s", diff)
		}
	})
}

func TestMineRefuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		svc := New(Deps{DB: db, Processes: &countingProcesses{calls: map[int64]int{}}, Now: func() time.Time { return mineNow }})
		seed, _ := seedMine(t, db)
		tests := []struct {
			name  string
			actor okno.Actor
			after string
			code  okno.ErrorCode
		}{
			{"anonymous", okno.Actor{}, "", okno.EFORBIDDEN},
			{"staff", okno.Actor{Kind: okno.ActorStaff, UserID: seed.ivan, OrgID: 1, Roles: []okno.Role{okno.RoleOfficial}}, "", okno.EFORBIDDEN},
			{"api key", okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 1, OrgID: 1}, "", okno.EFORBIDDEN},
			{"system", okno.System, "", okno.EFORBIDDEN},
			{"cursor not a number", okno.Actor{Kind: okno.ActorCitizen, UserID: seed.ivan}, "abc", okno.EINVALID},
			{"cursor negative", okno.Actor{Kind: okno.ActorCitizen, UserID: seed.ivan}, "-5", okno.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := svc.Mine(context.Background(), tt.actor, tt.after, 0)
				if got := okno.ErrorCodeOf(err); got != tt.code {
					t.Errorf("code = %q, want %q (page %+v)", got, tt.code, p)
				}
				if len(p.Items) != 0 {
					t.Errorf("refused, yet %d items", len(p.Items))
				}
			})
		}
	})
}

func TestMineLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		svc := New(Deps{DB: db, Processes: &countingProcesses{calls: map[int64]int{}}, Now: func() time.Time { return mineNow }})
		seed, _ := seedMine(t, db)
		ivan := okno.Actor{Kind: okno.ActorCitizen, UserID: seed.ivan}
		for _, limit := range []int{-1, 0, MineMaxLimit + 1} {
			p, err := svc.Mine(context.Background(), ivan, "", limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != 5 || p.Next != "" {
				t.Errorf("limit %d: %d items, next %q; want all 5 on one page", limit, len(p.Items), p.Next)
			}
		}
		p, err := svc.Mine(context.Background(), ivan, "", 5)
		if err != nil {
			t.Fatal(err)
		}
		if p.Next != "" {
			t.Errorf("a page exactly as long as what is left has next %q: the reader would get an empty page", p.Next)
		}
	})
}

func TestCitizenText(t *testing.T) {
	tests := []struct {
		name string
		st   process.State
		lang string
		want string
	}{
		{"citizen text", process.State{Name: "s", Title: process.Text{"ru": "Т"}, Citizen: process.Text{"ru": "Ц"}}, "ru", "Ц"},
		{"title when no citizen text", process.State{Name: "s", Title: process.Text{"ru": "Т"}}, "ru", "Т"},
		{"English citizen text", process.State{Name: "s", Citizen: process.Text{"ru": "Ц", "en": "C"}}, "en", "C"},
		{"Russian when no English", process.State{Name: "s", Citizen: process.Text{"ru": "Ц"}}, "en", "Ц"},
		{"name when nothing else", process.State{Name: "s"}, "ru", "s"},
	}
	for _, tt := range tests {
		if got := CitizenText(tt.st, tt.lang); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
