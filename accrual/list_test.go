package accrual

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// organisation makes an organisation row and returns its ID.
func (f *fixture) organisation(t *testing.T, name string) int64 {
	t.Helper()
	ctx := context.Background()
	now := f.clock.Now()
	var id int64
	if err := f.db.InTx(ctx, func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO organisations (kind, name, created_at, updated_at)
			VALUES ('committee', ?, ?, ?) RETURNING id`, name, now, now).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func staffOf(org int64, roles ...okno.Role) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: org, Roles: roles}
}

func TestViewScope(t *testing.T) {
	tests := []struct {
		name    string
		actor   okno.Actor
		all     bool
		org     int64
		refused bool
	}{
		{"system", okno.System, true, 0, false},
		{"administrator", staffOf(7, okno.RoleAdmin), true, 0, false},
		{"official", staffOf(7, okno.RoleOfficial), false, 7, false},
		{"supervisor", staffOf(7, okno.RoleSupervisor), false, 7, false},
		{"operator", staffOf(7, okno.RoleOperator), false, 0, true},
		{"staff acting for none", staffOf(0, okno.RoleAdmin), false, 0, true},
		{"API key", okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 3, OrgID: 7}, false, 7, false},
		{"API key of no organisation", okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 3}, false, 0, true},
		{"citizen", okno.Actor{Kind: okno.ActorCitizen, UserID: 1}, false, 0, true},
		{"anonymous", okno.Actor{}, false, 0, true},
	}
	for _, tt := range tests {
		all, org, err := viewScope(tt.actor)
		if all != tt.all || org != tt.org || (err != nil) != tt.refused {
			t.Errorf("%s: viewScope = %v, %d, %v; want %v, %d, refused %v", tt.name, all, org, err, tt.all, tt.org, tt.refused)
		}
		if err != nil && okno.ErrorCodeOf(err) != okno.EFORBIDDEN {
			t.Errorf("%s: code %s, want forbidden", tt.name, okno.ErrorCodeOf(err))
		}
	}
}

func TestListAndGet(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a, b := f.organisation(t, "Комитет А"), f.organisation(t, "Комитет Б")
		payer := f.citizen(t)
		var fees []string // УИНs of A's fees, oldest first
		for i, org := range []int64{a, b, a, a, b} {
			x, err := f.svc.Issue(ctx, okno.System, Draft{Fee: "duty", Payer: Payer{UserID: payer.UserID}, PayeeOrgID: org,
				Purpose: "Госпошлина " + string(rune('А'+i)), Amount: int64(1000 * (i + 1))})
			if err != nil {
				t.Fatal(err)
			}
			if org == a {
				fees = append(fees, x.UIN)
			}
		}
		// One fine from the traffic police, payee none of ours; one
		// annulled.
		if _, err := f.push(t, "gibdd", gibddSecret, fine(1, "9912345678"), fine(2, "9912345678")); err != nil {
			t.Fatal(err)
		}
		annul := fine(2, "9912345678")
		annul.Kind, annul.Seq = ChangeAnnul, 2
		if _, err := f.push(t, "gibdd", gibddSecret, annul); err != nil {
			t.Fatal(err)
		}

		uins := func(p Page) []string {
			var out []string
			for _, x := range p.Accruals {
				out = append(out, x.UIN)
			}
			return out
		}
		official := staffOf(a, okno.RoleOfficial)
		admin := staffOf(b, okno.RoleAdmin)
		tests := []struct {
			name  string
			actor okno.Actor
			f     Filter
			want  []string
		}{
			{"official: their organisation's, newest first", official, Filter{}, []string{fees[2], fees[1], fees[0]}},
			{"official: another organisation asked for is ignored", official, Filter{OrgID: b}, []string{fees[2], fees[1], fees[0]}},
			{"official: fines of a source they have none of", official, Filter{Source: "gibdd"}, nil},
			{"official: own source", official, Filter{Source: OwnSource, Status: StatusNew}, []string{fees[2], fees[1], fees[0]}},
			{"administrator: annulled anywhere", admin, Filter{Status: StatusAnnulled}, []string{uin(2)}},
			{"administrator: fines", admin, Filter{Source: "gibdd"}, []string{uin(2), uin(1)}},
			{"administrator: one organisation", admin, Filter{OrgID: a, Status: StatusNew}, []string{fees[2], fees[1], fees[0]}},
			{"API key: its organisation's", okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 1, OrgID: a}, Filter{}, []string{fees[2], fees[1], fees[0]}},
		}
		for _, tt := range tests {
			p, err := f.svc.List(ctx, tt.actor, tt.f, "", 0)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, uins(p)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}

		// Keyset pages of two walk all seven without repeats.
		var all []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pages do not end")
			}
			p, err := f.svc.List(ctx, admin, Filter{}, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, uins(p)...)
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		if len(all) != 7 || all[0] != uin(2) || all[6] != fees[0] {
			t.Errorf("pages: %v", all)
		}

		// Bad filters name their fields.
		_, err := f.svc.List(ctx, admin, Filter{Status: "lost", Source: "mars"}, "garbage", 0)
		if diff := cmp.Diff([]string{"status=accrual.status_unknown", "source=accrual.source_unknown", "cursor=accrual.cursor_invalid"}, fieldKeys(err)); diff != "" {
			t.Errorf("bad filters (-want +got):\n%s", diff)
		}
		if _, err := f.svc.List(ctx, payer, Filter{}, "", 0); okno.ErrorCodeOf(err) != okno.EFORBIDDEN {
			t.Errorf("a citizen's list: %v, want forbidden", err)
		}

		// Get: the payee's staff and administrators see it; another
		// organisation's official is told it does not exist.
		for _, tt := range []struct {
			name  string
			actor okno.Actor
			code  okno.ErrorCode
		}{
			{"official of the payee", official, ""},
			{"administrator elsewhere", admin, ""},
			{"official elsewhere", staffOf(b, okno.RoleOfficial), okno.ENOTFOUND},
			{"operator of the payee", staffOf(a, okno.RoleOperator), okno.EFORBIDDEN},
		} {
			x, err := f.svc.Get(ctx, tt.actor, fees[0])
			if okno.ErrorCodeOf(err) != tt.code {
				t.Errorf("%s: Get: %v, want code %q", tt.name, err, tt.code)
			}
			if err == nil && (x.UIN != fees[0] || x.PayeeOrgID != a || x.Payer.Licence != "") {
				t.Errorf("%s: Get = %+v", tt.name, x)
			}
		}
		if _, err := f.svc.Get(ctx, admin, uin(99)); okno.ErrorCodeOf(err) != okno.ENOTFOUND {
			t.Errorf("an unknown УИН: %v, want not found", err)
		}
	})
}

func TestSources(t *testing.T) {
	f := &fixture{svc: New(Deps{Sources: []Source{{Code: "gibdd", Name: "ГИБДД", Secret: []byte("s")}, {Code: "ampp", Name: "Парковки", OrgID: 4}}})}
	want := []SourceInfo{{Code: "ampp", Name: "Парковки", OrgID: 4}, {Code: "gibdd", Name: "ГИБДД"}}
	if diff := cmp.Diff(want, f.svc.Sources()); diff != "" {
		t.Errorf("Sources (-want +got):\n%s", diff)
	}
	if !f.svc.HasSource("gibdd") || f.svc.HasSource("mars") || f.svc.HasSource("") {
		t.Error("HasSource disagrees with the sources")
	}
}

func TestReceipts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		payer := f.citizen(t)
		a, err := f.svc.Issue(ctx, okno.System, Draft{Fee: "duty", Payer: Payer{UserID: payer.UserID}, Purpose: "Госпошлина", Amount: 30000})
		if err != nil {
			t.Fatal(err)
		}
		none, err := f.svc.Receipts(ctx, a)
		if err != nil || len(none) != 0 {
			t.Fatalf("receipts before any payment: %v, %v", none, err)
		}
		for _, p := range []struct {
			ref    string
			amount int64
		}{{"okno-payment:1", 10000}, {"okno-payment:2", 20000}, {"okno-payment:1", 10000}} {
			if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
				_, err := f.svc.MarkPaidTx(ctx, tx, a.UIN, p.amount, p.ref)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.svc.Receipts(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, r := range got {
			refs = append(refs, r.Ref+" "+strconv.FormatInt(r.Amount, 10))
		}
		if diff := cmp.Diff([]string{"okno-payment:1 10000", "okno-payment:2 20000"}, refs); diff != "" {
			t.Errorf("receipts (-want +got):\n%s", diff)
		}
	})
}

// BenchmarkList reads the first and a deep page of the back office's
// list over 40,000 fines of two issuers (one payee organisation each) on
// SQLite, per filter.
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	db := storetest.OpenSQLite(b)
	f := newFixtureTB(b, db)
	orgs := [2]int64{}
	for i := range orgs {
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO organisations (kind, name, created_at, updated_at)
				VALUES ('committee', ?, ?, ?) RETURNING id`, fmt.Sprint("Орган ", i), f.clock.Now(), f.clock.Now()).Scan(&orgs[i])
		}); err != nil {
			b.Fatal(err)
		}
	}
	f.svc = New(Deps{DB: db, Sealer: f.keys, Audit: f.audit, Now: f.clock.Now, BatchSize: 5000,
		Sources: []Source{{Code: "gibdd", Name: "ГИБДД", OrgID: orgs[0]}, {Code: "ampp", Name: "Парковки", OrgID: orgs[1]}}})
	const n = 20000
	for k, src := range []string{"gibdd", "ampp"} {
		var file bytes.Buffer
		for i := range n {
			kind := "new"
			if i%10 == 0 {
				kind = "annul"
			}
			fmt.Fprintf(&file, `{"uin":%q,"kind":%q,"seq":1,"licence":"99 00 %06d","amount":50000,"decision_date":"2026-03-09"}`+"\n",
				uin(int64(k*n+i+1)), kind, i%7000)
		}
		if _, err := f.svc.ImportFile(ctx, okno.System, src, &file, nil); err != nil {
			b.Fatal(err)
		}
	}
	official := staffOf(orgs[1], okno.RoleOfficial)
	admin := staffOf(orgs[0], okno.RoleAdmin)
	for _, bc := range []struct {
		name  string
		actor okno.Actor
		f     Filter
	}{
		{"organisation", official, Filter{}},
		{"organisation+status", official, Filter{Status: StatusAnnulled}},
		{"status", admin, Filter{Status: StatusAnnulled}},
		{"all", admin, Filter{}},
		{"source", admin, Filter{Source: "ampp"}},
	} {
		deep := ""
		for range 50 { // the cursor of the 51st page
			p, err := f.svc.List(ctx, bc.actor, bc.f, deep, 20)
			if err != nil {
				b.Fatal(err)
			}
			deep = p.Next
		}
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				for _, c := range []string{"", deep} {
					if p, err := f.svc.List(ctx, bc.actor, bc.f, c, 20); err != nil || len(p.Accruals) != 20 {
						b.Fatalf("%d, %v", len(p.Accruals), err)
					}
				}
			}
		})
	}
}
