package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// kindAttachment is the kind of a document that names none.
const kindAttachment = "attachment"

// maxFileName bounds a file name in characters.
const maxFileName = 255

// stored is an upload kept in the blob store, waiting for its row.
type stored struct {
	kind, name string
	obj        blob.Object
}

// store checks uploads against the limits — how many per call and per
// case (the case holds existing), how large, which kinds, which types
// (told by content: blob.Sniff) — and puts them in the blob store. It runs before the transaction that writes
// their rows: a file stored for an action that then fails is an orphan
// object, never a row pointing nowhere. Problems are field errors on
// "documents" whose keys name the file's position (1-based).
func (s *Service) store(ctx context.Context, def *process.Definition, existing int, ups []Upload) ([]stored, error) {
	lim := s.d.Limits
	var fe okno.FieldErrors
	if len(ups) > lim.MaxFilesPerCall {
		fe.Add("documents", "casework.files_too_many_call", lim.MaxFilesPerCall)
		return nil, fe.Err()
	}
	if existing+len(ups) > lim.MaxFilesPerCase {
		fe.Add("documents", "casework.files_too_many_case", lim.MaxFilesPerCase)
		return nil, fe.Err()
	}
	for i, up := range ups {
		switch {
		case len(up.Content) == 0:
			fe.Add("documents", "casework.file_empty", i+1)
		case int64(len(up.Content)) > lim.MaxFileSize:
			fe.Add("documents", "casework.file_too_large", i+1, (lim.MaxFileSize+1<<20-1)>>20)
		case utf8.RuneCountInString(up.Name) > maxFileName:
			fe.Add("documents", "casework.file_name_too_long", i+1, maxFileName)
		case !knownKind(def, up.Kind):
			fe.Add("documents", "casework.file_kind_unknown", i+1)
		case !slices.Contains(lim.MediaTypes, blob.Sniff(up.Content)):
			fe.Add("documents", "casework.file_type", i+1)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	out := make([]stored, 0, len(ups))
	for i, up := range ups {
		obj, err := s.d.Blobs.Put(ctx, up.Content)
		if err != nil {
			return nil, fmt.Errorf("casework: store file %d: %w", i+1, err)
		}
		kind := up.Kind
		if kind == "" {
			kind = kindAttachment
		}
		out = append(out, stored{kind: kind, name: fileName(up.Name), obj: obj})
	}
	return out, nil
}

// knownKind reports whether kind is "" (an attachment) or one of the
// document kinds def declares.
func knownKind(def *process.Definition, kind string) bool {
	if kind == "" || kind == kindAttachment {
		return true
	}
	_, ok := def.Document(kind)
	return ok
}

// fileName keeps the last element of a name a browser may send with its
// path, and names a nameless file.
func fileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name = strings.TrimSpace(name); name == "" {
		return "file"
	}
	return name
}

// countDocuments is how many documents a case holds.
func countDocuments(ctx context.Context, q sqldb.Querier, caseID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_documents WHERE case_id = ?`, caseID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("casework: count documents of case %d: %w", caseID, err)
	}
	return n, nil
}

// insertDocuments writes the rows of files stored for one event. The name
// is sealed bound to the row, so the row is written first.
func (s *Service) insertDocuments(ctx context.Context, tx *sqldb.Tx, caseID, eventID int64, by string, visible bool, files []stored) error {
	now := s.now()
	for _, f := range files {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO case_documents
			(case_id, event_id, kind, blob, name_enc, media_type, size, is_result, citizen_visible, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?) RETURNING id`,
			caseID, eventID, f.kind, f.obj.Address, []byte{}, f.obj.MediaType, f.obj.Size, visible, by, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("casework: insert document of case %d: %w", caseID, err)
		}
		name, err := s.d.Sealer.Seal([]byte(f.name), docAAD(id))
		if err != nil {
			return fmt.Errorf("casework: seal file name: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE case_documents SET name_enc = ? WHERE id = ?`, name, id); err != nil {
			return fmt.Errorf("casework: insert document of case %d: %w", caseID, err)
		}
	}
	return nil
}

// documentColumns are what scanDocument reads.
const documentColumns = `id, case_id, event_id, kind, blob, name_enc, media_type, size, is_result, citizen_visible, uploaded_by, created_at`

func (s *Service) scanDocument(sc interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var event *int64
	var name []byte
	if err := sc.Scan(&d.ID, &d.CaseID, &event, &d.Kind, &d.Blob, &name, &d.MediaType, &d.Size,
		&d.Result, &d.CitizenVisible, &d.UploadedBy, &d.CreatedAt); err != nil {
		return Document{}, err
	}
	if event != nil {
		d.EventID = *event
	}
	d.CreatedAt = d.CreatedAt.UTC()
	b, err := s.d.Sealer.Open(name, docAAD(d.ID))
	if err != nil {
		return Document{}, fmt.Errorf("casework: open name of document %d: %w", d.ID, err)
	}
	d.Name = string(b)
	return d, nil
}

// Documents returns the case's documents actor may see.
func (s *Service) Documents(ctx context.Context, actor okno.Actor, id int64) ([]Document, error) {
	r, _, sg, err := s.visible(ctx, s.d.DB, actor, id, newOrgCache(s.d.Orgs))
	if err != nil || sg < sightFull {
		return nil, err
	}
	q := `SELECT ` + documentColumns + ` FROM case_documents WHERE case_id = ?`
	if actor.Kind == okno.ActorCitizen {
		q += ` AND citizen_visible = TRUE`
	}
	rows, err := s.d.DB.QueryContext(ctx, q+` ORDER BY id`, r.ID)
	if err != nil {
		return nil, fmt.Errorf("casework: documents of case %d: %w", r.ID, err)
	}
	defer rows.Close()
	var ds []Document
	for rows.Next() {
		d, err := s.scanDocument(rows)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// ReadDocument returns a document's content (or, with preview, an image's
// downscaled JPEG) when actor may see the case and the document.
func (s *Service) ReadDocument(ctx context.Context, actor okno.Actor, caseID, docID int64, preview bool) (Document, []byte, error) {
	_, _, sg, err := s.visible(ctx, s.d.DB, actor, caseID, newOrgCache(s.d.Orgs))
	if err != nil {
		return Document{}, nil, err
	}
	d, err := s.scanDocument(s.d.DB.QueryRowContext(ctx,
		`SELECT `+documentColumns+` FROM case_documents WHERE id = ? AND case_id = ?`, docID, caseID))
	if err != nil {
		return Document{}, nil, sqldb.NotFound(err, "casework.document_not_found")
	}
	if sg < sightFull || (actor.Kind == okno.ActorCitizen && !d.CitizenVisible) {
		return Document{}, nil, okno.Errorf(okno.ENOTFOUND, "casework.document_not_found")
	}
	var b []byte
	if preview {
		b, err = s.d.Blobs.Preview(ctx, d.Blob)
	} else {
		b, err = s.d.Blobs.Get(ctx, d.Blob)
	}
	if err != nil {
		return Document{}, nil, fmt.Errorf("casework: read document %d: %w", d.ID, err)
	}
	return d, b, nil
}

// Attach adds a document to a case outside an action: the applicant's
// (shown to them) or staff's (internal). A closed case takes no more.
func (s *Service) Attach(ctx context.Context, actor okno.Actor, caseID, version int64, up Upload) (Document, error) {
	oc := newOrgCache(s.d.Orgs)
	r, def, sg, err := s.visible(ctx, s.d.DB, actor, caseID, oc)
	if err != nil {
		return Document{}, err
	}
	if sg < sightFull {
		return Document{}, okno.Errorf(okno.EFORBIDDEN, "casework.attach_forbidden")
	}
	if r.Version != version {
		return Document{}, conflict()
	}
	if !r.Open() {
		return Document{}, okno.Errorf(okno.EINVALID, "casework.case_closed")
	}
	n, err := countDocuments(ctx, s.d.DB, r.ID)
	if err != nil {
		return Document{}, err
	}
	files, err := s.store(ctx, def, n, []Upload{up})
	if err != nil {
		return Document{}, err
	}
	visible := actor.Kind == okno.ActorCitizen
	var doc Document
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		before := r
		ev, err := s.bump(ctx, tx, actor, before, &r, Event{Kind: EventDocument, CitizenVisible: visible})
		if err != nil {
			return err
		}
		if err := s.insertDocuments(ctx, tx, r.ID, ev, actor.Ref(), visible, files); err != nil {
			return err
		}
		if doc, err = s.scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+
			` FROM case_documents WHERE event_id = ?`, ev)); err != nil {
			return fmt.Errorf("casework: read attached document: %w", err)
		}
		return s.audit(ctx, tx, actor, "case.attach", before, r)
	})
	return doc, err
}
