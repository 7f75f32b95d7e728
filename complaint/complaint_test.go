package complaint_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/complaint"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestFileOpensComplaintWithHistory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx, me := context.Background(), citizen(f.citizen)
		orig := f.refuse(f.apply(f.citizen, f.agency))
		f.clock.Add(time.Hour)

		got, err := f.s.File(ctx, me, complaint.Filing{CaseID: orig.ID, Grounds: []string{"unlawful_refusal", "deadline"},
			Text: "Мне отказали, хотя выписка была приложена к заявлению.", IdempotencyKey: "k1"})
		if err != nil {
			t.Fatalf("File: %v", err)
		}
		if got.OriginalCaseID != orig.ID || got.OriginalRef != orig.Ref || got.Ref == "" {
			t.Errorf("File = %+v, want a complaint about %d (%s)", got, orig.ID, orig.Ref)
		}
		if diff := cmp.Diff([]string{"deadline", "unlawful_refusal"}, got.Grounds); diff != "" {
			t.Errorf("grounds in the law's order (-want +got):\n%s", diff)
		}

		c, err := f.cases.Get(ctx, me, got.CaseID)
		if err != nil {
			t.Fatalf("the citizen sees their complaint: %v", err)
		}
		if c.Process != complaint.Process || c.Kind != process.KindComplaint || c.OrgID != f.district.ID {
			t.Errorf("complaint case = process %s kind %s org %d, want complaint at the district (%d), the agency's parent",
				c.Process, c.Kind, c.OrgID, f.district.ID)
		}
		period := calendar.Period{Days: 15, Unit: calendar.WorkingDays}
		if c.Legal.Period != period {
			t.Errorf("legal clock = %v, want 15 working days", c.Legal.Period)
		}
		if want := f.cal.Current().Start(c.CreatedAt, period).Due; !c.Legal.Due.Equal(want) || got.Due.Before(c.CreatedAt.AddDate(0, 0, 21)) {
			t.Errorf("legal due = %v (returned %v), want %v: 15 working days are at least three weeks", c.Legal.Due, got.Due, want)
		}
		wantGrounds := "п. 2 ст. 11.1 210-ФЗ: нарушение срока предоставления услуги; п. 5 ст. 11.1 210-ФЗ: отказ в предоставлении услуги по основаниям, не предусмотренным нормативными актами"
		if c.Data["original_ref"] != orig.Ref || c.Data["grounds"] != wantGrounds || c.Data["text"] != "Мне отказали, хотя выписка была приложена к заявлению." {
			t.Errorf("complaint data = %v, want the original's reference, the grounds in the law's words and the text", c.Data)
		}

		docs, err := f.cases.Documents(ctx, me, c.ID)
		if err != nil || len(docs) != 1 {
			t.Fatalf("documents = %v, %v; want the history", docs, err)
		}
		_, pdf, err := f.cases.ReadDocument(ctx, staff(f.controller, f.district, okno.RoleController), c.ID, docs[0].ID, false)
		if err != nil {
			t.Fatalf("the controlling body reads the history: %v", err)
		}
		if blob.Sniff(pdf) != blob.PDF {
			t.Errorf("history is %s, want a PDF", blob.Sniff(pdf))
		}
		checkXref(t, pdf)
		text := pdfText(t, pdf)
		for _, want := range []string{"История дела № " + orig.Ref, "Дело: Разрешение на парковку", "Организация: Жилищное агентство",
			"Зарегистрировано: 02.03.2026 10:00 МСК", "Отказать → «Отказано»", "Не представлена выписка из домовой книги", "Сотрудник: Жилищное агентство"} {
			if !strings.Contains(text, want) {
				t.Errorf("history lacks %q:\n%s", want, text)
			}
		}
		for _, never := range []string{"внутренняя заметка", "112-233-445 95"} {
			if strings.Contains(text, never) {
				t.Errorf("history shows %q (an internal note or personal data):\n%s", never, text)
			}
		}

		list, err := f.s.Of(ctx, me, orig.ID)
		if err != nil || len(list) != 1 || list[0].CaseID != c.ID || list[0].Ref != c.Ref {
			t.Errorf("Of(original) = %+v, %v; want the complaint", list, err)
		}
		link, err := f.s.Original(ctx, staff(f.controller, f.district, okno.RoleController), c.ID)
		if err != nil || link.OriginalCaseID != orig.ID || link.FiledBy != f.citizen {
			t.Errorf("Original = %+v, %v; want case %d filed by %d", link, err, orig.ID, f.citizen)
		}
		if _, err := f.s.Original(ctx, me, orig.ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Original of a case that is no complaint: %v, want not found", err)
		}

		events, err := f.cases.Timeline(ctx, me, orig.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if last.Kind != complaint.EventFiled || !last.CitizenVisible || last.Comment != "№ "+c.Ref {
			t.Errorf("the original's last event = %+v, want «Подана жалоба № %s» shown to the citizen", last, c.Ref)
		}
	})
}

func TestControllingBody(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		named := f.apply(f.citizen, f.agency)
		f.apps[named.ID] = catalog.Service{Code: "parking", ComplaintOrgID: f.committee.ID}
		unnamed := f.apply(f.citizen, f.agency)
		f.apps[unnamed.ID] = catalog.Service{Code: "trees"}
		tests := []struct {
			name string
			c    casework.Case
			want int64
		}{
			{"the service names its controlling body", named, f.committee.ID},
			{"the service names none: the higher body", unnamed, f.district.ID},
			{"no catalogue service: the higher body", f.apply(f.citizen, f.district), f.region.ID},
			{"nobody above: the body itself", f.apply(f.citizen, f.region), f.region.ID},
		}
		for _, tt := range tests {
			got, err := f.s.File(ctx, citizen(f.citizen), complaint.Filing{CaseID: tt.c.ID, Grounds: []string{"deadline"},
				Text: "Срок рассмотрения давно истёк."})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			c, err := f.cases.Get(ctx, okno.System, got.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if c.OrgID != tt.want {
				t.Errorf("%s: complaint went to %d, want %d", tt.name, c.OrgID, tt.want)
			}
		}
	})
}

func TestFileRefusals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		orig := f.apply(f.citizen, f.agency)
		ok := complaint.Filing{CaseID: orig.ID, Grounds: []string{"deadline"}, Text: "Срок рассмотрения давно истёк."}
		first, err := f.s.File(ctx, citizen(f.citizen), ok)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			actor okno.Actor
			in    complaint.Filing
			code  okno.ErrorCode
		}{
			{"another citizen's case", citizen(f.citizen2), ok, okno.ENOTFOUND},
			{"a case that does not exist", citizen(f.citizen), complaint.Filing{CaseID: orig.ID + 1000, Grounds: ok.Grounds, Text: ok.Text}, okno.ENOTFOUND},
			{"staff", staff(f.official, f.agency, okno.RoleOfficial), ok, okno.EFORBIDDEN},
			{"anonymous", okno.Actor{}, ok, okno.EUNAUTHORIZED},
			{"a complaint about a complaint", citizen(f.citizen), complaint.Filing{CaseID: first.CaseID, Grounds: ok.Grounds, Text: ok.Text}, okno.EFORBIDDEN},
		}
		for _, tt := range tests {
			_, err := f.s.File(ctx, tt.actor, tt.in)
			if !okno.IsCode(err, tt.code) {
				t.Errorf("%s: err = %v, want %s", tt.name, err, tt.code)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM complaints`); n != 1 {
			t.Errorf("%d complaints, want the first only", n)
		}
	})
}

func TestFileBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		orig := f.apply(f.citizen, f.agency)
		text := "Срок рассмотрения давно истёк."
		tests := []struct {
			name    string
			grounds []string
			text    string
			want    []okno.FieldError
		}{
			{"no grounds", nil, text, []okno.FieldError{{Field: "grounds", Key: "complaint.grounds_required"}}},
			{"unknown ground", []string{"deadline", "<script>"}, text, []okno.FieldError{{Field: "grounds", Key: "complaint.ground_unknown"}}},
			{"more grounds than the law has", []string{"deadline", "deadline", "deadline", "deadline", "deadline", "deadline",
				"deadline", "deadline", "deadline", "deadline", "deadline"}, text, []okno.FieldError{{Field: "grounds", Key: "complaint.ground_unknown"}}},
			{"no text", []string{"deadline"}, "   ", []okno.FieldError{{Field: "text", Key: "complaint.text_required"}}},
			{"short text", []string{"deadline"}, "плохо", []okno.FieldError{{Field: "text", Key: "complaint.text_short", Args: []any{complaint.MinText}}}},
			{"long text", []string{"deadline"}, strings.Repeat("я", complaint.MaxText+1), []okno.FieldError{{Field: "text", Key: "complaint.text_long", Args: []any{complaint.MaxText}}}},
			{"bad encoding", []string{"deadline"}, "срок \xff\xfe истёк давно", []okno.FieldError{{Field: "text", Key: "complaint.text_encoding"}}},
			{"both", nil, "", []okno.FieldError{{Field: "text", Key: "complaint.text_required"}, {Field: "grounds", Key: "complaint.grounds_required"}}},
		}
		for _, tt := range tests {
			_, err := f.s.File(ctx, citizen(f.citizen), complaint.Filing{CaseID: orig.ID, Grounds: tt.grounds, Text: tt.text})
			var oe *okno.Error
			if !errors.As(err, &oe) || oe.Code != okno.EINVALID {
				t.Errorf("%s: err = %v, want invalid", tt.name, err)
				continue
			}
			if diff := cmp.Diff(tt.want, oe.Fields); diff != "" {
				t.Errorf("%s: field errors (-want +got):\n%s", tt.name, diff)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM cases WHERE kind = 'complaint'`); n != 0 {
			t.Errorf("%d complaint cases after bad input, want none", n)
		}
		if n := f.count(`SELECT version FROM cases WHERE id = ?`, orig.ID); int64(n) != orig.Version {
			t.Errorf("original's version = %d, want %d: nothing recorded", n, orig.Version)
		}
	})
}

func TestFileTwiceIsOne(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx, me := context.Background(), citizen(f.citizen)
		orig := f.apply(f.citizen, f.agency)
		for _, key := range []string{"form-token-1", ""} {
			in := complaint.Filing{CaseID: orig.ID, Grounds: []string{"deadline"}, Text: "Срок истёк: " + key, IdempotencyKey: key}
			a, err := f.s.File(ctx, me, in)
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Add(time.Second)
			b, err := f.s.File(ctx, me, in)
			if err != nil {
				t.Fatal(err)
			}
			if a.CaseID != b.CaseID || a.Ref != b.Ref {
				t.Errorf("key %q: a double submit filed %d and %d, want one", key, a.CaseID, b.CaseID)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM complaints`); n != 2 {
			t.Errorf("%d complaints, want 2 (one per key)", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM cases WHERE kind = 'complaint'`); n != 2 {
			t.Errorf("%d complaint cases, want 2", n)
		}
		if n := f.count(`SELECT version FROM cases WHERE id = ?`, orig.ID); int64(n) != orig.Version+2 {
			t.Errorf("original's version = %d, want %d: one event per complaint", n, orig.Version+2)
		}
	})
}
