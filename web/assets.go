package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/okno/okno"
)

// assetSet is the embedded static files with a content hash each. URLs
// carry the hash (?v=…), so a file can be cached for a year and a new
// release is fetched at once.
type assetSet struct {
	files map[string]asset // by path below assets/, e.g. "css/okno.css"
}

type asset struct {
	body []byte
	hash string
}

func loadAssets(fsys fs.FS, dir string) (*assetSet, error) {
	set := &assetSet{files: map[string]asset{}}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		set.files[strings.TrimPrefix(p, dir+"/")] = asset{body: b, hash: hex.EncodeToString(sum[:6])}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load assets: %w", err)
	}
	return set, nil
}

// url returns the versioned URL of an asset. An unknown name is a template
// defect: it panics during rendering, which tests catch.
func (a *assetSet) url(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("web: no asset %q", name)
	}
	return "/assets/" + name + "?v=" + f.hash, nil
}

// serveAsset serves an embedded file: immutable for a year when the URL
// carries the current hash, revalidated otherwise.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("path")
	f, ok := s.assets.files[name]
	if !ok {
		return okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if path.Ext(name) == ".js" {
		ctype = "text/javascript; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
	return nil
}
