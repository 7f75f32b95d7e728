package accrual

import (
	"bytes"
	"context"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// fuzzDBs are the databases a fuzz target runs on: SQLite, and PostgreSQL
// too when OKNO_TEST_POSTGRES is set and the seeds are replayed as a test
// (go test); fuzzing itself (-fuzz) stays on SQLite, whose speed it needs.
func fuzzDBs(f *testing.F) []*sqldb.DB {
	dbs := []*sqldb.DB{storetest.OpenSQLite(f)}
	if fl := flag.Lookup("test.fuzz"); os.Getenv(storetest.PostgresEnv) != "" && (fl == nil || fl.Value.String() == "") {
		dbs = append(dbs, storetest.OpenPostgres(f))
	}
	return dbs
}

// fuzzCatalog loads the message catalogue for a fuzz target.
func fuzzCatalog(f *testing.F) *i18n.Catalog {
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	return cat
}

// checkRefusal fails unless err is an EINVALID okno error whose key and
// field keys are in the catalogue: the 400 an issuer can act on. Bad
// input is never an internal error. A problem may name no field only when
// wholeRecord allows it: a file's line that is not JSON is refused whole,
// and its line number names it.
func checkRefusal(t *testing.T, cat *i18n.Catalog, err error, wholeRecord bool) {
	t.Helper()
	e := okno.AsError(err)
	if e.Code != okno.EINVALID || !cat.Has(e.Key) {
		t.Fatalf("%v: want an invalid error with a catalogue key", err)
	}
	for _, fe := range e.Fields {
		if (fe.Field == "" && !wholeRecord) || !cat.Has(fe.Key) {
			t.Fatalf("field problem %+v has no field or no catalogue key", fe)
		}
	}
}

// fuzzRecords are seeds: good fines, their changes, and near misses.
var fuzzRecords = []string{
	`{"uin":"` + uin(1) + `","kind":"new","seq":1,"licence":"9912345678","amount":50000,"decision_date":"2026-03-09","article":"12.9.2"}`,
	`{"uin":"` + uin(1) + `","kind":"clarify","seq":2,"licence":"9912345678","amount":30000,"discount_percent":50,"discount_until":"2026-03-29","decision_date":"2026-03-09"}`,
	`{"uin":"` + uin(2) + `","kind":"new","changed_at":"2026-03-09T10:00:00+03:00","sts":"78УК123456","amount":1,"decision_date":"2026-03-09","place":"Невский пр., 1"}`,
	`{"uin":"` + uin(1) + `","kind":"annul","seq":3,"licence":"9912345678","amount":50000,"decision_date":"2026-03-09"}`,
	`{"uin":"` + uin(3) + `","kind":"new","licence":"9912345678","amount":50000,"discount_amount":60000,"decision_date":"2026-02-30"}`,
	`{"uin":"1881017800000000001","kind":"new","amount":-5,"decision_date":""}`,
	`{"uin":"` + uin(4) + `","kind":"new","licence":"12","amount":99999999999999,"decision_date":"2026-03-09","extra":1}`,
	`{"uin":"` + uin(5) + `","kind":"mystery","seq":-1,"licence":"9912345678","amount":100,"decision_date":"2026-03-09"} {}`,
}

// FuzzPush pushes any signed body from a known source to a real service on
// SQLite. It never panics; a refusal is EINVALID naming the fields with
// catalogue keys; an accepted push counts every record it was sent, and
// the same body pushed again is a replay that changes nothing.
func FuzzPush(f *testing.F) {
	cat := fuzzCatalog(f)
	var fxs []*fixture
	for _, db := range fuzzDBs(f) {
		fxs = append(fxs, newFixtureTB(f, db))
	}
	ctx := context.Background()
	f.Add([]byte(strings.Join(fuzzRecords[:3], "\n")))
	f.Add([]byte("[" + strings.Join(fuzzRecords[:2], ",") + "]"))
	for _, r := range fuzzRecords {
		f.Add([]byte(r))
	}
	f.Add([]byte("[]"))
	f.Add([]byte("\n\n \n"))
	f.Add([]byte(`[{"uin":1},null,"x"]`))
	f.Add([]byte(strings.Repeat("{}\n", MaxPushRecords+1)))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, fx := range fxs {
			rep, err := fx.svc.Push(ctx, okno.System, "gibdd", body, Sign(gibddSecret, body))
			if err != nil {
				checkRefusal(t, cat, err, false)
				continue
			}
			items, err := splitPush(body)
			if err != nil || rep.Records != len(items) || rep.Applied+rep.Stale > rep.Records {
				t.Fatalf("%s: report %+v for %d records (%v)", fx.db.Dialect(), rep, len(items), err)
			}
			again, err := fx.svc.Push(ctx, okno.System, "gibdd", body, Sign(gibddSecret, body))
			if err != nil || again.Replayed != 1 || again.Applied != 0 {
				t.Fatalf("%s: the same push again: %+v, %v; want a replay", fx.db.Dialect(), again, err)
			}
		}
	})
}

// FuzzImportFile imports any file of lines from a known source. It never
// panics; the file fails whole only on a line over the limit (EINVALID);
// otherwise every non-blank line is a record, applied or rejected with an
// EINVALID error naming it by line.
func FuzzImportFile(f *testing.F) {
	cat := fuzzCatalog(f)
	var fxs []*fixture
	for _, db := range fuzzDBs(f) {
		fxs = append(fxs, newFixtureTB(f, db))
	}
	ctx := context.Background()
	f.Add([]byte(strings.Join(fuzzRecords, "\n")))
	f.Add([]byte(fuzzRecords[0] + "\r\n\r\n" + fuzzRecords[1] + "\n"))
	f.Add([]byte("\xef\xbb\xbf" + fuzzRecords[2]))
	f.Add([]byte("{\n}\n[\n"))
	f.Fuzz(func(t *testing.T, file []byte) {
		lines := 0
		for _, l := range bytes.Split(file, []byte{'\n'}) {
			if len(bytes.TrimSpace(l)) > 0 {
				lines++
			}
		}
		for _, fx := range fxs {
			rep, err := fx.svc.ImportFile(ctx, okno.System, "ampp", bytes.NewReader(file), nil)
			if err != nil {
				checkRefusal(t, cat, err, false)
				continue
			}
			if rep.Records != lines || rep.Rejected > rep.Records || rep.Applied+rep.Stale+rep.Rejected > rep.Records {
				t.Fatalf("%s: report %+v for %d lines", fx.db.Dialect(), rep, lines)
			}
			for _, rj := range rep.Rejections {
				if rj.Line < 1 {
					t.Fatalf("rejection without a line: %+v", rj)
				}
				checkRefusal(t, cat, rj.Err, true)
			}
		}
	})
}

// FuzzUIN checks the УИН's validator on any string: it never panics, says
// what is wrong with a catalogue key, accepts only 20 or 25 digits whose
// last is the check digit, refuses the same УИН with any other last
// digit, and agrees with MakeUIN on 20-digit ones.
func FuzzUIN(f *testing.F) {
	cat := fuzzCatalog(f)
	f.Add(uin(1))
	f.Add(uin(99999999999))
	f.Add("1881017800000000001")
	f.Add("0310064300000000000000001")
	f.Add("18810178000000000０1")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		problem := UINProblem(s)
		if problem != "" {
			if !cat.Has(problem) || ValidUIN(s) {
				t.Fatalf("UINProblem(%q) = %q", s, problem)
			}
			return
		}
		if len(s) != 20 && len(s) != 25 {
			t.Fatalf("accepted %q of %d bytes", s, len(s))
		}
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				t.Fatalf("accepted %q with a non-digit", s)
			}
		}
		body := s[:len(s)-1]
		for d := byte('0'); d <= '9'; d++ {
			if other := body + string(d); other != s && ValidUIN(other) {
				t.Fatalf("both %q and %q are valid", s, other)
			}
		}
		if len(s) == 20 {
			n, err := strconv.ParseInt(s[8:19], 10, 64)
			if err != nil || MakeUIN(s[:8], n) != s {
				t.Fatalf("MakeUIN(%q, %d) = %q, want %q", s[:8], n, MakeUIN(s[:8], n), s)
			}
		}
	})
}
