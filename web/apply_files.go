package web

import (
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/formdecl"
)

// Documents attached to a draft: chosen on a form page (attached as the
// page is saved, or with its "upload" button), listed with «Удалить», and
// downloaded by their owner only.

// attachParts attaches the files posted at the page's file fields.
// A refused file (its type, its size) is reported at its field.
func (s *Server) attachParts(r *http.Request, fc *applyFormCtx) error {
	if r.MultipartForm == nil {
		return nil
	}
	ctx, actor := r.Context(), okno.ActorFrom(r.Context())
	names := make([]string, 0, len(r.MultipartForm.File))
	for name := range r.MultipartForm.File {
		names = append(names, name)
	}
	slices.Sort(names)
	attached := false
	for _, ptr := range names {
		in, ok := fc.decl.Info(ptr)
		if !ok || in.File == nil {
			continue
		}
		n := 0
		for _, fh := range r.MultipartForm.File[ptr] {
			if fh.Filename == "" && fh.Size == 0 {
				continue
			}
			if n++; n > maxUploadParts || n > in.File.MaxFiles {
				break
			}
			if err := s.attachPart(ctx, actor, fc, ptr, in, fh); err != nil {
				return err
			}
			attached = true
		}
	}
	if attached {
		d, err := s.deps.Applications.Draft(ctx, actor, fc.draft.ID)
		if err != nil {
			return err
		}
		fc.setDraft(d)
	}
	return nil
}

func (s *Server) attachPart(ctx context.Context, actor okno.Actor, fc *applyFormCtx, ptr string, in formdecl.Info, fh *multipart.FileHeader) error {
	if fh.Size > in.File.MaxBytes {
		fc.errs[ptr] = fc.l.T("web.apply.file_too_large", declText(fc.l, in.Title, in.TitleEn), sizeText(fc.l, in.File.MaxBytes))
		fc.order = append(fc.order, ptr)
		return nil
	}
	b, err := readPart(fh)
	if err != nil {
		return err
	}
	name, _ := cleanText(fh.Filename)
	_, err = s.deps.Applications.Attach(ctx, actor, fc.draft.ID, ptr, name, b)
	if err != nil {
		if !userError(err) || okno.IsCode(err, okno.ENOTFOUND) {
			return err
		}
		var probs application.Problems
		if errors.As(err, &probs) {
			fc.addErrors(probs)
			return nil
		}
		msg, _ := fc.l.Error(err)
		fc.errs[ptr] = msg
		fc.order = append(fc.order, ptr)
	}
	return nil
}

// applyFilesAttach attaches documents to a draft's file field (the parts
// are named by the field's pointer) and goes back to the page they were
// chosen on, or to the check page.
func (s *Server) applyFilesAttach(w http.ResponseWriter, r *http.Request) error {
	if err := parseApplyForm(r); err != nil {
		return err
	}
	fc, err := s.loadForm(r)
	if err != nil {
		return err
	}
	if fc.draft.CaseID != 0 {
		return okno.Errorf(okno.ECONFLICT, "web.apply.already_sent")
	}
	if err := s.attachParts(r, fc); err != nil {
		return err
	}
	back := applyPath(fc.draft.ID, "/check")
	if pg, idx, ok := fc.page(r.PostFormValue("page")); ok {
		if len(fc.errs) > 0 {
			return s.renderApplyPage(w, r, fc, pg, idx, http.StatusUnprocessableEntity)
		}
		back = applyPath(fc.draft.ID, "/pages/"+url.PathEscape(pg.ID))
	} else if len(fc.errs) > 0 {
		var fe okno.FieldErrors
		for _, p := range fc.order {
			fe.Add(p, "web.apply.file_refused", fc.errs[p])
		}
		return fe.Err()
	}
	return seeOther(w, r, back)
}

// applyFileDelete removes a document from a draft.
func (s *Server) applyFileDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fileID, err := pathID(r, "file")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.deps.Applications.Detach(ctx, okno.ActorFrom(ctx), id, fileID); err != nil {
		return err
	}
	back := applyPath(id, "/check")
	if pg := r.PostFormValue("page"); pg != "" && len(pg) <= 100 {
		back = applyPath(id, "/pages/"+url.PathEscape(pg))
	}
	return seeOther(w, r, back)
}

// applyFileDownload sends a draft's document to its owner as a download.
func (s *Server) applyFileDownload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fileID, err := pathID(r, "file")
	if err != nil {
		return err
	}
	f, body, err := s.deps.Applications.ReadFile(ctx, okno.ActorFrom(ctx), id, fileID)
	if err != nil {
		return err
	}
	h := w.Header()
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", contentDisposition("attachment", f.Name))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// applyMaxBody is the body limit of the routes that carry documents: the
// largest file a declaration may accept, and room for the page's fields.
const applyMaxBody = formdecl.MaxFileBytes + 2<<20
