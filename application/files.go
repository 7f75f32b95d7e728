package application

// Documents attached to a draft: photographed on a phone or scanned,
// checked by content (never by the name they came with), kept sealed in
// the blob store, and referred to from the form data by their Ref.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/sqldb"
)

// Limits of a draft's documents. A field's own limits (x-max-bytes,
// maxItems) apply within these.
const (
	MaxFiles      = 20       // documents of one draft
	MaxTotalBytes = 50 << 20 // all documents of one draft: a submission holds them in memory once
	maxFileName   = 255      // characters
	// saveAttempts is how often attaching or detaching retries when an
	// autosave of the same draft came in between.
	saveAttempts = 3
)

// defaultAccept is what a file field takes when it does not say: photos
// as phones take them, and scans as PDF — what casework accepts by default.
var defaultAccept = []string{blob.JPEG, blob.PNG, blob.WebP, blob.HEIC, blob.PDF}

// Problems are the problems Submit and Attach refuse a draft or a file
// for. They are the cause of the EINVALID okno.Error returned, whose
// Fields hold them in Russian; pages that show each at its field in the
// reader's language take them with errors.As.
type Problems []formdecl.FieldError

// Error implements error; the text is for logs and holds no answers.
func (p Problems) Error() string {
	return fmt.Sprintf("application: %d problems with the form", len(p))
}

// invalid is the error refusing a draft for its problems.
func invalid(errs []formdecl.FieldError) error {
	return &okno.Error{Code: okno.EINVALID, Key: "application.invalid", Fields: formdecl.FieldErrors(errs, false), Err: Problems(errs)}
}

// Attach stores a document for a file field of a draft and puts its Ref
// into the data at pointer (appending for a field holding several,
// replacing the document of a field holding one). pointer names the
// field with its indices ("/children/0/birthCertificate"). A file that is
// empty, too large, of a type the field does not take (told by content)
// or one too many is refused with a problem at pointer naming the field
// and the file.
func (s *Service) Attach(ctx context.Context, actor okno.Actor, id int64, pointer, name string, content []byte) (File, error) {
	name = cleanName(name)
	var obj blob.Object
	for attempt := 1; ; attempt++ {
		r, err := s.load(ctx, s.d.DB, actor, id)
		if err != nil {
			return File{}, err
		}
		if r.CaseID != 0 {
			return File{}, okno.Errorf(okno.ECONFLICT, "application.submitted")
		}
		decl, err := s.d.Catalog.Decl(ctx, r.Service)
		if err != nil {
			return File{}, fmt.Errorf("application: form of %s: %w", r.Service, err)
		}
		in, err := checkFile(decl, r, pointer, name, content)
		if err != nil {
			return File{}, err
		}
		if obj.Address == "" {
			// Stored before the transaction: a file whose row then fails
			// is only an orphan for the collector.
			if obj, err = s.d.Blobs.Put(ctx, content); err != nil {
				return File{}, fmt.Errorf("application: store a document: %w", err)
			}
		}
		f := File{Pointer: pointer, Name: name, ContentType: obj.MediaType, Size: obj.Size, CreatedAt: s.now()}
		err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error { return s.attach(ctx, tx, actor, &r, in, &f, obj.Address) })
		switch {
		case okno.IsCode(err, okno.ECONFLICT) && attempt < saveAttempts:
			continue // an autosave came in between: attach to the draft as it is now
		case err != nil:
			return File{}, err
		}
		return f, nil
	}
}

// checkFile checks a document for the file field at pointer of a draft.
func checkFile(decl *formdecl.Decl, r draftRow, pointer, name string, content []byte) (formdecl.Info, error) {
	in, ok := decl.Info(pointer)
	if !ok || in.File == nil || !fieldPath(decl, r.Data, pointer, in.Type == "array") {
		return formdecl.Info{}, invalid([]formdecl.FieldError{fieldError(decl, pointer, "application.not_file_field")})
	}
	rule := in.File
	accept := rule.Accept
	if len(accept) == 0 {
		accept = defaultAccept
	}
	var total int64
	for _, f := range r.Files {
		total += f.Size
	}
	size := int64(len(content))
	var key string
	var args []any
	switch {
	case size == 0:
		key, args = "application.file_empty", []any{name}
	case size > rule.MaxBytes || size > blob.MaxObjectSize:
		key, args = "application.file_too_large", []any{name, megabytes(min(rule.MaxBytes, blob.MaxObjectSize))}
	case !slices.Contains(accept, blob.Sniff(content)):
		key, args = "application.file_type", []any{name}
	case len(r.Files) >= MaxFiles:
		key, args = "application.files_too_many", []any{MaxFiles}
	case total+size > MaxTotalBytes:
		key, args = "application.files_total", []any{megabytes(MaxTotalBytes)}
	case in.Type == "array" && len(asArray(get(r.Data, pointer))) >= rule.MaxFiles:
		key, args = "application.field_files_too_many", []any{rule.MaxFiles}
	}
	if key != "" {
		return formdecl.Info{}, invalid([]formdecl.FieldError{fieldError(decl, pointer, key, args...)})
	}
	return in, nil
}

// fieldPath reports whether pointer names a file field with every index a
// list on the way needs: putting a reference there must give the data a
// file reference at exactly that place.
func fieldPath(decl *formdecl.Decl, data map[string]any, pointer string, list bool) bool {
	probe, err := clone(data)
	if err != nil {
		return false
	}
	want := pointer
	var v any = "probe"
	if list {
		v, want = []any{"probe"}, pointer+"/0"
	}
	if !set(probe, pointer, v) {
		return false
	}
	return slices.Contains(decl.FileRefs(probe), formdecl.FileRef{Pointer: want, Value: "probe"})
}

// clone copies data deeply.
func clone(data map[string]any) (map[string]any, error) {
	v, ok := normalise(data)
	m, isMap := v.(map[string]any)
	if !ok || !isMap {
		return nil, fmt.Errorf("application: copy data")
	}
	return m, nil
}

// attach writes a document's row and its reference in the data in tx.
func (s *Service) attach(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r *draftRow, in formdecl.Info, f *File, address string) error {
	if err := tx.QueryRowContext(ctx, `INSERT INTO draft_files (draft_id, pointer, blob, name_enc, content_type, size, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.ID, f.Pointer, address, []byte{}, f.ContentType, f.Size, f.CreatedAt).Scan(&f.ID); err != nil {
		return fmt.Errorf("application: insert a document of draft %d: %w", r.ID, err)
	}
	enc, err := s.d.Keys.Seal([]byte(f.Name), nameAAD(f.ID))
	if err != nil {
		return fmt.Errorf("application: seal a document's name: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE draft_files SET name_enc = ? WHERE id = ?`, enc, f.ID); err != nil {
		return fmt.Errorf("application: store a document's name: %w", err)
	}
	f.Ref = fileRef(f.ID)
	if in.Type == "array" {
		set(r.Data, f.Pointer, append(asArray(get(r.Data, f.Pointer)), f.Ref))
	} else {
		// One document per field: the one it replaces goes.
		if old, ok := get(r.Data, f.Pointer).(string); ok {
			if err := s.deleteFile(ctx, tx, r, old); err != nil {
				return err
			}
		}
		set(r.Data, f.Pointer, f.Ref)
	}
	return s.store(ctx, tx, actor, "application.file_attach", &r.Draft, f.CreatedAt)
}

// deleteFile deletes the row of the draft's document with ref, if any.
func (s *Service) deleteFile(ctx context.Context, tx *sqldb.Tx, r *draftRow, ref string) error {
	for _, f := range r.Files {
		if f.Ref == ref {
			if _, err := tx.ExecContext(ctx, `DELETE FROM draft_files WHERE id = ? AND draft_id = ?`, f.ID, r.ID); err != nil {
				return fmt.Errorf("application: delete document %d: %w", f.ID, err)
			}
		}
	}
	return nil
}

// asArray is v as a list, or an empty one.
func asArray(v any) []any {
	a, _ := v.([]any)
	return a
}

// Detach removes a document from a draft and its reference from the data.
func (s *Service) Detach(ctx context.Context, actor okno.Actor, id, fileID int64) error {
	for attempt := 1; ; attempt++ {
		r, err := s.load(ctx, s.d.DB, actor, id)
		if err != nil {
			return err
		}
		if r.CaseID != 0 {
			return okno.Errorf(okno.ECONFLICT, "application.submitted")
		}
		i := slices.IndexFunc(r.Files, func(f File) bool { return f.ID == fileID })
		if i < 0 {
			return okno.Errorf(okno.ENOTFOUND, "application.file_not_found")
		}
		decl, err := s.d.Catalog.Decl(ctx, r.Service)
		if err != nil {
			return fmt.Errorf("application: form of %s: %w", r.Service, err)
		}
		unref(decl, r.Data, r.Files[i].Ref)
		err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
			if err := s.deleteFile(ctx, tx, &r, r.Files[i].Ref); err != nil {
				return err
			}
			return s.store(ctx, tx, actor, "application.file_detach", &r.Draft, s.now())
		})
		if okno.IsCode(err, okno.ECONFLICT) && attempt < saveAttempts {
			continue
		}
		return err
	}
}

// unref removes every reference to ref from the data: an element of a
// list of files, or the value of a single file field.
func unref(decl *formdecl.Decl, data map[string]any, ref string) {
	refs := decl.FileRefs(data)
	// From the last, so removing an element leaves the earlier indices.
	for i := len(refs) - 1; i >= 0; i-- {
		fr := refs[i]
		if fr.Value != ref {
			continue
		}
		holder := arrayOf(fr.Pointer)
		if holder == fr.Pointer {
			set(data, fr.Pointer, nil)
			continue
		}
		list := asArray(get(data, holder))
		n, _ := index(fr.Pointer[len(holder)+1:])
		if n < len(list) {
			set(data, holder, slices.Delete(slices.Clone(list), n, n+1))
		}
	}
}

// ReadFile returns a draft's document and its content (the owner only).
func (s *Service) ReadFile(ctx context.Context, actor okno.Actor, id, fileID int64) (File, []byte, error) {
	r, err := s.load(ctx, s.d.DB, actor, id)
	if err != nil {
		return File{}, nil, err
	}
	i := slices.IndexFunc(r.Files, func(f File) bool { return f.ID == fileID })
	if i < 0 {
		return File{}, nil, okno.Errorf(okno.ENOTFOUND, "application.file_not_found")
	}
	content, err := s.d.Blobs.Get(ctx, r.addresses[fileID])
	if err != nil {
		return File{}, nil, fmt.Errorf("application: read document %d: %w", fileID, err)
	}
	return r.Files[i], content, nil
}

// cleanName keeps the last element of a name a browser may send with its
// path, drops what is not text, bounds it, and names a nameless file.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxFileName {
		name = string([]rune(name)[:maxFileName])
	}
	if name == "" {
		return "file"
	}
	return name
}

// megabytes is n bytes in whole megabytes, rounded up, for messages.
func megabytes(n int64) int64 { return (n + 1<<20 - 1) >> 20 }
