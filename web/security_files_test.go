package web_test

import (
	"bytes"
	"context"
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno/app"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// startLiveAt is webtest.StartLive with the data directory in sight, so
// that a test can look at what the server wrote to disk.
func startLiveAt(t *testing.T, dsn, dataDir string) *webtest.Live {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: dataDir, DB: dsn, DevInsecureCookies: true, DemoMailbox: true})
	mustOK(t, err)
	srv := httptest.NewServer(a.Web.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &webtest.Live{App: a, URL: srv.URL}
}

// hostileFileNames are names an uploader controls: traversal in both
// separators, absolute paths, NUL and control characters, header
// splitting, quotes that end a Content-Disposition parameter, bidi
// overrides, reserved device names and very long names.
var hostileFileNames = []string{
	"../../etc/passwd",
	"../../../../../../tmp/okno-pwned.png",
	`..\..\..\windows\win.ini`,
	`C:\Windows\System32\drivers\etc\hosts`,
	"/etc/shadow",
	"photo.png\x00.exe",
	"evil\r\nX-Injected: 1\r\n.png",
	`evil"; filename*=UTF-8''evil.html; x=".png`,
	"фото\u202Egnp.exe",
	"CON.png",
	".htaccess",
	"..",
	strings.Repeat("я", 5000) + ".png",
	strings.Repeat("a/", 300) + "deep.png",
}

// rawMultipart builds a multipart body by hand, so the file name reaches
// the server exactly as written (mime/multipart's writer would escape it).
func rawMultipart(field, name string, content []byte, pairs ...string) (body []byte, contentType string) {
	const boundary = "okno-security-boundary-7c1f"
	var b bytes.Buffer
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + pairs[i] + "\"\r\n\r\n" + pairs[i+1] + "\r\n")
	}
	b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name + "\"\r\nContent-Type: image/png\r\n\r\n")
	b.Write(content)
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.Bytes(), "multipart/form-data; boundary=" + boundary
}

var blobPath = regexp.MustCompile(`^blobs/(previews/)?[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$`)

// TestSecurityFileNames uploads documents under hostile names to a case,
// as the official working it, then downloads each as the official and as
// the applicant: no request fails with 5xx, every Content-Disposition
// parses and names a plain file (no separators, no control characters,
// bounded), no header is injected, and on disk the blob directory holds
// only content-addressed files — no name anyone gave was ever a path.
func TestSecurityFileNames(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		root := t.TempDir()
		live := startLiveAt(t, dsn, filepath.Join(root, "data"))
		w := buildWorld(t, live)
		ctx := context.Background()
		off := w.actor(t, "staff-official")
		page := "/staff/cases/" + strconv.FormatInt(w.caseID, 10)
		stored := 0
		for _, name := range hostileFileNames {
			v := live.NewVisitor(t).SignedIn(off.token)
			v.Get(page)
			body, ctype := rawMultipart("documents", name, testPNG(t), "csrf_token", csrfTokenRE.FindStringSubmatch(v.Last)[1], "version", caseVersion(t, live, off, w.caseID))
			status, resp := rawRequest(t, live, "POST", page+"/documents", ctype, string(body), map[string]string{"Cookie": "okno_session=" + off.token})
			switch {
			case status >= 500:
				t.Errorf("upload named %.60q: status %d\n%s", name, status, excerptOf(resp))
			case status == http.StatusSeeOther:
				stored++
			}
		}
		if stored < len(hostileFileNames)/2 {
			t.Fatalf("only %d of %d uploads were stored: the test proves little", stored, len(hostileFileNames))
		}

		docs, err := live.App.Cases.Documents(ctx, off.actor, w.caseID)
		mustOK(t, err)
		for _, d := range docs {
			doc := page + "/documents/" + strconv.FormatInt(d.ID, 10)
			for _, as := range []struct{ who, path string }{
				{off.token, doc},
				{w.actor(t, "apikey").key, "/api/v1/cases/" + strconv.FormatInt(w.caseID, 10) + "/documents/" + strconv.FormatInt(d.ID, 10)},
			} {
				req, err := http.NewRequest("GET", live.URL+as.path, nil)
				mustOK(t, err)
				if strings.HasPrefix(as.path, "/api/") {
					req.Header.Set("Authorization", "Bearer "+as.who)
				} else {
					req.AddCookie(&http.Cookie{Name: "okno_session", Value: as.who})
				}
				res, err := noRedirectClient.Do(req)
				mustOK(t, err)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", as.path, res.StatusCode)
					continue
				}
				checkDisposition(t, as.path, res.Header)
			}
		}

		// The same names attached to an application draft, downloaded by
		// the applicant from the check page.
		putApplyServices(t, live, identity.AssuranceSimplified)
		ann := newApplyCitizen(t, live, "files", 9, false)
		av := live.NewVisitor(t).SignedIn(ann.token)
		draft := "/applications/" + strconv.FormatInt(startDraft(t, av, applyCode), 10)
		// The form takes a few documents: each is attached, downloaded
		// and removed before the next.
		linkRE := regexp.MustCompile(`href="(` + draft + `/files/\d+)" download`)
		downloaded := 0
		for _, name := range hostileFileNames {
			av.Get(draft + "/pages/files")
			body, ctype := rawMultipart("/docs", name, testPNG(t), "csrf_token", csrfTokenRE.FindStringSubmatch(av.Last)[1], "page", "files")
			if status, resp := rawRequest(t, live, "POST", draft+"/files", ctype, string(body), map[string]string{"Cookie": "okno_session=" + ann.token}); status >= 500 {
				t.Errorf("draft upload named %.60q: status %d\n%s", name, status, excerptOf(resp))
			}
			av.Get(draft + "/check")
			for _, l := range linkRE.FindAllStringSubmatch(av.Last, -1) {
				req, err := http.NewRequest("GET", live.URL+l[1], nil)
				mustOK(t, err)
				req.AddCookie(&http.Cookie{Name: "okno_session", Value: ann.token})
				res, err := noRedirectClient.Do(req)
				mustOK(t, err)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", l[1], res.StatusCode)
					continue
				}
				checkDisposition(t, l[1], res.Header)
				downloaded++
				av.Post(l[1] + "/delete")
			}
		}
		if downloaded < len(hostileFileNames)/2 {
			t.Fatalf("downloaded %d of %d draft documents: the test proves little", downloaded, len(hostileFileNames))
		}

		// Traversal in the address itself: the route's wildcards are IDs
		// and asset names, never paths on disk.
		for _, p := range []string{
			page + "/documents/..%2F..%2F..%2Fetc%2Fpasswd",
			page + "/documents/1%00",
			"/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
			"/assets/css%2F..%2F..%2Fserver.go",
			"/assets/%2e%2e/%2e%2e/go.mod",
			"/services/..%2F..%2Fetc%2Fpasswd/owner-photo",
		} {
			status, body := rawRequest(t, live, "GET", p, "", "", map[string]string{"Cookie": "okno_session=" + off.token})
			if status == http.StatusOK || status >= 500 || strings.Contains(body, "root:") || strings.Contains(body, "package web") || strings.Contains(body, "module github.com") {
				t.Errorf("GET %s: status %d\n%.300s", p, status, body)
			}
		}

		// On disk: the data directory holds the database, keys and blobs
		// named by their content, nothing else and nothing outside it.
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(filepath.Join(root, "data"), path)
			rel = filepath.ToSlash(rel)
			switch {
			case strings.HasPrefix(rel, "blobs/"):
				if !blobPath.MatchString(rel) {
					t.Errorf("a blob is stored as %q, not by its content's address", rel)
				}
			case strings.HasPrefix(rel, "../"):
				t.Errorf("the server wrote %q outside its data directory", rel)
			case strings.Contains(rel, "/"):
				t.Errorf("unexpected file %q in the data directory", rel)
			}
			return nil
		})
		mustOK(t, err)
		if _, err := os.Stat("/tmp/okno-pwned.png"); err == nil {
			t.Error("an upload's name became /tmp/okno-pwned.png")
		}
	})
}

// caseVersion is the case's current version, which forms on its page carry.
func caseVersion(t *testing.T, live *webtest.Live, ra realActor, id int64) string {
	t.Helper()
	c, err := live.App.Cases.Get(context.Background(), ra.actor, id)
	mustOK(t, err)
	return strconv.FormatInt(c.Version, 10)
}

// checkDisposition fails unless h's Content-Disposition parses and its
// file names are plain names a browser saves in its download folder.
func checkDisposition(t *testing.T, where string, h http.Header) {
	t.Helper()
	if h.Get("X-Injected") != "" {
		t.Errorf("%s: a header was injected through the file name", where)
	}
	cd := h.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(cd)
	if err != nil || (disp != "attachment" && disp != "inline") {
		t.Errorf("%s: Content-Disposition %q does not parse: %v", where, cd, err)
		return
	}
	name := params["filename"]
	if name == "" {
		t.Errorf("%s: Content-Disposition %q names no file", where, cd)
	}
	if strings.ContainsAny(name, "/\\\x00\r\n\"") || strings.HasPrefix(name, ".") || len(name) > 1024 {
		t.Errorf("%s: the file is offered as %.80q", where, name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("%s: the offered name %.80q holds control or bidi character %U", where, name, r)
		}
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: a download without nosniff", where)
	}
}
