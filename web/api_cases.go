package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/process"
)

// The case API: the same case engine as the pages, answering JSON. The
// engine decides who sees and does what; these handlers decode, call it
// and encode.

// apiCasePath is a case's address in the API.
func apiCasePath(id int64) string { return "/api/v1/cases/" + strconv.FormatInt(id, 10) }

// pathID reads a numeric path wildcard of the case pages and API; a
// malformed one names nothing that exists.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, okno.Errorf(okno.ENOTFOUND, "casework.not_found")
	}
	return id, nil
}

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 200

// idempotencyKey reads the Idempotency-Key header: up to 200 visible
// ASCII characters, or none.
func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	ok := len(k) <= maxIdempotencyKey
	for i := 0; ok && i < len(k); i++ {
		ok = k[i] > 0x20 && k[i] < 0x7f
	}
	if !ok {
		var fe okno.FieldErrors
		fe.Add("Idempotency-Key", "web.api.cases.idempotency_key_invalid", maxIdempotencyKey)
		return "", fe.Err()
	}
	return k, nil
}

// decodeAPIRequest reads a request's JSON into dst: the body itself, or,
// in a multipart/form-data body, the part named "request", whose file
// parts ("documents", "documents.<kind>") it returns as uploads.
func decodeAPIRequest(r *http.Request, dst any) ([]casework.Upload, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		// Routes that take files have room for them; JSON alone needs less.
		return nil, decodeJSON(http.MaxBytesReader(nil, r.Body, caseJSONMaxBody), dst)
	}
	if err := parseCaseForm(r); err != nil {
		return nil, err
	}
	if err := decodeJSON(strings.NewReader(r.PostFormValue("request")), dst); err != nil {
		return nil, err
	}
	return formUploads(r.MultipartForm)
}

// decodeJSON reads exactly one JSON value into dst, refusing unknown
// fields: a misspelt field is a mistake to hear of, not to ignore. A value
// of the wrong type is a problem of its field.
func decodeJSON(rd io.Reader, dst any) error {
	dec := json.NewDecoder(rd)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("web: data after the JSON value")
		}
	}
	var mbe *http.MaxBytesError
	var ute *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &mbe):
		return okno.Wrap(okno.EINVALID, keyTooLarge, err)
	case errors.As(err, &ute) && ute.Field != "":
		e := okno.Invalid(okno.FieldError{Field: ute.Field, Key: "web.api.json_type", Args: []any{ute.Value}})
		e.Err = err
		return e
	}
	return okno.Wrap(okno.EINVALID, "web.api.json_invalid", err)
}

// caseAPILimit reads ?limit= (1–200; absent: the engine's default).
func caseAPILimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > casework.InboxMaxLimit {
		var fe okno.FieldErrors
		fe.Add("limit", "web.api.limit_invalid", casework.InboxMaxLimit)
		return 0, fe.Err()
	}
	return n, nil
}

// apiCases lists cases: a citizen's own, newest first; for staff and API
// keys, one of their organisation's inbox views (?view=, default "org"
// for keys, which hold no position of their own).
func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) error {
	ctx, q := r.Context(), r.URL.Query()
	actor, lang := okno.ActorFrom(ctx), string(stateFrom(ctx).loc.Lang())
	limit, err := caseAPILimit(q)
	if err != nil {
		return err
	}
	out := page[caseItemJSON]{Items: []caseItemJSON{}}
	if actor.Kind == okno.ActorCitizen {
		p, err := s.deps.Cases.Mine(casework.WithLanguage(ctx, lang), actor, q.Get("after"), limit)
		if err != nil {
			return err
		}
		for _, it := range p.Items {
			out.Items = append(out.Items, citizenItemJSON(it))
		}
		out.Next = p.Next
		return writeJSON(w, http.StatusOK, out)
	}
	view := casework.View(q.Get("view"))
	if view == "" && actor.Kind == okno.ActorAPIKey {
		view = casework.ViewOrg
	}
	p, err := s.deps.Cases.Inbox(ctx, actor, casework.InboxQuery{View: view, State: q.Get("state"), Process: q.Get("process"),
		Search: q.Get("q"), After: q.Get("after"), Limit: limit})
	if err != nil {
		return err
	}
	for _, it := range p.Items {
		out.Items = append(out.Items, inboxItemJSON(it))
	}
	out.Next = p.Next
	return writeJSON(w, http.StatusOK, out)
}

// apiOpenCase opens a case. A retry with the same Idempotency-Key returns
// the case the first request opened, so a client that lost the answer can
// safely ask again.
func (s *Server) apiOpenCase(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	var in newCaseJSON
	ups, err := decodeAPIRequest(r, &in)
	if err != nil {
		return err
	}
	nc := casework.NewCase{Process: in.Process, ApplicantID: in.ApplicantID, OrgID: in.OrgID, PositionID: in.PositionID,
		Subject: in.Subject, Channel: casework.ChannelAPI, Data: in.Data, ParentID: in.ParentID, Documents: ups, IdempotencyKey: key}
	if in.LegalClock != "" {
		p, err := calendar.ParsePeriod(in.LegalClock)
		if err != nil {
			var fe okno.FieldErrors
			fe.Add("legal_clock", "web.api.cases.period_invalid")
			return fe.Err()
		}
		nc.LegalClock = &p
	}
	c, err := s.deps.Cases.Open(ctx, okno.ActorFrom(ctx), nc)
	if err != nil {
		return renameFields(err, apiNames)
	}
	w.Header().Set("Location", apiCasePath(c.ID))
	return s.writeCase(w, r, http.StatusCreated, c)
}

// writeCase answers with c, its state titled in the request's language.
func (s *Server) writeCase(w http.ResponseWriter, r *http.Request, status int, c casework.Case) error {
	v, err := s.deps.Cases.Definition(r.Context(), c)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toCaseJSON(c, v.Definition, string(stateFrom(r.Context()).loc.Lang())))
}

// apiCase returns one case.
func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.deps.Cases.Get(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return s.writeCase(w, r, http.StatusOK, c)
}

// apiCaseOfPath loads the case the path names, as the client may see it,
// with the process definition it runs on.
func (s *Server) apiCaseOfPath(r *http.Request) (casework.Case, *process.Definition, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return casework.Case{}, nil, err
	}
	c, err := s.deps.Cases.Get(r.Context(), okno.ActorFrom(r.Context()), id)
	if err != nil {
		return casework.Case{}, nil, err
	}
	v, err := s.deps.Cases.Definition(r.Context(), c)
	return c, v.Definition, err
}

// apiCaseTimeline returns a case's timeline, oldest first, as the client
// may see it.
func (s *Server) apiCaseTimeline(w http.ResponseWriter, r *http.Request) error {
	ctx, actor, lang := r.Context(), okno.ActorFrom(r.Context()), string(stateFrom(r.Context()).loc.Lang())
	c, def, err := s.apiCaseOfPath(r)
	if err != nil {
		return err
	}
	events, err := s.deps.Cases.Timeline(ctx, actor, c.ID)
	if err != nil {
		return err
	}
	out := page[eventJSON]{Items: make([]eventJSON, len(events))}
	for i, e := range events {
		out.Items[i] = toEventJSON(e, def, lang)
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiCaseAllowed lists the actions the client may take on a case now,
// with the version to send back when taking one.
func (s *Server) apiCaseAllowed(w http.ResponseWriter, r *http.Request) error {
	ctx, actor, lang := r.Context(), okno.ActorFrom(r.Context()), string(stateFrom(r.Context()).loc.Lang())
	c, def, err := s.apiCaseOfPath(r)
	if err != nil {
		return err
	}
	allowed, err := s.deps.Cases.Allowed(ctx, actor, c)
	if err != nil {
		return err
	}
	items := make([]allowedJSON, len(allowed))
	for i, a := range allowed {
		items[i] = toAllowedJSON(a, def, lang)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"version": c.Version, "items": items})
}

// apiCaseAct takes an action: JSON {"action", "version", "comment",
// "fields"}, or that JSON as the "request" part of a multipart body with
// files. A stale version is 409 and changes nothing.
func (s *Server) apiCaseAct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in actionJSON
	ups, err := decodeAPIRequest(r, &in)
	if err != nil {
		return err
	}
	c, err := s.deps.Cases.Act(ctx, okno.ActorFrom(ctx), casework.ActionInput{CaseID: id, Version: in.Version,
		Action: in.Action, Comment: in.Comment, Fields: in.Fields, Documents: ups})
	if err != nil {
		return actionErrors(err)
	}
	return s.writeCase(w, r, http.StatusOK, c)
}

// apiCaseAssign moves one case to a position or person, or to another
// organisation.
func (s *Server) apiCaseAssign(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assignJSON
	if err := decodeJSON(r.Body, &in); err != nil {
		return err
	}
	c, err := s.deps.Cases.Assign(ctx, okno.ActorFrom(ctx), id, in.Version,
		casework.Assignment{OrgID: in.OrgID, PositionID: in.PositionID, AssigneeID: in.AssigneeID, Comment: in.Comment})
	if err != nil {
		return renameFields(err, apiNames)
	}
	return s.writeCase(w, r, http.StatusOK, c)
}

// apiCasesAssign assigns several cases at once: all or none.
func (s *Server) apiCasesAssign(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in assignManyJSON
	if err := decodeJSON(r.Body, &in); err != nil {
		return err
	}
	if len(in.CaseIDs) == 0 {
		var fe okno.FieldErrors
		fe.Add("case_ids", "web.api.cases.case_ids_required")
		return fe.Err()
	}
	n, err := s.deps.Cases.AssignMany(ctx, okno.ActorFrom(ctx), in.CaseIDs,
		casework.Assignment{OrgID: in.OrgID, PositionID: in.PositionID, AssigneeID: in.AssigneeID, Comment: in.Comment})
	if err != nil {
		return renameFields(err, apiNames)
	}
	return writeJSON(w, http.StatusOK, map[string]int{"assigned": n})
}

// apiCaseDocuments lists the documents of a case the client may see.
func (s *Server) apiCaseDocuments(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	docs, err := s.deps.Cases.Documents(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	out := page[documentJSON]{Items: make([]documentJSON, len(docs))}
	for i, d := range docs {
		out.Items[i] = toDocumentJSON(d)
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiCaseAttach adds one document to a case: a multipart body with the
// case's "version" and the file under "documents" (an attachment) or
// "documents.<kind>".
func (s *Server) apiCaseAttach(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseCaseForm(r); err != nil {
		return err
	}
	ups, err := formUploads(r.MultipartForm)
	if err != nil {
		return err
	}
	version, verr := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	var fe okno.FieldErrors
	if verr != nil || version <= 0 {
		fe.Add("version", "web.api.cases.version_required")
	}
	if len(ups) != 1 {
		fe.Add(docsField, "web.api.cases.one_file")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	d, err := s.deps.Cases.Attach(ctx, okno.ActorFrom(ctx), id, version, ups[0])
	if err != nil {
		return err
	}
	w.Header().Set("Location", apiCasePath(id)+"/documents/"+strconv.FormatInt(d.ID, 10))
	return writeJSON(w, http.StatusCreated, toDocumentJSON(d))
}

// apiCaseDocument sends a document's content, or with ?preview=1 an
// image's preview.
func (s *Server) apiCaseDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	preview := r.URL.Query().Get("preview") == "1"
	d, body, err := s.deps.Cases.ReadDocument(ctx, okno.ActorFrom(ctx), id, docID, preview)
	if err != nil {
		return err
	}
	return sendDocument(w, d, body, preview)
}
