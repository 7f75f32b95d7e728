package instant_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/instant"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

const nbsp = "\u00a0"

// TestRules runs each rule on the demo registry: a record found, nothing
// found, and bad input (refused with the field named, nothing recorded).
func TestRules(t *testing.T) {
	type who int
	const (
		petr who = iota
		anna
		other
	)
	tests := []struct {
		name      string
		who       who
		code      string
		data      map[string]any
		status    instant.Status
		title     string
		facts     map[string]string
		cert      bool
		errCode   okno.ErrorCode
		errFields []string
	}{
		{name: "fines of a vehicle", code: "traffic-fines", data: map[string]any{"vehicle": map[string]any{"stsSeries": "78 УВ", "stsNumber": "123456"}},
			status: instant.StatusFound, title: "Неоплаченные штрафы", facts: map[string]string{
				"Неоплаченных штрафов": "2", "Сумма штрафов": "1" + nbsp + "500,00" + nbsp + "₽", "К оплате со скидкой": "1" + nbsp + "250,00" + nbsp + "₽"}},
		{name: "fines typed on a Latin keyboard", code: "traffic-fines", data: map[string]any{"vehicle": map[string]any{"stsSeries": "78yb", "stsNumber": "123456"}},
			status: instant.StatusFound, title: "Неоплаченные штрафы", facts: map[string]string{"Неоплаченных штрафов": "2"}},
		{name: "fines of a licence and a vehicle, once each", code: "traffic-fines",
			data:   map[string]any{"licence": "78 01 123456", "vehicle": map[string]any{"stsSeries": "78УВ", "stsNumber": "123456"}},
			status: instant.StatusFound, title: "Неоплаченные штрафы", facts: map[string]string{"Неоплаченных штрафов": "4"}},
		{name: "a fine on its discount's last day", code: "traffic-fines", data: map[string]any{"licence": "7801123456"},
			status: instant.StatusFound, title: "Неоплаченные штрафы", facts: map[string]string{"Неоплаченных штрафов": "3"}},
		{name: "only paid fines", code: "traffic-fines", data: map[string]any{"vehicle": map[string]any{"stsSeries": "47 ОО", "stsNumber": "000001"}},
			status: instant.StatusNone, title: "Неоплаченных штрафов нет"},
		{name: "a vehicle the registry does not know", code: "traffic-fines", data: map[string]any{"vehicle": map[string]any{"stsSeries": "99 АА", "stsNumber": "000000"}},
			status: instant.StatusNone, title: "Неоплаченных штрафов нет"},
		{name: "fines without a document", code: "traffic-fines", data: map[string]any{},
			errCode: okno.EINVALID, errFields: []string{"/sts"}},
		{name: "fines with a wrong number", code: "traffic-fines", data: map[string]any{"vehicle": map[string]any{"stsSeries": "78 УВ", "stsNumber": "12345"}},
			errCode: okno.EINVALID, errFields: []string{"/vehicle/stsNumber"}},
		{name: "fines with a short licence", code: "traffic-fines", data: map[string]any{"licence": "78 01"},
			errCode: okno.EINVALID, errFields: []string{"/licence"}},

		{name: "no debt", code: "no-debt", data: map[string]any{"account": "1234567890"}, cert: true,
			status: instant.StatusFound, title: "Справка об отсутствии задолженности за жилищно-коммунальные услуги",
			facts: map[string]string{"Задолженность": "задолженности нет", "Дата, на которую выдана справка": "22.11.2026"}},
		{name: "a debt at a date", code: "no-debt", data: map[string]any{"account": "2345678901", "date": "2026-11-01"}, cert: true,
			status: instant.StatusFound, title: "Справка о наличии задолженности за жилищно-коммунальные услуги",
			facts: map[string]string{"Задолженность": "4" + nbsp + "321,50" + nbsp + "₽", "Дата, на которую выдана справка": "01.11.2026"}},
		{name: "an account the registry does not know", code: "no-debt", data: map[string]any{"account": "9999999999"},
			status: instant.StatusNone, title: "Лицевой счёт не найден"},
		{name: "a debt in the future", code: "no-debt", data: map[string]any{"account": "1234567890", "date": "2027-01-01"},
			errCode: okno.EINVALID, errFields: []string{"/date"}},
		{name: "a debt without an account", code: "no-debt", data: map[string]any{"account": "  "},
			errCode: okno.EINVALID, errFields: []string{"/account"}},

		{name: "a child in the queue", who: anna, code: "kindergarten-queue-status",
			data:   map[string]any{"child": map[string]any{"certificateSeries": "IV-АК", "certificateNumber": "123456"}},
			status: instant.StatusFound, title: "Место в очереди в детский сад",
			facts: map[string]string{"Место в очереди": "12 из 140", "Ребёнок": "Смирнова Алиса Андреевна", "Желаемый год зачисления": "2027"}},
		{name: "a child not in the queue", who: anna, code: "kindergarten-queue-status",
			data:   map[string]any{"child": map[string]any{"certificateSeries": "I-АБ", "certificateNumber": "000000"}},
			status: instant.StatusNone, title: "Ребёнок не найден в очереди в детский сад"},
		{name: "a birth certificate in Latin letters", who: anna, code: "kindergarten-queue-status",
			data:    map[string]any{"child": map[string]any{"certificateSeries": "IV-AK", "certificateNumber": "123456"}},
			errCode: okno.EINVALID, errFields: []string{"/child/certificateSeries"}},

		{name: "in the housing queue, SNILS from the profile", code: "housing-queue-status", data: map[string]any{}, cert: true,
			status: instant.StatusFound, title: "Справка о статусе в очереди на жильё",
			facts: map[string]string{"Номер в очереди": "1234", "На учёте с": "10.03.2015", "Категория": "общая очередь"}},
		{name: "not in the housing queue", who: other, code: "housing-queue-status", data: map[string]any{},
			status: instant.StatusNone, title: "Вы не состоите на учёте нуждающихся в жилых помещениях"},
		{name: "the housing queue of someone else", code: "housing-queue-status", data: map[string]any{"snils": otherSNILS},
			errCode: okno.EINVALID, errFields: []string{"/snils"}},
		{name: "the housing queue below the service's level", who: anna, code: "housing-queue-status", data: map[string]any{},
			errCode: okno.EFORBIDDEN},

		{name: "an application service", code: "applied", data: map[string]any{}, errCode: okno.ENOTFOUND},
		{name: "no such service", code: "nothing", data: map[string]any{}, errCode: okno.ENOTFOUND},
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, instant.Limits{})
		actors := map[who]okno.Actor{petr: f.petr, anna: f.anna, other: f.other}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, entries := f.count(t, "instant_requests"), len(f.audit.Entries())
				res, err := f.svc.Run(context.Background(), actors[tt.who], tt.code, tt.data)
				if tt.errCode != "" {
					if got := okno.ErrorCodeOf(err); got != tt.errCode {
						t.Fatalf("error %v (%s), want %s", err, got, tt.errCode)
					}
					if diff := cmp.Diff(tt.errFields, fieldsOf(err)); diff != "" {
						t.Errorf("fields named (-want +got):\n%s", diff)
					}
					if got := f.count(t, "instant_requests"); got != before || len(f.audit.Entries()) != entries {
						t.Errorf("a refused request was recorded: %d requests, was %d", got, before)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != tt.status || res.Title["ru"] != tt.title || !res.Demo || res.ID == 0 {
					t.Errorf("got %s %q demo=%v id=%d, want %s %q demo", res.Status, res.Title["ru"], res.Demo, res.ID, tt.status, tt.title)
				}
				for label, want := range tt.facts {
					if got := fact(res, label); got != want {
						t.Errorf("%s: got %q, want %q", label, got, want)
					}
				}
				if tt.cert != (res.Reference != "") || tt.cert != res.Certificate {
					t.Errorf("certificate %v, reference %q; want a certificate: %v", res.Certificate, res.Reference, tt.cert)
				}
				if got := f.count(t, "instant_requests"); got != before+1 {
					t.Errorf("%d requests recorded, want %d", got, before+1)
				}
				es := f.audit.Entries()
				if len(es) != entries+1 || es[len(es)-1].Action != "instant.request" || es[len(es)-1].Actor != actors[tt.who].Ref() {
					t.Errorf("audit entries: %+v", es[entries:])
				}
			})
		}
	})
}

// TestFinesDiscountCountdown: the discount's deadline is counted in the
// region's days, its last day says so, and an article without the
// discount says that instead.
func TestFinesDiscountCountdown(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, instant.Limits{})
		res, err := f.svc.Run(context.Background(), f.petr, "traffic-fines", map[string]any{"licence": "7801123456"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range res.Sections {
			for _, fc := range s.Facts {
				if fc.Label["ru"] == "Скидка 50 %" {
					got = append(got, fc.Value["ru"])
				}
			}
		}
		want := []string{
			"до 06.12.2026 включительно, осталось 14 дней",
			"до 22.11.2026 включительно, сегодня последний день",
			"не применяется к этой статье",
		}
		// Oldest decision first: the no-discount fine (15 days ago) sits
		// between the last day (20) and the recent one (6).
		want = []string{want[1], want[2], want[0]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("discounts (-want +got):\n%s", diff)
		}
		if got := fact(res, "К оплате со скидкой"); got != "30"+nbsp+"750,00"+nbsp+"₽" {
			t.Errorf("to pay: %q", got)
		}
	})
}

// TestInvalidRecordsNothing: data the declaration refuses is refused with
// every field named, in both languages, and nothing is recorded or audited.
func TestInvalidRecordsNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, instant.Limits{})
		for _, data := range []map[string]any{
			{"child": map[string]any{"certificateSeries": "<script>", "certificateNumber": "1' OR 1=1"}},
			{"child": "Алиса"},
			{"extra": true},
		} {
			_, err := f.svc.Run(context.Background(), f.anna, "kindergarten-queue-status", data)
			var p instant.Problems
			if !okno.IsCode(err, okno.EINVALID) || !errors.As(err, &p) || len(p) == 0 || p[0].Field == "" {
				t.Errorf("%v: error %v, problems %v", data, err, p)
			}
		}
		if n := f.count(t, "instant_requests"); n != 0 || len(f.audit.Entries()) != 0 {
			t.Errorf("invalid requests recorded: %d rows, %d audit entries", n, len(f.audit.Entries()))
		}
	})
}

// TestRateLimit: a citizen may ask a service so many times an hour; the
// limit is per citizen and per service, and passes with the hour.
func TestRateLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, instant.Limits{PerHour: 2})
		ctx := context.Background()
		ask := func(who okno.Actor, code string) error {
			_, err := f.svc.Run(ctx, who, code, map[string]any{"account": "1234567890"})
			return err
		}
		for i := range 2 {
			if err := ask(f.petr, "no-debt"); err != nil {
				t.Fatalf("request %d: %v", i+1, err)
			}
			f.now = f.now.Add(time.Minute)
		}
		err := ask(f.petr, "no-debt")
		if !okno.IsCode(err, okno.ERATELIMITED) {
			t.Fatalf("third request: %v, want rate_limited", err)
		}
		if diff := cmp.Diff([]any{2, "13:00"}, okno.AsError(err).Args); diff != "" {
			t.Errorf("args (-want +got):\n%s", diff)
		}
		if err := ask(f.anna, "no-debt"); err != nil {
			t.Errorf("another citizen: %v", err)
		}
		if err := ask(f.petr, "water-meters"); okno.IsCode(err, okno.ERATELIMITED) {
			t.Errorf("another service: %v", err)
		}
		f.now = start.Add(time.Hour + time.Second)
		if err := ask(f.petr, "no-debt"); err != nil {
			t.Errorf("an hour later: %v", err)
		}
	})
}

// TestNoRegistry: without a registry nothing is answered or recorded.
func TestNoRegistry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, instant.Limits{})
		svc := instant.New(instant.Deps{DB: db, Catalog: f.cat, Profiles: profiles{}, Now: func() time.Time { return f.now }})
		_, err := svc.Run(context.Background(), f.petr, "no-debt", map[string]any{"account": "1234567890"})
		if !errors.Is(err, instant.ErrNoRegistry) || svc.Connected() || svc.Demo() {
			t.Errorf("got %v, connected %v", err, svc.Connected())
		}
		if !f.svc.Connected() || !f.svc.Demo() || len(f.svc.Examples("fines")) == 0 {
			t.Errorf("the demo registry: connected %v, demo %v, examples %v", f.svc.Connected(), f.svc.Demo(), f.svc.Examples("fines"))
		}
	})
}

// TestHistory: the citizen's requests newest first in keyset pages,
// results sealed at rest; another citizen sees none of them.
func TestHistory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, instant.Limits{})
		ctx := context.Background()
		var ids []int64
		for _, acc := range []string{"1234567890", "2345678901", "9999999999"} {
			res, err := f.svc.Run(ctx, f.petr, "no-debt", map[string]any{"account": acc})
			if err != nil {
				t.Fatal(err)
			}
			ids = append([]int64{res.ID}, ids...)
			f.now = f.now.Add(time.Second)
		}
		var got []int64
		after := ""
		for range 3 {
			p, err := f.svc.History(ctx, f.petr, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Items {
				got = append(got, r.ID)
			}
			if after = p.Next; after == "" {
				break
			}
		}
		if diff := cmp.Diff(ids, got); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		r, err := f.svc.Request(ctx, f.petr, ids[1])
		if err != nil || r.Result.Facts == nil || r.Reference == "" || r.Result.Reference != r.Reference || !r.Result.Demo {
			t.Errorf("request %d: %+v, %v", ids[1], r, err)
		}
		if _, err := f.svc.Request(ctx, f.anna, ids[1]); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("another citizen's request: %v", err)
		}
		if p, err := f.svc.History(ctx, f.anna, "", 10); err != nil || len(p.Items) != 0 {
			t.Errorf("another citizen's history: %v %v", p, err)
		}
		if _, err := f.svc.History(ctx, f.petr, "garbage!", 10); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("a bad cursor: %v", err)
		}
		rows, err := db.QueryContext(ctx, `SELECT result_enc FROM instant_requests`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("Невский")) || bytes.Contains(b, []byte("1234567890")) {
				t.Errorf("a result is stored in the clear")
			}
		}
	})
}
