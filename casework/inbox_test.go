package casework

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// ibNow is the inbox tests' moment: 12:00 in Moscow, so today ends at
// 21:00 UTC.
var ibNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// ibEndOfDay is the end of ibNow's day in Moscow.
var ibEndOfDay = time.Date(2026, 3, 10, 21, 0, 0, 0, time.UTC)

// ibDefinitions are the processes the seeded cases run on.
var ibDefinitions = map[string]*process.Definition{
	"appeal": {Name: "appeal", Kind: process.KindAppeal, Title: process.Text{"ru": "Обращение", "en": "Report"},
		States: []process.State{
			{Name: "review", Start: true, Title: process.Text{"ru": "На рассмотрении", "en": "Under review"}},
			{Name: "info", Waiting: true, Title: process.Text{"ru": "Запрос информации", "en": "Information requested"}},
			{Name: "answered", Title: process.Text{"ru": "Дан ответ"}},
			{Name: "closed", Terminal: true, Title: process.Text{"ru": "Закрыто", "en": "Closed"}},
		}},
	"complaint": {Name: "complaint", Kind: process.KindComplaint, Title: process.Text{"ru": "Жалоба", "en": "Complaint"},
		States: []process.State{{Name: "review", Start: true, Title: process.Text{"ru": "Рассмотрение жалобы", "en": "Complaint under review"}}}},
}

// ibProcesses serves the seeded process versions by id.
type ibProcesses struct{ byID map[int64]process.Version }

func (p ibProcesses) Latest(_ context.Context, name string) (process.Version, error) {
	for _, v := range p.byID {
		if v.Name == name {
			return v, nil
		}
	}
	return process.Version{}, okno.Errorf(okno.ENOTFOUND, "error.not_found")
}

func (p ibProcesses) ByID(_ context.Context, id int64) (process.Version, error) {
	v, ok := p.byID[id]
	if !ok {
		return process.Version{}, okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	return v, nil
}

// ibCase is one case to seed. Times are offsets from ibNow; a nil pointer
// leaves the column NULL.
type ibCase struct {
	name       string // the test's name for it; also the subject's key
	subject    string
	process    string
	state      string
	org        *int64
	position   *int64
	assignee   *int64
	due        time.Duration // legal clock
	paused     *time.Duration
	met        *time.Duration
	stepDue    *time.Duration
	closed     bool
	escalateTo *int64
}

// ibWorld is what seedInbox made: organisations, people, positions and
// the cases by name.
type ibWorld struct {
	root, a, b, a1             int64
	official, colleague, chief int64 // staff of A
	outsider                   int64 // staff of B
	specialist, head           int64 // positions of A
	cases                      map[string]int64
	refs                       map[string]string
	procs                      ibProcesses
}

func ibAgo(d time.Duration) *time.Duration { d = -d; return &d }
func ibIn(d time.Duration) *time.Duration  { return &d }

// seedInbox writes the world by SQL: a government with two district
// administrations A and B, a department A1 under A, staff, two processes,
// and ten cases chosen to fall in and out of every view.
func seedInbox(t *testing.T, db *sqldb.DB) ibWorld {
	t.Helper()
	ctx, now := context.Background(), sqldb.Now(ibNow)
	w := ibWorld{cases: map[string]int64{}, refs: map[string]string{}, procs: ibProcesses{byID: map[int64]process.Version{}}}
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		one := func(dst *int64, q string, args ...any) error { return tx.QueryRowContext(ctx, q, args...).Scan(dst) }
		orgs := []struct {
			dst    *int64
			name   string
			parent *int64
		}{{&w.root, "Правительство", nil}, {&w.a, "Администрация Центрального района", &w.root},
			{&w.b, "Администрация Выборгского района", &w.root}, {&w.a1, "Отдел благоустройства", &w.a}}
		for _, o := range orgs {
			var parent any
			if o.parent != nil {
				parent = *o.parent
			}
			if err := one(o.dst, `INSERT INTO organisations (kind, name, parent_id, created_at, updated_at) VALUES ('committee', ?, ?, ?, ?) RETURNING id`,
				o.name, parent, now, now); err != nil {
				return err
			}
		}
		for _, u := range []struct {
			dst  *int64
			name string
		}{{&w.official, "Анна Петрова"}, {&w.colleague, "Борис Иванов"}, {&w.chief, "Вера Сидорова"}, {&w.outsider, "Глеб Орлов"}} {
			if err := one(u.dst, `INSERT INTO users (kind, display_name, password_hash, created_at, updated_at) VALUES ('staff', ?, '', ?, ?) RETURNING id`,
				u.name, now, now); err != nil {
				return err
			}
		}
		var outsiderPos int64
		for _, p := range []struct {
			dst   *int64
			org   int64
			title string
			role  okno.Role
		}{{&w.specialist, w.a, "Специалист", okno.RoleOfficial}, {&w.head, w.a, "Начальник отдела", okno.RoleSupervisor},
			{&outsiderPos, w.b, "Специалист", okno.RoleOfficial}} {
			if err := one(p.dst, `INSERT INTO positions (organisation_id, title, role, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
				p.org, p.title, p.role, now); err != nil {
				return err
			}
		}
		for _, st := range [][2]int64{{w.official, w.specialist}, {w.colleague, w.specialist}, {w.chief, w.head}, {w.outsider, outsiderPos}} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO staff (user_id, position_id, since) VALUES (?, ?, ?)`, st[0], st[1], now); err != nil {
				return err
			}
		}
		versions := map[string]int64{}
		for _, name := range []string{"appeal", "complaint"} {
			var id int64
			if err := one(&id, `INSERT INTO process_versions (name, version, kind, source, digest, published_at, published_by)
				VALUES (?, 1, ?, '{}', ?, ?, 'system') RETURNING id`, name, ibDefinitions[name].Kind, "digest-"+name, now); err != nil {
				return err
			}
			versions[name] = id
			w.procs.byID[id] = process.Version{ID: id, Name: name, Version: 1, Definition: ibDefinitions[name]}
		}
		for i, c := range ibCases(&w) {
			id, err := insertInboxCase(ctx, tx, c, versions[c.process], fmt.Sprintf("2026-%06d", i+1))
			if err != nil {
				return fmt.Errorf("case %s: %w", c.name, err)
			}
			w.cases[c.name], w.refs[c.name] = id, fmt.Sprintf("2026-%06d", i+1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// ibCases are the seeded cases: in A unless said otherwise.
func ibCases(w *ibWorld) []ibCase {
	h := time.Hour
	return []ibCase{
		{name: "pothole", subject: "Яма на дороге", process: "appeal", state: "review", org: &w.a, position: &w.specialist, assignee: &w.official, due: -48 * h},
		{name: "bench", subject: "Сломанная скамейка", process: "appeal", state: "review", org: &w.a, position: &w.specialist, assignee: &w.colleague, due: 12 * h},
		{name: "rubbish", subject: "Мусор во дворе", process: "appeal", state: "info", org: &w.a, position: &w.specialist, due: -24 * h, paused: ibAgo(72 * h)},
		{name: "school", subject: "Яма у школы", process: "appeal", state: "review", org: &w.a, due: 240 * h, stepDue: ibIn(5 * h)},
		{name: "roof", subject: "Протечка крыши 100%", process: "appeal", state: "answered", org: &w.a, position: &w.specialist, assignee: &w.official, due: -120 * h, met: ibAgo(144 * h)},
		{name: "done", subject: "Закрытое дело", process: "appeal", state: "closed", org: &w.a, position: &w.specialist, due: 24 * h, closed: true},
		{name: "escalated", subject: "Эскалированное дело", process: "appeal", state: "review", org: &w.a1, due: 480 * h, escalateTo: &w.a},
		{name: "foreign", subject: "Чужое дело", process: "appeal", state: "review", org: &w.b, due: -240 * h},
		{name: "complaint", subject: "Жалоба на отказ", process: "complaint", state: "review", org: &w.a, position: &w.specialist, due: 72 * h},
		{name: "waiting", subject: "Ждём ответа заявителя", process: "appeal", state: "info", org: &w.a, assignee: &w.colleague, due: -50 * h, paused: ibAgo(24 * h)},
	}
}

// insertInboxCase writes one case row as the engine would leave it.
func insertInboxCase(ctx context.Context, tx *sqldb.Tx, c ibCase, processID int64, ref string) (int64, error) {
	at := func(d *time.Duration) any {
		if d == nil {
			return nil
		}
		return sqldb.Now(ibNow.Add(*d))
	}
	id := func(p *int64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	now := sqldb.Now(ibNow)
	var closed any
	if c.closed {
		closed = now
	}
	level := 0
	if c.escalateTo != nil {
		level = 1
	}
	stepPeriod := ""
	if c.stepDue != nil {
		stepPeriod = "2d"
	}
	var caseID int64
	err := tx.QueryRowContext(ctx, `INSERT INTO cases (ref, kind, process_id, state, version, org_id, position_id, assignee_id,
		escalation_level, escalated_org_id, subject, channel, legal_period, legal_due_at, legal_paused_at, legal_met_at,
		step_period, step_due_at, outcome, created_by, created_at, updated_at, closed_at)
		VALUES (?, 'appeal', ?, ?, 3, ?, ?, ?, ?, ?, ?, 'web', '30d', ?, ?, ?, ?, ?, '', 'system', ?, ?, ?) RETURNING id`,
		ref, processID, c.state, *c.org, id(c.position), id(c.assignee), level, id(c.escalateTo), c.subject,
		sqldb.Now(ibNow.Add(c.due)), at(c.paused), at(c.met), stepPeriod, at(c.stepDue), now, now, closed).Scan(&caseID)
	return caseID, err
}

// ibService is a service on db answering from w's processes at ibNow.
func ibService(db *sqldb.DB, w ibWorld) *Service {
	return New(Deps{DB: db, Processes: w.procs, Now: func() time.Time { return ibNow }})
}

func (w ibWorld) staff(user, org int64, roles ...okno.Role) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: user, OrgID: org, Roles: roles}
}

// names turns a page's items into the seeded cases' names.
func (w ibWorld) names(items []InboxItem) []string {
	byID := map[int64]string{}
	for n, id := range w.cases {
		byID[id] = n
	}
	out := []string{}
	for _, it := range items {
		out = append(out, byID[it.ID])
	}
	return out
}

func TestInboxViews(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := seedInbox(t, db)
		svc := ibService(db, w)
		official := w.staff(w.official, w.a, okno.RoleOfficial)
		tests := []struct {
			view View
			as   okno.Actor
			want []string
		}{
			{ViewMine, official, []string{"roof", "pothole", "rubbish", "complaint"}},
			{"", official, []string{"roof", "pothole", "rubbish", "complaint"}},
			{ViewMine, w.staff(w.colleague, w.a, okno.RoleOfficial), []string{"waiting", "rubbish", "bench", "complaint"}},
			{ViewMine, w.staff(w.chief, w.a, okno.RoleSupervisor), []string{}},
			{ViewOrg, official, []string{"roof", "waiting", "pothole", "rubbish", "bench", "complaint", "school"}},
			{ViewUnassigned, official, []string{"rubbish", "complaint", "school"}},
			{ViewDueToday, official, []string{"waiting", "pothole", "bench", "school"}},
			{ViewOverdue, official, []string{"waiting", "pothole"}},
			{ViewEscalated, official, []string{"escalated"}},
			{ViewClosed, official, []string{"done"}},
			{ViewOrg, w.staff(w.outsider, w.b, okno.RoleOfficial), []string{"foreign"}},
			{ViewOverdue, w.staff(w.outsider, w.b, okno.RoleOfficial), []string{"foreign"}},
			{ViewEscalated, w.staff(w.outsider, w.b, okno.RoleOfficial), []string{}},
			{ViewOrg, okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 3, OrgID: w.a1}, []string{"escalated"}},
			{ViewMine, okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 3, OrgID: w.a}, []string{}},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s as %d@%d", tt.view, tt.as.UserID, tt.as.OrgID), func(t *testing.T) {
				p, err := svc.Inbox(context.Background(), tt.as, InboxQuery{View: tt.view})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, w.names(p.Items)); diff != "" {
					t.Errorf("cases (-want +got):\n%s", diff)
				}
				if p.Next != "" {
					t.Errorf("one page holds them all, but Next = %q", p.Next)
				}
			})
		}
	})
}

func TestInboxItem(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := seedInbox(t, db)
		svc := ibService(db, w)
		official := w.staff(w.official, w.a, okno.RoleOfficial)
		p, err := svc.Inbox(WithLanguage(context.Background(), "en"), official, InboxQuery{View: ViewOrg, Search: w.refs["roof"]})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 1 {
			t.Fatalf("a reference number found %d cases", len(p.Items))
		}
		got := p.Items[0]
		want := InboxItem{ID: w.cases["roof"], Ref: w.refs["roof"], Process: "appeal", State: "answered",
			StateTitle: "Дан ответ", // no English title: Russian is the fallback
			Subject:    "Протечка крыши 100%", OrgID: w.a, PositionID: w.specialist, AssigneeID: w.official, Assignee: "Анна Петрова",
			Version: 3, CreatedAt: ibNow, UpdatedAt: ibNow, LegalMetAt: ibNow.Add(-144 * time.Hour)}
		want.LegalDue.Period, want.LegalDue.Due = calendar.Period{Days: 30, Unit: calendar.CalendarDays}, ibNow.Add(-120*time.Hour)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("item (-want +got):\n%s", diff)
		}

		p, err = svc.Inbox(WithLanguage(context.Background(), "en"), official, InboxQuery{View: ViewDueToday})
		if err != nil {
			t.Fatal(err)
		}
		var titles, assignees []string
		for _, it := range p.Items {
			titles, assignees = append(titles, it.StateTitle), append(assignees, it.Assignee)
		}
		if diff := cmp.Diff([]string{"Information requested", "Under review", "Under review", "Under review"}, titles); diff != "" {
			t.Errorf("state titles in English (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Борис Иванов", "Анна Петрова", "Борис Иванов", ""}, assignees); diff != "" {
			t.Errorf("assignees (-want +got):\n%s", diff)
		}
		school := p.Items[3]
		if school.StepDue.Due != ibNow.Add(5*time.Hour) || school.StepDue.Period.Days != 2 {
			t.Errorf("step clock = %+v", school.StepDue)
		}
		esc, err := svc.Inbox(context.Background(), official, InboxQuery{View: ViewEscalated})
		if err != nil {
			t.Fatal(err)
		}
		if got := esc.Items[0].Escalation; got != (Escalation{Level: 1, OrgID: w.a}) || esc.Items[0].OrgID != w.a1 {
			t.Errorf("escalated case: org %d, escalation %+v", esc.Items[0].OrgID, got)
		}
	})
}

func TestInboxPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := seedInbox(t, db)
		svc := ibService(db, w)
		for _, view := range []View{ViewOrg, ViewMine, ViewDueToday} {
			official := w.staff(w.official, w.a, okno.RoleOfficial)
			all, err := svc.Inbox(context.Background(), official, InboxQuery{View: view})
			if err != nil {
				t.Fatal(err)
			}
			var got []InboxItem
			after, pages := "", 0
			for ; pages < 10; pages++ {
				p, err := svc.Inbox(context.Background(), official, InboxQuery{View: view, After: after, Limit: 2})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p.Items...)
				if after = p.Next; after == "" {
					break
				}
			}
			if diff := cmp.Diff(w.names(all.Items), w.names(got)); diff != "" {
				t.Errorf("%s page by page (-want +got):\n%s", view, diff)
			}
			if want := (len(all.Items)+1)/2 - 1; pages != want {
				t.Errorf("%s: %d pages after the first for %d cases, want %d", view, pages, len(all.Items), want)
			}
		}
	})
}

func TestInboxRefusals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := seedInbox(t, db)
		svc := ibService(db, w)
		official := w.staff(w.official, w.a, okno.RoleOfficial)
		first, err := svc.Inbox(context.Background(), official, InboxQuery{View: ViewOrg, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			as    okno.Actor
			q     InboxQuery
			code  okno.ErrorCode
			field string
		}{
			{"citizen", okno.Actor{Kind: okno.ActorCitizen, UserID: w.official}, InboxQuery{View: ViewOrg}, okno.EFORBIDDEN, ""},
			{"anonymous", okno.Actor{}, InboxQuery{View: ViewOrg}, okno.EFORBIDDEN, ""},
			{"system", okno.System, InboxQuery{View: ViewOrg}, okno.EFORBIDDEN, ""},
			{"staff acting for no organisation", w.staff(w.official, 0), InboxQuery{View: ViewOrg}, okno.EFORBIDDEN, ""},
			{"unknown view", official, InboxQuery{View: "everything"}, okno.EINVALID, "view"},
			{"not base64", official, InboxQuery{View: ViewOrg, After: "!!!"}, okno.EINVALID, "after"},
			{"tampered", official, InboxQuery{View: ViewOrg, After: first.Next[:len(first.Next)-4]}, okno.EINVALID, "after"},
			{"no id", official, InboxQuery{View: ViewOrg, After: b64("123")}, okno.EINVALID, "after"},
			{"a word for an id", official, InboxQuery{View: ViewOrg, After: b64("123.x")}, okno.EINVALID, "after"},
			{"a negative id", official, InboxQuery{View: ViewOrg, After: b64("123.-5")}, okno.EINVALID, "after"},
			{"long cursor", official, InboxQuery{View: ViewOrg, After: strings.Repeat("A", 100)}, okno.EINVALID, "after"},
			{"long search", official, InboxQuery{View: ViewOrg, Search: strings.Repeat("я", 201)}, okno.EINVALID, "q"},
			{"long state", official, InboxQuery{View: ViewOrg, State: strings.Repeat("s", 101)}, okno.EINVALID, "state"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := svc.Inbox(context.Background(), tt.as, tt.q)
				if got := okno.ErrorCodeOf(err); got != tt.code {
					t.Fatalf("code %q (%v), want %q", got, err, tt.code)
				}
				var fields []string
				for _, f := range okno.AsError(err).Fields {
					fields = append(fields, f.Field)
				}
				if tt.field != "" && (len(fields) != 1 || fields[0] != tt.field) {
					t.Errorf("fields %v, want [%s]", fields, tt.field)
				}
			})
		}
	})
}

func TestInboxFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := seedInbox(t, db)
		svc := ibService(db, w)
		official := w.staff(w.official, w.a, okno.RoleOfficial)
		outsider := w.staff(w.outsider, w.b, okno.RoleOfficial)
		tests := []struct {
			name string
			as   okno.Actor
			q    InboxQuery
			want []string
		}{
			{"state", official, InboxQuery{View: ViewOrg, State: "info"}, []string{"waiting", "rubbish"}},
			{"process", official, InboxQuery{View: ViewOrg, Process: "complaint"}, []string{"complaint"}},
			{"process and state", official, InboxQuery{View: ViewOrg, Process: "appeal", State: "review"}, []string{"pothole", "bench", "school"}},
			{"unknown process", official, InboxQuery{View: ViewOrg, Process: "nothing"}, []string{}},
			{"a word in lower case", official, InboxQuery{View: ViewOrg, Search: "яма"}, []string{"pothole", "school"}},
			{"a word in upper case", official, InboxQuery{View: ViewOrg, Search: "ЯМА"}, []string{"pothole", "school"}},
			{"two words", official, InboxQuery{View: ViewOrg, Search: "яма школы"}, []string{"school"}},
			{"words within a view", official, InboxQuery{View: ViewMine, Search: "яма"}, []string{"pothole"}},
			{"a number that is no reference; a percent sign is literal", official, InboxQuery{View: ViewOrg, Search: "100%"}, []string{"roof"}},
			{"a lone wildcard finds nothing", official, InboxQuery{View: ViewOrg, Search: "_"}, []string{}},
			{"a reference number", official, InboxQuery{View: ViewMine, Search: w.refs["bench"]}, []string{"bench"}},
			{"a reference escalated to me", official, InboxQuery{View: ViewMine, Search: w.refs["escalated"]}, []string{"escalated"}},
			{"a reference of another organisation", official, InboxQuery{View: ViewOrg, Search: w.refs["foreign"]}, []string{}},
			{"A's reference for B's staff", outsider, InboxQuery{View: ViewOrg, Search: w.refs["pothole"]}, []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := svc.Inbox(context.Background(), tt.as, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, w.names(p.Items)); diff != "" {
					t.Errorf("cases (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// TestInboxPlans proves on SQLite that every view reads its page through
// an index and scans no table: the query plans name the index each view
// is meant to use.
func TestInboxPlans(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := seedInbox(t, db)
	svc := ibService(db, w)
	ctx := context.Background()
	official := w.staff(w.official, w.a, okno.RoleOfficial)
	cursor := encodeInboxCursor(ibNow, 5)
	tests := []struct {
		q    InboxQuery
		want []string // indexes the plan must use
	}{
		{InboxQuery{View: ViewOrg}, []string{"cases_org_open"}},
		{InboxQuery{View: ViewOrg, After: cursor, State: "review", Process: "appeal", Search: "яма"}, []string{"cases_org_open"}},
		{InboxQuery{View: ViewMine, After: cursor}, []string{"cases_assignee", "cases_position"}},
		{InboxQuery{View: ViewUnassigned, After: cursor}, []string{"cases_unassigned"}},
		{InboxQuery{View: ViewDueToday, After: cursor}, []string{"cases_org_open"}},
		{InboxQuery{View: ViewOverdue, After: cursor}, []string{"cases_org_open"}},
		{InboxQuery{View: ViewEscalated, After: cursor}, []string{"cases_escalated"}},
		{InboxQuery{View: ViewClosed, After: cursor}, []string{"cases_org_closed"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.q.View), func(t *testing.T) {
			q, err := tt.q.normalise()
			if err != nil {
				t.Fatal(err)
			}
			plan, err := svc.inboxPlan(ctx, official, q)
			if err != nil {
				t.Fatal(err)
			}
			query, args := plan.sql(q.Limit + 1)
			wantIndexes(t, planOf(t, db, query, args), tt.want)
		})
	}
	t.Run("reference", func(t *testing.T) {
		query, args := inboxByRef(w.a, "2026-000001").sql(1)
		wantIndexes(t, planOf(t, db, query, args), []string{"cases_ref"})
	})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// planOf is SQLite's plan for query; it fails the test if the plan scans
// the cases table (or one of its indexes) from end to end.
func planOf(t *testing.T, db *sqldb.DB, query string, args []any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	plan := strings.Join(lines, "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "SCAN c ") || l == "SCAN c" {
			t.Errorf("the plan scans cases:\n%s", plan)
		}
	}
	return plan
}

// wantIndexes fails unless plan searches every index of want.
func wantIndexes(t *testing.T, plan string, want []string) {
	t.Helper()
	for _, ix := range want {
		if !strings.Contains(plan, "INDEX "+ix+" ") {
			t.Errorf("the plan does not search %s:\n%s", ix, plan)
		}
	}
}

func TestInboxProcesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := seedInbox(t, db)
		svc := ibService(db, w)
		vs, err := svc.InboxProcesses(context.Background(), w.staff(w.official, w.a, okno.RoleOfficial))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, v := range vs {
			names = append(names, v.Name)
		}
		if diff := cmp.Diff([]string{"appeal", "complaint"}, names); diff != "" {
			t.Errorf("processes (-want +got):\n%s", diff)
		}
		if _, err := svc.InboxProcesses(context.Background(), okno.Actor{Kind: okno.ActorCitizen, UserID: 1}); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("a citizen: %v, want forbidden", err)
		}
	})
}
