package appeal_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/org"
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

// fuzzImportWorld is newImportWorld for a fuzz target (a testing.F): the
// same two districts, administrations and housing agency.
func fuzzImportWorld(f *testing.F, db *sqldb.DB) *importWorld {
	ctx := context.Background()
	w := newImportServices(f, db)
	fc, err := geo.ParseGeoJSON(strings.NewReader(importSquares), geo.Limits{})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := w.geos.Import(ctx, fc, geo.LevelDistrict, okno.System); err != nil {
		f.Fatal(err)
	}
	ts, err := w.geos.List(ctx, geo.ListQuery{Level: geo.LevelDistrict})
	if err != nil {
		f.Fatal(err)
	}
	for _, tr := range ts {
		switch tr.Name {
		case "Приморский район":
			w.primorsky = tr.ID
		case "Невский район":
			w.nevsky = tr.ID
		}
	}
	mk := func(kind org.Kind, name string, parent int64) int64 {
		o, err := w.orgs.CreateOrganisation(ctx, org.Organisation{Kind: kind, Name: name, ParentID: parent}, okno.System)
		if err != nil {
			f.Fatal(err)
		}
		return o.ID
	}
	region := mk(org.KindRegionGovernment, "Правительство", 0)
	w.adminP = mk(org.KindDistrictAdministration, "Администрация Приморского района", region)
	w.adminN = mk(org.KindDistrictAdministration, "Администрация Невского района", region)
	w.housing = mk(org.KindHousingAgency, importHousing, w.adminP)
	return w
}

// FuzzImport imports any input — lines of the portal's export, gzip or
// not — into a real appeals service on SQLite. It never panics; the import
// as a whole fails only on input it cannot read (EINVALID); every line
// read is imported, skipped or reported with its number and an okno error
// with catalogue keys; and importing the same input again imports nothing.
func FuzzImport(f *testing.F) {
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	var worlds []*importWorld
	for _, db := range fuzzDBs(f) {
		worlds = append(worlds, fuzzImportWorld(f, db))
	}
	data, err := os.ReadFile("testdata/import-small.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range bytes.Split(data, []byte{'\n'}) {
		f.Add(l)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	f.Add(gz.Bytes())
	f.Add(gz.Bytes()[:gz.Len()/2])
	f.Add([]byte("\ufeff" + `{"id": "77", "created_at": "2021-01-01T00:00:00+03:00", "lat": 59.9, "lon": "30.3", "category": "Благоустройство", "subcategory": "x", "text": " "}`))
	f.Add([]byte(`{"id": 1e3, "lat": "NaN", "lon": "Inf", "photos": -1, "answers": null, "statuses": [{}]}`))
	f.Add([]byte(`{"id": "-1"}` + "\n\n" + `[]` + "\n" + `{"id": "` + strings.Repeat("9", 30) + `"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, w := range worlds {
			fuzzImportOnce(t, cat, w, in)
		}
	})
}

// fuzzImportOnce imports in twice into w's service and checks the reports.
func fuzzImportOnce(t *testing.T, cat *i18n.Catalog, w *importWorld, in []byte) {
	ctx := context.Background()
	opts := w.options()
	opts.MaxLine = 64 << 10
	rep, err := w.s.Import(ctx, bytes.NewReader(in), opts)
	if err != nil {
		e := okno.AsError(err)
		if e.Code != okno.EINVALID || !cat.Has(e.Key) {
			t.Fatalf("%s: Import: %v: want an invalid error with a catalogue key", w.db.Dialect(), err)
		}
		return
	}
	if rep.Imported+rep.Skipped+rep.Failed != rep.Read {
		t.Fatalf("%s: read %d, imported %d, skipped %d, failed %d", w.db.Dialect(), rep.Read, rep.Imported, rep.Skipped, rep.Failed)
	}
	for _, p := range rep.Problems {
		e := okno.AsError(p.Err)
		if p.Line < 1 || e.Code == okno.EINTERNAL || !cat.Has(e.Key) {
			t.Fatalf("%s: problem on line %d: %v", w.db.Dialect(), p.Line, p.Err)
		}
		for _, fe := range e.Fields {
			if fe.Field == "" || !cat.Has(fe.Key) {
				t.Fatalf("%s: line %d: field problem %+v", w.db.Dialect(), p.Line, fe)
			}
		}
	}
	again, err := w.s.Import(ctx, bytes.NewReader(in), opts)
	if err != nil || again.Imported != 0 || again.Read != rep.Read {
		t.Fatalf("%s: the same input again: %+v, %v; want nothing imported", w.db.Dialect(), again, err)
	}
}
