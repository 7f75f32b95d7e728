package catalog_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestDirectoriesAndForms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		for _, tt := range []struct {
			dir, value string
			want       bool
		}{{"spb-districts", "centralny", true}, {"spb-districts", "mars", false}, {"no-such", "centralny", false}} {
			if got, err := w.c.Has(ctx, tt.dir, tt.value); err != nil || got != tt.want {
				t.Errorf("Has(%s, %s) = %v, %v; want %v", tt.dir, tt.value, got, err, tt.want)
			}
		}
		d, err := w.c.Decl(ctx, catalogtest.Allowance)
		if err != nil {
			t.Fatal(err)
		}
		if errs := d.Validate(ctx, []byte(`{"name":"Иванов Иван","district":"centralny"}`), w.c); len(errs) != 0 {
			t.Errorf("Validate(a good form) = %v", errs)
		}
		if errs := d.Validate(ctx, []byte(`{"name":"Иванов Иван","district":"mars"}`), w.c); len(errs) != 1 || errs[0].Pointer != "/district" {
			t.Errorf("Validate(an unknown district) = %v, want one error at /district", errs)
		}
		if _, err := w.c.Decl(ctx, catalogtest.Stall); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Decl(a service without a form) = %v, want not found", err)
		}

		// Replacing the directory is seen at once (the cache is dropped).
		dir, err := w.c.Directory(ctx, "spb-districts")
		if err != nil || len(dir.Items) != 3 {
			t.Fatalf("Directory = %v, %v", dir, err)
		}
		dir.Items = dir.Items[:2]
		dir.Items = append(dir.Items, catalog.DirItem{Value: "lighthouse", Title: catalog.Text{"ru": "Маяк"}, Parent: "vasileostrovsky"})
		if err := w.c.PutDirectory(ctx, w.f.Admin, dir); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.c.Has(ctx, "spb-districts", "centralny"); got {
			t.Errorf("Has(a removed item) = true")
		}
		if got, _ := w.c.Has(ctx, "spb-districts", "lighthouse"); !got {
			t.Errorf("Has(an added item) = false")
		}

		// A changed form is parsed again on the next Decl.
		sv, err := w.c.Get(ctx, catalogtest.Allowance)
		if err != nil {
			t.Fatal(err)
		}
		sv.Form.Schema = []byte(`{"type":"object","required":["name"],"properties":{"name":{"type":"string","title":"ФИО"}}}`)
		sv.Form.Layout = nil
		if _, err := w.c.Put(ctx, w.f.Admin, sv); err != nil {
			t.Fatal(err)
		}
		if d, err = w.c.Decl(ctx, catalogtest.Allowance); err != nil || d.Layout != nil {
			t.Errorf("Decl after a Put = layout %v, %v; want the new form, without a layout", d.Layout, err)
		}
	})
}

func TestPutDirectoryAndOfficeRefuseBadInput(t *testing.T) {
	item := func(v, parent string) catalog.DirItem {
		return catalog.DirItem{Value: v, Title: catalog.Text{"ru": v}, Parent: parent}
	}
	dirs := []struct {
		name  string
		d     catalog.Directory
		field string
	}{
		{"bad code", catalog.Directory{Code: "Районы", Title: catalog.Text{"ru": "Р"}}, "code"},
		{"no title", catalog.Directory{Code: "spb-districts"}, "title"},
		{"empty value", catalog.Directory{Code: "spb-districts", Title: catalog.Text{"ru": "Р"}, Items: []catalog.DirItem{item("", "")}}, "items[0].value"},
		{"value twice", catalog.Directory{Code: "spb-districts", Title: catalog.Text{"ru": "Р"}, Items: []catalog.DirItem{item("a", ""), item("a", "")}}, "items[1].value"},
		{"unknown parent", catalog.Directory{Code: "spb-districts", Title: catalog.Text{"ru": "Р"}, Items: []catalog.DirItem{item("a", "b")}}, "items[0].parent"},
		{"item without a title", catalog.Directory{Code: "spb-districts", Title: catalog.Text{"ru": "Р"}, Items: []catalog.DirItem{{Value: "a"}}}, "items[0].title"},
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		before := w.rows(t)
		for _, tt := range dirs {
			if err := w.c.PutDirectory(ctx, w.f.Admin, tt.d); !hasField(err, tt.field) {
				t.Errorf("%s: PutDirectory = %v, want a field error on %s", tt.name, err, tt.field)
			}
		}
		good := w.f.Office
		good.ID = 0
		offices := []struct {
			name  string
			edit  func(*catalog.Office)
			field string
		}{
			{"no name", func(o *catalog.Office) { o.Name = nil }, "name"},
			{"no address", func(o *catalog.Office) { o.Address = " " }, "address"},
			{"unknown body", func(o *catalog.Office) { o.OrgID = 99999 }, "org_id"},
			{"hours backwards", func(o *catalog.Office) { o.Hours.Days[0][0].From = "19:00" }, "hours.days[0][0]"},
			{"hours not a time", func(o *catalog.Office) { o.Hours.Days[1][0].To = "9" }, "hours.days[1][0]"},
			{"latitude out of range", func(o *catalog.Office) { o.Lat = 91 }, "lat"},
			{"phone too long", func(o *catalog.Office) { o.Phone = string(bytes.Repeat([]byte("1"), catalog.MaxPhone+1)) }, "phone"},
		}
		for _, tt := range offices {
			o := good
			o.Hours.Days[0] = append(o.Hours.Days[0][:0:0], o.Hours.Days[0]...)
			o.Hours.Days[1] = append(o.Hours.Days[1][:0:0], o.Hours.Days[1]...)
			tt.edit(&o)
			if _, err := w.c.PutOffice(ctx, w.f.Admin, o); !hasField(err, tt.field) {
				t.Errorf("%s: PutOffice = %v, want a field error on %s", tt.name, err, tt.field)
			}
		}
		if got := w.rows(t); got != before {
			t.Errorf("rows %v after refused edits, want %v", got, before)
		}
		if _, err := w.c.PutOffice(ctx, okno.Actor{Kind: okno.ActorCitizen, UserID: 3}, good); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("PutOffice as a citizen = %v, want forbidden", err)
		}
	})
}

func TestOwnerPhoto(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		if _, _, err := w.c.OwnerPhoto(ctx, catalogtest.Allowance); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("OwnerPhoto before one is set = %v, want not found", err)
		}
		before := w.rows(t)
		for _, tt := range []struct {
			name  string
			photo []byte
		}{
			{"text", []byte("<script>alert(1)</script>")},
			{"PDF", []byte("%PDF-1.7\n")},
			{"too large", append(png, make([]byte, catalog.MaxPhotoBytes)...)},
			{"empty", nil},
		} {
			if err := w.c.SetOwnerPhoto(ctx, w.f.Admin, catalogtest.Allowance, tt.photo); !hasField(err, "photo") {
				t.Errorf("SetOwnerPhoto(%s) = %v, want a field error on photo", tt.name, err)
			}
		}
		if got := w.rows(t); got != before {
			t.Errorf("rows %v after refused photos, want %v", got, before)
		}
		if err := w.c.SetOwnerPhoto(ctx, okno.Actor{Kind: okno.ActorCitizen, UserID: 2}, catalogtest.Allowance, png); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("SetOwnerPhoto as a citizen = %v, want forbidden", err)
		}
		if err := w.c.SetOwnerPhoto(ctx, w.f.Admin, "no-such-service", png); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("SetOwnerPhoto(unknown service) = %v, want not found", err)
		}
		if err := w.c.SetOwnerPhoto(ctx, w.f.Admin, catalogtest.Allowance, png); err != nil {
			t.Fatal(err)
		}
		// An edit of the card keeps the photo.
		sv, err := w.c.Get(ctx, catalogtest.Allowance)
		if err != nil {
			t.Fatal(err)
		}
		sv.Owner.Photo = ""
		if _, err := w.c.Put(ctx, w.f.Admin, sv); err != nil {
			t.Fatal(err)
		}
		got, typ, err := w.c.OwnerPhoto(ctx, catalogtest.Allowance)
		if err != nil || typ != "image/png" || !bytes.Equal(got, png) {
			t.Errorf("OwnerPhoto = %d bytes, %q, %v; want the PNG", len(got), typ, err)
		}
	})
}
