package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
)

// This file holds what the case pages and the case API share: reading an
// action and its files from a request, naming an action's inputs, and
// sending a document safely.

// Form and multipart names of an action's inputs. A process field is sent
// as "fields.<name>", so that no field a process declares can clash with
// the form's own names; files as "documents" (attachments) or
// "documents.<kind>" (a document kind the action asks for), the names the
// case engine's problems with files carry.
const (
	fieldsPrefix = "fields."
	docsField    = "documents"
	docsPrefix   = "documents."
)

// maxUploadParts bounds the files one request may carry before the case
// engine counts them against its own, smaller limit: reading stops there.
const maxUploadParts = 20

// fieldInput is the input name of process field name.
func fieldInput(name string) string { return fieldsPrefix + name }

// actionErrors renames the field problems the case engine reports by a
// process field's name ("decision_no") to the input carrying it
// ("fields.decision_no"), so forms and problem details point at what the
// person or client sent. The engine's own inputs keep their names.
func actionErrors(err error) error {
	return renameFields(err, func(f string) string {
		if actionInputs[f] || strings.HasPrefix(f, docsPrefix) {
			return f
		}
		return fieldInput(f)
	})
}

// actionInputs are the inputs of an action that are not process fields.
var actionInputs = map[string]bool{"action": true, "version": true, "comment": true, "fields": true, docsField: true}

// parseCaseForm reads a form that may carry files (multipart) or not.
// Files beyond a small buffer wait on disk, and net/http removes them when
// the request ends. A body over the route's limit becomes 413.
func parseCaseForm(r *http.Request) error {
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return okno.Wrap(okno.EINVALID, "error.bad_request", err)
	}
	return nil
}

// actionFromForm reads an action of the case page: its name, the version
// the person saw, the comment, "fields.*" and the files.
func actionFromForm(r *http.Request, caseID int64) (casework.ActionInput, error) {
	if err := parseCaseForm(r); err != nil {
		return casework.ActionInput{}, err
	}
	in := casework.ActionInput{CaseID: caseID, Action: r.PostFormValue("action"), Comment: strings.TrimSpace(r.PostFormValue("comment"))}
	in.Version, _ = strconv.ParseInt(r.PostFormValue("version"), 10, 64) // a broken one is stale: the engine says so
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, fieldsPrefix); ok && name != "" && len(vs) > 0 {
			if in.Fields == nil {
				in.Fields = map[string]string{}
			}
			in.Fields[name] = strings.TrimSpace(vs[0])
		}
	}
	var err error
	in.Documents, err = formUploads(r.MultipartForm)
	return in, err
}

// formUploads reads the files of a multipart form: parts named
// "documents" are attachments, "documents.<kind>" documents of that kind. An empty file
// input (a browser sends one when nothing was chosen) is skipped.
func formUploads(form *multipart.Form) ([]casework.Upload, error) {
	if form == nil {
		return nil, nil
	}
	names := make([]string, 0, len(form.File))
	for n := range form.File {
		names = append(names, n)
	}
	sort.Strings(names)
	var ups []casework.Upload
	for _, n := range names {
		kind, ok := strings.CutPrefix(n, docsPrefix)
		switch {
		case n == docsField:
			kind = ""
		case !ok || kind == "":
			continue
		}
		for _, fh := range form.File[n] {
			if fh.Filename == "" && fh.Size == 0 {
				continue
			}
			if len(ups) == maxUploadParts {
				var fe okno.FieldErrors
				fe.Add(n, "web.case.too_many_files", maxUploadParts)
				return nil, fe.Err()
			}
			b, err := readPart(fh)
			if err != nil {
				return nil, err
			}
			ups = append(ups, casework.Upload{Kind: kind, Name: fh.Filename, Content: b})
		}
	}
	return ups, nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, okno.Wrap(okno.EINVALID, "error.bad_request", err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, okno.Wrap(okno.EINVALID, "error.bad_request", err)
	}
	return b, nil
}

// sendDocument writes a case document as a download (or, with preview,
// an image's JPEG preview shown inline). The type is the one sniffed when
// it was stored, never guessed again by the browser (nosniff); the file
// name is made safe for the header; and the sandbox keeps a document that
// a browser opens itself (a PDF) from running anything with the site's
// rights.
func sendDocument(w http.ResponseWriter, d casework.Document, body []byte, preview bool) error {
	h := w.Header()
	mt, disp, name := d.MediaType, "attachment", d.Name
	if preview {
		mt, disp = "image/jpeg", "inline"
		name = strings.TrimSuffix(name, fileExt(name)) + ".jpg"
	}
	if mt == "" {
		mt = "application/octet-stream"
	}
	h.Set("Content-Type", mt)
	h.Set("Content-Disposition", contentDisposition(disp, name))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// fileExt is name's extension with its dot, "" when none.
func fileExt(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || strings.ContainsAny(name[i:], `/\`) {
		return ""
	}
	return name[i:]
}

// maxFileNameRunes bounds a file name in a header.
const maxFileNameRunes = 120

// contentDisposition builds the header for a file called name (RFC 6266):
// a plain ASCII filename for old clients and the exact one, percent-encoded,
// in filename* (RFC 8187).
func contentDisposition(disposition, name string) string {
	name = safeFileName(name)
	return disposition + `; filename="` + asciiFileName(name) + `"; filename*=UTF-8''` + encodeRFC8187(name)
}

// safeFileName keeps what a file name may safely be: its last path
// element, without control and bidirectional-formatting characters (which
// can make "gpj.exe" look like "exe.jpg"), without leading dots, at most
// maxFileNameRunes long with its extension kept, and never empty.
func safeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if utf8.RuneCountInString(name) > maxFileNameRunes {
		ext := fileExt(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		stem := []rune(strings.TrimSuffix(name, ext))
		name = string(stem[:maxFileNameRunes-utf8.RuneCountInString(ext)]) + ext
	}
	if name == "" {
		return "document"
	}
	return name
}

// asciiFileName replaces what a quoted ASCII filename cannot hold.
func asciiFileName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';' {
			return '_'
		}
		return r
	}, name)
}

// encodeRFC8187 percent-encodes s as an ext-value: only attr-chars stay.
func encodeRFC8187(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
