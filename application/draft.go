package application

// Drafts: starting one prefilled from the profile, saving a page at a
// time whatever the answers are, checking the whole form, deleting.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/sqldb"
)

// Limits of drafts.
const (
	// MaxOpenDrafts is how many drafts a citizen may keep unsubmitted: a
	// person applies for a few services at a time, and each draft holds
	// sealed personal data.
	MaxOpenDrafts = 50
	// maxDataBytes bounds a draft's data as JSON: casework takes at most
	// 256 KB of form data into a case (formdecl alone would allow
	// formdecl.MaxDataBytes), and a draft that could never be submitted
	// must not be saved.
	maxDataBytes = 256 << 10
	maxAnswers   = 500 // answers in one save: a page, even with a long group
	maxPageID    = 100
)

// Start opens a draft of a service for a citizen, prefilled from their
// profile; a citizen below the service's assurance level is refused
// (code forbidden, key application.assurance).
func (s *Service) Start(ctx context.Context, actor okno.Actor, service string) (Draft, error) {
	if err := citizen(actor); err != nil {
		return Draft{}, err
	}
	svc, err := s.d.Catalog.Get(ctx, service)
	if err != nil {
		return Draft{}, err
	}
	decl, err := s.applicable(ctx, svc)
	if err != nil {
		return Draft{}, err
	}
	p, err := s.d.Profiles.Profile(ctx, actor.UserID)
	if err != nil {
		return Draft{}, fmt.Errorf("application: profile of user %d: %w", actor.UserID, err)
	}
	if !p.Assurance.AtLeast(svc.Assurance) {
		return Draft{}, okno.Errorf(okno.EFORBIDDEN, "application.assurance")
	}
	now := s.now()
	d := Draft{UserID: actor.UserID, Service: svc.Code, Data: decl.Prefill(nil, profileValues(p)), Files: []File{},
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if pages := pagesFor(decl, d.Data); len(pages) > 0 {
		d.Page = pages[0].ID
	}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM drafts WHERE user_id = ? AND case_id IS NULL`,
			actor.UserID).Scan(&open); err != nil {
			return fmt.Errorf("application: count drafts: %w", err)
		}
		if open >= MaxOpenDrafts {
			return okno.Errorf(okno.ECONFLICT, "application.too_many_drafts", MaxOpenDrafts)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO drafts (user_id, service_id, data_enc, page, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, actor.UserID, svc.ID, []byte{}, d.Page, d.Version, now, now).Scan(&d.ID); err != nil {
			return fmt.Errorf("application: insert draft: %w", err)
		}
		// The data is sealed bound to the row, so the row comes first.
		enc, err := s.sealData(d.ID, d.Data)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE drafts SET data_enc = ? WHERE id = ?`, enc, d.ID); err != nil {
			return fmt.Errorf("application: store draft %d: %w", d.ID, err)
		}
		return s.audit(ctx, tx, actor, "application.draft_start", d.ID, nil, draftDigest(d))
	})
	if err != nil {
		return Draft{}, err
	}
	return d, nil
}

// applicable returns the form declaration of a service one applies for
// online; a service no longer published is a conflict (a draft of it
// stays, but cannot be submitted).
func (s *Service) applicable(ctx context.Context, svc catalog.Service) (*formdecl.Decl, error) {
	if svc.Kind != catalog.KindApplication || svc.Form.Empty() {
		return nil, okno.Errorf(okno.EINVALID, "application.not_online")
	}
	if !svc.Published {
		return nil, okno.Errorf(okno.ECONFLICT, "application.service_closed")
	}
	decl, err := s.d.Catalog.Decl(ctx, svc.Code)
	if err != nil {
		return nil, fmt.Errorf("application: form of %s: %w", svc.Code, err)
	}
	return decl, nil
}

// profileValues names the profile's fields the way declarations ask for
// them in x-prefill.
func profileValues(p identity.Profile) map[string]string {
	return map[string]string{
		"profile.last_name": p.LastName, "profile.first_name": p.FirstName, "profile.middle_name": p.MiddleName,
		"profile.birth_date": p.BirthDate, "profile.snils": p.SNILS, "profile.passport": p.Passport,
		"profile.phone": p.Phone, "profile.email": p.Email, "profile.address": p.Address,
	}
}

// Draft returns one of the citizen's drafts.
func (s *Service) Draft(ctx context.Context, actor okno.Actor, id int64) (Draft, error) {
	r, err := s.load(ctx, s.d.DB, actor, id)
	return r.Draft, err
}

// Save merges the answers of one page into a draft and stores it whatever
// they are (values are never cleared); it returns the problems of that
// page's fields for the page to show, as the citizen is asked them (the
// fields a condition hides are not checked, see shown). answers are keyed by data pointer
// ("/applicant/snils", "/children/1/fullName"); a nil value removes the
// answer. An answer to a field the page does not hold is not taken and
// comes back as a problem at its pointer. version is the draft's version
// the page was shown with: a draft saved since is a conflict
// (application.stale), a submitted one too (application.submitted).
func (s *Service) Save(ctx context.Context, actor okno.Actor, id, version int64, page string, answers map[string]any) (Draft, []formdecl.FieldError, error) {
	if len(answers) > maxAnswers || utf8.RuneCountInString(page) > maxPageID {
		return Draft{}, nil, okno.Errorf(okno.EINVALID, "application.too_many_answers", maxAnswers)
	}
	r, err := s.load(ctx, s.d.DB, actor, id)
	if err != nil {
		return Draft{}, nil, err
	}
	if err := writable(r.Draft, version); err != nil {
		return Draft{}, nil, err
	}
	decl, err := s.d.Catalog.Decl(ctx, r.Service)
	if err != nil {
		return Draft{}, nil, fmt.Errorf("application: form of %s: %w", r.Service, err)
	}
	fields, ok := pageFieldsOf(decl, page)
	if !ok {
		return Draft{}, nil, okno.Errorf(okno.EINVALID, "application.page_unknown")
	}
	var refused []formdecl.FieldError
	// Keys in order, so that the problems come in the same order each time.
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !onPage(fields, k) {
			refused = append(refused, fieldError(decl, k, "application.not_on_page"))
			continue
		}
		v, ok := normalise(answers[k])
		if !ok || !set(r.Data, k, v) {
			refused = append(refused, fieldError(decl, k, "application.answer_invalid"))
		}
	}
	r.Page = page
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		return s.store(ctx, tx, actor, "application.draft_save", &r.Draft, s.now())
	})
	if err != nil {
		return Draft{}, nil, err
	}
	data, err := shown(decl, r.Data)
	if err != nil {
		return Draft{}, nil, err
	}
	for _, e := range decl.ValidateValue(ctx, data, s.d.Catalog) {
		if onPage(fields, e.Pointer) {
			refused = append(refused, e)
		}
	}
	return r.Draft, refused, nil
}

// pageFieldsOf lists the field shapes of a page of the layout; a form
// without a layout is one page, "", holding every field.
func pageFieldsOf(decl *formdecl.Decl, page string) ([]string, bool) {
	if decl.Layout == nil {
		return []string{""}, page == ""
	}
	for _, p := range decl.Layout.Pages {
		if p.ID == page {
			return pageFields(p), true
		}
	}
	return nil, false
}

// pagesFor is the pages that apply to the data.
func pagesFor(decl *formdecl.Decl, data map[string]any) []*formdecl.Page {
	if decl.Layout == nil {
		return nil
	}
	return decl.Layout.PagesFor(data)
}

// fieldError names a problem with the field at ptr by its title.
func fieldError(decl *formdecl.Decl, ptr, key string, args ...any) formdecl.FieldError {
	if len(ptr) > maxPointer {
		ptr = strings.ToValidUTF8(ptr[:maxPointer], "")
	}
	e := formdecl.FieldError{Pointer: ptr, Field: ptr, FieldEn: ptr, Key: key, Args: args}
	if in, ok := decl.Info(ptr); ok {
		e.Field, e.FieldEn = in.Title, in.TitleEn
	}
	return e
}

// Check validates the whole draft for the check-your-answers page: the
// form's rules, and that every document the data names is this draft's.
func (s *Service) Check(ctx context.Context, actor okno.Actor, id int64) (Draft, []formdecl.FieldError, error) {
	r, err := s.load(ctx, s.d.DB, actor, id)
	if err != nil {
		return Draft{}, nil, err
	}
	decl, err := s.d.Catalog.Decl(ctx, r.Service)
	if err != nil {
		return Draft{}, nil, fmt.Errorf("application: form of %s: %w", r.Service, err)
	}
	data, err := shown(decl, r.Data)
	if err != nil {
		return Draft{}, nil, err
	}
	return r.Draft, s.validate(ctx, decl, r, data), nil
}

// validate checks a draft's answers to what the citizen was asked (data
// from shown): the form's rules, then its documents.
func (s *Service) validate(ctx context.Context, decl *formdecl.Decl, r draftRow, data map[string]any) []formdecl.FieldError {
	errs := decl.ValidateValue(ctx, data, s.d.Catalog)
	for _, ref := range decl.FileRefs(data) {
		if !r.holds(ref) {
			errs = append(errs, fieldError(decl, ref.Pointer, "application.file_unknown"))
		}
	}
	return errs
}

// holds reports whether a file reference in the data is one of the
// draft's documents, attached to that field.
func (r draftRow) holds(ref formdecl.FileRef) bool {
	for _, f := range r.Files {
		if f.Ref == ref.Value && shape(f.Pointer) == shape(arrayOf(ref.Pointer)) {
			return true
		}
	}
	return false
}

// arrayOf is the field a file reference is held by: "/documents/2" is
// held by "/documents" when the last segment is an index.
func arrayOf(ptr string) string {
	for i := len(ptr) - 1; i >= 0; i-- {
		if ptr[i] == '/' {
			if _, ok := index(ptr[i+1:]); ok {
				return ptr[:i]
			}
			return ptr
		}
	}
	return ptr
}

// Delete removes a draft that was not submitted, with its documents.
func (s *Service) Delete(ctx context.Context, actor okno.Actor, id int64) error {
	r, err := s.load(ctx, s.d.DB, actor, id)
	if err != nil {
		return err
	}
	if r.CaseID != 0 {
		return okno.Errorf(okno.ECONFLICT, "application.submitted")
	}
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM draft_files WHERE draft_id = ?`, id); err != nil {
			return fmt.Errorf("application: delete files of draft %d: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE id = ? AND case_id IS NULL`, id)
		if err != nil {
			return fmt.Errorf("application: delete draft %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return okno.Errorf(okno.ECONFLICT, "application.submitted")
		}
		return s.audit(ctx, tx, actor, "application.draft_delete", id, draftDigest(r.Draft), nil)
	})
}

// draftDigest is what the audit log commits to of a draft: which service
// and which version, never the answers.
func draftDigest(d Draft) []byte {
	return audit.Digest(map[string]any{"id": d.ID, "service": d.Service, "version": d.Version})
}

// audit appends an entry about a draft as the last write of tx.
func (s *Service) audit(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, id int64, before, after []byte) error {
	_, err := s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "draft",
		ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
	if err != nil {
		return fmt.Errorf("application: audit %s: %w", action, err)
	}
	return nil
}
