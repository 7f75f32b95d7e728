package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
)

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"ascii", "answer.pdf", `attachment; filename="answer.pdf"; filename*=UTF-8''answer.pdf`},
		{"cyrillic", "Ответ на обращение.pdf", `attachment; filename="_____ __ _________.pdf"; filename*=UTF-8''%D0%9E%D1%82%D0%B2%D0%B5%D1%82%20%D0%BD%D0%B0%20%D0%BE%D0%B1%D1%80%D0%B0%D1%89%D0%B5%D0%BD%D0%B8%D0%B5.pdf`},
		{"a path", `C:\Users\anna\Desktop\photo.jpg`, `attachment; filename="photo.jpg"; filename*=UTF-8''photo.jpg`},
		{"a unix path up", "../../etc/passwd", `attachment; filename="passwd"; filename*=UTF-8''passwd`},
		{"quotes and semicolons", `a"b;c\d.png`, `attachment; filename="d.png"; filename*=UTF-8''d.png`},
		{"quotes kept out of the quoted name", `say "hi"; ok.png`, `attachment; filename="say _hi__ ok.png"; filename*=UTF-8''say%20%22hi%22%3B%20ok.png`},
		{"header injection", "x.pdf\r\nSet-Cookie: a=b", `attachment; filename="x.pdfSet-Cookie: a=b"; filename*=UTF-8''x.pdfSet-Cookie%3A%20a%3Db`},
		{"bidi override", "photo\u202egpj.exe", `attachment; filename="photogpj.exe"; filename*=UTF-8''photogpj.exe`},
		{"hidden file", ".htaccess", `attachment; filename="htaccess"; filename*=UTF-8''htaccess`},
		{"nothing left", " / ", `attachment; filename="document"; filename*=UTF-8''document`},
		{"empty", "", `attachment; filename="document"; filename*=UTF-8''document`},
	}
	for _, tt := range tests {
		if got := contentDisposition("attachment", tt.file); got != tt.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}

func TestSafeFileNameKeepsTheExtensionOfLongNames(t *testing.T) {
	got := safeFileName(strings.Repeat("я", 300) + ".pdf")
	if n := len([]rune(got)); n != maxFileNameRunes {
		t.Errorf("%d runes, want %d", n, maxFileNameRunes)
	}
	if !strings.HasSuffix(got, "я.pdf") {
		t.Errorf("got %q: the extension is lost", got)
	}
}

func TestSendDocument(t *testing.T) {
	rec := httptest.NewRecorder()
	d := casework.Document{Name: "фото.png", MediaType: "image/png"}
	if err := sendDocument(rec, d, []byte("png bytes"), false); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Content-Type":            "image/png",
		"Content-Disposition":     `attachment; filename="____.png"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE.png`,
		"Content-Length":          "9",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; sandbox",
		"Cache-Control":           "private, no-store",
	}
	got := map[string]string{}
	for k := range want {
		got[k] = rec.Header().Get(k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}

	rec = httptest.NewRecorder()
	if err := sendDocument(rec, d, []byte("jpeg"), true); err != nil {
		t.Fatal(err)
	}
	if ct, cd := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"); ct != "image/jpeg" || !strings.HasPrefix(cd, `inline; filename="____.jpg"`) {
		t.Errorf("preview: Content-Type %q, Content-Disposition %q", ct, cd)
	}
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name, body string
		code       okno.ErrorCode
		field      string
	}{
		{"good", `{"action": "reply", "version": 3, "fields": {"a": "b"}}`, "", ""},
		{"not JSON", `action=reply`, okno.EINVALID, ""},
		{"empty", ``, okno.EINVALID, ""},
		{"unknown field", `{"acton": "reply"}`, okno.EINVALID, ""},
		{"two values", `{"action": "a"} {"action": "b"}`, okno.EINVALID, ""},
		{"wrong type", `{"version": "3"}`, okno.EINVALID, "version"},
		{"wrong type inside", `{"fields": {"a": 1}}`, okno.EINVALID, "fields"},
	}
	for _, tt := range tests {
		var in actionJSON
		err := decodeJSON(strings.NewReader(tt.body), &in)
		if got := okno.ErrorCodeOf(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
		}
		if got := strings.Join(errorFields(err), ","); got != tt.field {
			t.Errorf("%s: fields %q, want %q", tt.name, got, tt.field)
		}
	}
}

func TestActionErrorsNameWhatWasSent(t *testing.T) {
	var fe okno.FieldErrors
	fe.Add("comment", "casework.comment_required")
	fe.Add("reason", "casework.field_required")
	fe.Add("documents", "casework.file_type", 1)
	fe.Add("action", "casework.action_unknown")
	got := errorFields(actionErrors(fe.Err()))
	want := []string{"comment", "fields.reason", "documents", "action"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if err := actionErrors(nil); err != nil {
		t.Errorf("actionErrors(nil) = %v", err)
	}
}

func TestFormUploads(t *testing.T) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	add := func(field, name, content string) {
		fw, err := mw.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	add("documents", "a.png", "A")
	add("documents", "", "") // a file input left empty
	add("documents.answer_letter", "b.pdf", "B")
	add("other", "c.png", "C") // not a document part
	mw.WriteField("version", "4")
	mw.Close()
	r := httptest.NewRequest("POST", "/", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if err := parseCaseForm(r); err != nil {
		t.Fatal(err)
	}
	got, err := formUploads(r.MultipartForm)
	if err != nil {
		t.Fatal(err)
	}
	want := []casework.Upload{{Name: "a.png", Content: []byte("A")}, {Kind: "answer_letter", Name: "b.pdf", Content: []byte("B")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
}

func TestFormUploadsStopsAtTheLimit(t *testing.T) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for range maxUploadParts + 1 {
		fw, _ := mw.CreateFormFile("documents", "x.png")
		fw.Write([]byte("x"))
	}
	mw.Close()
	r := httptest.NewRequest("POST", "/", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if err := parseCaseForm(r); err != nil {
		t.Fatal(err)
	}
	_, err := formUploads(r.MultipartForm)
	if got := strings.Join(errorFields(err), ","); got != "documents" {
		t.Errorf("fields %q (%v), want documents", got, err)
	}
}

func TestParseCaseFormTooLarge(t *testing.T) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("documents", "big.png")
	fw.Write(bytes.Repeat([]byte("x"), 4096))
	mw.Close()
	r := httptest.NewRequest("POST", "/", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1024)
	err := parseCaseForm(r)
	if got := statusOf(classify(err)); got != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d (%v), want 413", got, err)
	}
}

// TestAPIActor pins down the case API's rule: keys, citizens and staff
// acting for an organisation; nobody else; and only under /api/.
func TestAPIActor(t *testing.T) {
	tests := []struct {
		name      string
		actor     okno.Actor
		assurance Assurance
		want      bool
	}{
		{"anonymous", okno.Actor{}, AssuranceNone, false},
		{"citizen", okno.Actor{Kind: okno.ActorCitizen, UserID: 1}, AssuranceSimplified, true},
		{"citizen confirmed", okno.Actor{Kind: okno.ActorCitizen, UserID: 1}, AssuranceConfirmed, true},
		{"citizen without a level", okno.Actor{Kind: okno.ActorCitizen, UserID: 1}, AssuranceNone, false},
		{"staff acting for an organisation", okno.Actor{Kind: okno.ActorStaff, UserID: 2, OrgID: 5, Roles: []okno.Role{okno.RoleOfficial}}, AssuranceNone, true},
		{"staff choosing none", okno.Actor{Kind: okno.ActorStaff, UserID: 2}, AssuranceNone, false},
		{"api key", okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 3, OrgID: 5}, AssuranceNone, true},
		{"system", okno.System, AssuranceNone, false},
	}
	for _, tt := range tests {
		if got := APIActor().Allows(tt.actor, tt.assurance); got != tt.want {
			t.Errorf("%s: allows = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := APIActor().String(); got != "apikey|citizen|staff" {
		t.Errorf("String() = %q", got)
	}
	h := func(http.ResponseWriter, *http.Request) error { return nil }
	got := routeProblems([]Route{{Method: "GET", Pattern: "/cases", Access: APIActor(), Handler: h}})
	if diff := cmp.Diff([]string{"GET /cases: API-key access outside /api/"}, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
