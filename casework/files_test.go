package casework_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// pngFile is a small real PNG image.
func pngFile(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 400))
	for x := range 640 {
		img.Set(x, x%400, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfFile is the start of a PDF: enough for its type to be told.
func pdfFile() []byte {
	return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestFiles: types are told by content, sizes and counts are bounded, and
// files are served only to those who may see them.
func TestFiles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		c, err := f.s.Open(ctx, f.citizenActor(), casework.NewCase{Process: "application", OrgID: f.housing.ID,
			Subject: "Разрешение на вырубку", Documents: []casework.Upload{{Name: `C:\Users\ivan\паспорт Петрова.pdf`, Content: pdfFile()}}})
		if err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(c.ID)
		refused := func(name string, s *casework.Service, ups []casework.Upload, want okno.FieldError) {
			t.Helper()
			_, err := s.Act(ctx, f.specActor(), casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "register", Documents: ups})
			if diff := cmp.Diff([]okno.FieldError{want}, okno.AsError(err).Fields); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
		text := []byte("это не фотография, а текст")
		refused("disguised", f.s, []casework.Upload{{Name: "x.png", Content: pngFile(t)}, {Name: "photo.jpg", Content: text}},
			okno.FieldError{Field: "documents", Key: "casework.file_type", Args: []any{2}})
		refused("empty", f.s, []casework.Upload{{Name: "x.pdf"}}, okno.FieldError{Field: "documents", Key: "casework.file_empty", Args: []any{1}})
		refused("unknown kind", f.s, []casework.Upload{{Kind: "passport", Name: "x.pdf", Content: pdfFile()}},
			okno.FieldError{Field: "documents", Key: "casework.file_kind_unknown", Args: []any{1}})
		six := make([]casework.Upload, 6)
		for i := range six {
			six[i] = casework.Upload{Name: "x.pdf", Content: pdfFile()}
		}
		refused("six at once", f.s, six, okno.FieldError{Field: "documents", Key: "casework.files_too_many_call", Args: []any{5}})
		small := f.deps
		small.Limits = casework.Limits{MaxFileSize: 1 << 10, MaxFilesPerCase: 2}
		refused("too large", casework.New(small), []casework.Upload{{Name: "x.png", Content: pngFile(t)}},
			okno.FieldError{Field: "documents", Key: "casework.file_too_large", Args: []any{1, int64(1)}})
		refused("too many on the case", casework.New(small), six[:2], okno.FieldError{Field: "documents", Key: "casework.files_too_many_case", Args: []any{2}})
		if diff := cmp.Diff(before, f.snapshot(c.ID)); diff != "" {
			t.Errorf("refused files wrote something (-before +after):\n%s", diff)
		}

		// The official adds an internal photo: the citizen sees only their own file.
		internal, err := f.s.Attach(ctx, f.specActor(), c.ID, c.Version, casework.Upload{Name: "акт осмотра.png", Content: pngFile(t)})
		if err != nil {
			t.Fatal(err)
		}
		if internal.CitizenVisible || internal.MediaType != "image/png" || internal.Name != "акт осмотра.png" {
			t.Errorf("internal document = %+v", internal)
		}
		mine, err := f.s.Documents(ctx, f.citizenActor(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 1 || mine[0].Name != "паспорт Петрова.pdf" || mine[0].MediaType != "application/pdf" || !mine[0].CitizenVisible {
			t.Fatalf("citizen's documents = %+v", mine)
		}
		all, err := f.s.Documents(ctx, f.specActor(), c.ID)
		if err != nil || len(all) != 2 {
			t.Fatalf("staff documents = %+v, %v", all, err)
		}
		doc, b, err := f.s.ReadDocument(ctx, f.citizenActor(), c.ID, mine[0].ID, false)
		if err != nil || !bytes.Equal(b, pdfFile()) || doc.ID != mine[0].ID {
			t.Errorf("citizen reads their file: %d bytes, %v", len(b), err)
		}
		for name, read := range map[string]func() error{
			"the citizen reads the internal file": func() error {
				_, _, err := f.s.ReadDocument(ctx, f.citizenActor(), c.ID, internal.ID, false)
				return err
			},
			"another citizen reads the citizen's file": func() error {
				_, _, err := f.s.ReadDocument(ctx, citizen(f.u.otherCitizen), c.ID, mine[0].ID, false)
				return err
			},
			"a document of another case": func() error {
				_, _, err := f.s.ReadDocument(ctx, f.specActor(), c.ID+1, mine[0].ID, false)
				return err
			},
		} {
			if err := read(); !okno.IsCode(err, okno.ENOTFOUND) {
				t.Errorf("%s: err = %v, want not_found", name, err)
			}
		}
		_, preview, err := f.s.ReadDocument(ctx, f.specActor(), c.ID, internal.ID, true)
		if err != nil || !bytes.HasPrefix(preview, []byte("\xFF\xD8\xFF")) {
			t.Errorf("preview: %d bytes, %v; want a JPEG", len(preview), err)
		}
		var sealed []byte
		if err := db.QueryRowContext(ctx, `SELECT name_enc FROM case_documents WHERE id = ?`, mine[0].ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte("Петрова")) {
			t.Errorf("file name stored in plaintext")
		}

		// A result document: required by the action, then shown to the citizen.
		c, _ = f.s.Get(ctx, f.specActor(), c.ID)
		c = f.act(f.specActor(), c, "register", "", nil)
		c = f.act(f.specActor(), c, "to_decision", "", nil)
		_, err = f.s.Act(ctx, f.specActor(), casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "grant"})
		if fe := okno.AsError(err).Fields; len(fe) != 1 || fe[0].Key != "casework.document_required" {
			t.Errorf("grant without the result: err = %v", err)
		}
		c = f.act(f.specActor(), c, "grant", "", nil, casework.Upload{Kind: "result", Name: "разрешение.pdf", Content: pdfFile()})
		mine, err = f.s.Documents(ctx, f.citizenActor(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 2 || !mine[1].Result || mine[1].Kind != "result" {
			t.Errorf("citizen's documents after the grant = %+v", mine)
		}
	})
}
