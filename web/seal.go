package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"

	"net/http"
	"time"
)

// Sealed cookies keep small pieces of a person's own in-progress state in
// their browser — the answers of a multi-page form, the contact they signed
// up with — encrypted and authenticated under a key derived from the
// server's CSRF key, so every replica can open them and nobody else can
// read or forge them. They need no table, survive back and forward, reloads
// and restarts, and are bound (through the associated data) to the account
// or purpose they were made for.

// sealKey derives the cookie-sealing key: never the CSRF key itself, so a
// value made for one use cannot pass for the other.
func (s *Server) sealKey() []byte {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte("okno sealed cookie v1"))
	return m.Sum(nil)
}

func (s *Server) aead() cipher.AEAD {
	block, err := aes.NewCipher(s.sealKey())
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return gcm
}

// setSealed stores v, sealed for purpose, in cookie name under path.
func (s *Server) setSealed(w http.ResponseWriter, name, path, purpose string, v any, maxAge time.Duration) error {
	plain, err := json.Marshal(v)
	if err != nil {
		return err
	}
	g := s.aead()
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	sealed := g.Seal(nonce, nonce, plain, []byte(purpose))
	http.SetCookie(w, &http.Cookie{Name: name, Value: base64.RawURLEncoding.EncodeToString(sealed), Path: path,
		MaxAge: int(maxAge.Seconds()), Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return nil
}

// openSealed reads cookie name sealed for purpose into v. A missing,
// forged, stale-keyed or foreign cookie reports false and leaves v alone:
// the person simply starts again.
func (s *Server) openSealed(r *http.Request, name, purpose string, v any) bool {
	c, err := r.Cookie(name)
	if err != nil {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	g := s.aead()
	if err != nil || len(raw) < g.NonceSize() {
		return false
	}
	plain, err := g.Open(nil, raw[:g.NonceSize()], raw[g.NonceSize():], []byte(purpose))
	if err != nil {
		return false
	}
	return json.Unmarshal(plain, v) == nil
}

// clearCookie removes cookie name under path.
func (s *Server) clearCookie(w http.ResponseWriter, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1,
		Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteStrictMode})
}
