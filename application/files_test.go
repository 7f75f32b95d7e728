package application_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestAttachRefusesBadFiles refuses empty files, files over the field's
// x-max-bytes, files whose content is not of a type the field takes (a
// text file named like a photo), fields that take no files and too many
// files for a field, each with a problem at the field naming it and the
// file; nothing is stored.
func TestAttachRefusesBadFiles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d, err := f.s.Start(ctx, as(f.anna), allowance)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, pointer, file string
			content             []byte
			key                 string
			args                []any
		}{
			{"empty", "/passportScan", "пусто.pdf", nil, "application.file_empty", []any{"пусто.pdf"}},
			{"over x-max-bytes", "/passportScan", "большой.png", append(pngBytes(t, 4), make([]byte, 5000)...), "application.file_too_large", []any{"большой.png", int64(1)}},
			{"text named as a photo", "/passportScan", "фото.jpg", []byte("<script>alert(1)</script>"), "application.file_type", []any{"фото.jpg"}},
			{"not in x-accept", "/passportScan", "photo.webp", append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), make([]byte, 32)...), "application.file_type", []any{"photo.webp"}},
			{"not a file field", "/applicant/lastName", "a.pdf", pdfBytes, "application.not_file_field", nil},
			{"unknown field", "/nope", "a.pdf", pdfBytes, "application.not_file_field", nil},
			{"group without index", "/children/fullName", "a.pdf", pdfBytes, "application.not_file_field", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.Attach(ctx, as(f.anna), d.ID, tc.pointer, "C:\\Users\\Анна\\"+tc.file, tc.content)
				if !okno.IsCode(err, okno.EINVALID) {
					t.Fatalf("Attach = %v, want invalid", err)
				}
				p := problems(t, err)
				if len(p) != 1 || p[0].Pointer != tc.pointer || p[0].Key != tc.key || !cmp.Equal(tc.args, p[0].Args) {
					t.Errorf("problems = %+v, want one %s at %s with %v", p, tc.key, tc.pointer, tc.args)
				}
				if n := f.count("draft_files"); n != 0 {
					t.Errorf("draft_files = %d, want 0", n)
				}
			})
		}
		for i := range 3 {
			if _, err := f.s.Attach(ctx, as(f.anna), d.ID, "/documents", "скан.pdf", append(pdfBytes, byte(i))); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.s.Attach(ctx, as(f.anna), d.ID, "/documents", "четвёртый.pdf", pdfBytes)
		if p := problems(t, err); len(p) != 1 || p[0].Key != "application.field_files_too_many" {
			t.Errorf("a fourth document: problems %+v, want field_files_too_many", p)
		}
	})
}

// TestAttachDetach attaches documents to a list field (appended) and a
// single one (replaced), reads them back, and detaches one: its reference
// leaves the data and its row goes.
func TestAttachDetach(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d, err := f.s.Start(ctx, as(f.anna), allowance)
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.s.Attach(ctx, as(f.anna), d.ID, "/documents", "справка.pdf", pdfBytes)
		if err != nil {
			t.Fatal(err)
		}
		photo := pngBytes(t, 8)
		b, err := f.s.Attach(ctx, as(f.anna), d.ID, "/documents", "/tmp/фото.png", photo)
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentType != "application/pdf" || b.ContentType != "image/png" || b.Name != "фото.png" || b.Size != int64(len(photo)) {
			t.Errorf("files = %+v and %+v", a, b)
		}
		scan1, err := f.s.Attach(ctx, as(f.anna), d.ID, "/passportScan", "паспорт.pdf", pdfBytes)
		if err != nil {
			t.Fatal(err)
		}
		scan2, err := f.s.Attach(ctx, as(f.anna), d.ID, "/passportScan", "паспорт-2.png", photo)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Draft(ctx, as(f.anna), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]any{a.Ref, b.Ref}, got.Data["documents"]); diff != "" {
			t.Errorf("documents (-want +got):\n%s", diff)
		}
		if got.Data["passportScan"] != scan2.Ref || len(got.Files) != 3 {
			t.Errorf("passportScan = %v with %d files, want %s (replacing %s) and 3", got.Data["passportScan"], len(got.Files), scan2.Ref, scan1.Ref)
		}
		file, content, err := f.s.ReadFile(ctx, as(f.anna), d.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(content, photo) || file.Name != "фото.png" {
			t.Errorf("ReadFile = %q, %d bytes; want фото.png and the photo", file.Name, len(content))
		}
		if _, _, err := f.s.ReadFile(ctx, as(f.anna), d.ID, scan1.ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("ReadFile of the replaced scan = %v, want not_found", err)
		}
		if err := f.s.Detach(ctx, as(f.anna), d.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		got, err = f.s.Draft(ctx, as(f.anna), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]any{b.Ref}, got.Data["documents"]); diff != "" {
			t.Errorf("documents after Detach (-want +got):\n%s", diff)
		}
		if n := f.count("draft_files"); n != 2 {
			t.Errorf("draft_files = %d after Detach, want 2", n)
		}
		if err := f.s.Detach(ctx, as(f.anna), d.ID, a.ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Detach twice = %v, want not_found", err)
		}
		audited := map[string]int{}
		for _, e := range f.log.Entries() {
			audited[e.Action]++
		}
		if audited["application.file_attach"] != 4 || audited["application.file_detach"] != 1 {
			t.Errorf("audited %v, want 4 attachments and 1 detachment", audited)
		}
	})
}
