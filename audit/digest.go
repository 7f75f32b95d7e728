package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
)

// Digest returns the SHA-256 of v's canonical JSON, for Entry.Before and
// Entry.After: the log commits to an object's state without holding it, so
// personal data stays out of the log while a later copy of the state can still
// be checked against it.
//
// Canonical here means: object keys sorted at every depth (so a struct's
// field order does not matter, only its JSON names), no insignificant
// whitespace, no HTML escaping, numbers as encoding/json writes them (the
// ECMAScript form, as in RFC 8785). It is not full RFC 8785 — numbers keep
// the text they were written with — but one Go value always digests the same.
//
// Digest panics if v cannot be encoded as JSON (a channel, a func, a cycle):
// that is a programming error, like a bad pattern in regexp.MustCompile.
func Digest(v any) []byte {
	b, err := canonicalJSON(v)
	if err != nil {
		panic(fmt.Sprintf("audit: Digest of %T: %v", v, err))
	}
	sum := sha256.Sum256(b)
	return sum[:]
}

// canonicalJSON encodes v, decodes it into generic maps (whose keys
// encoding/json then writes sorted) keeping numbers as their literal text,
// and encodes that again.
func canonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(generic); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}
