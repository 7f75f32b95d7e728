package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// leaf is an entry in the form that is hashed. Verify fills it straight from
// scanned column bytes, without copying each row into an Entry.
type leaf struct {
	seq        int64
	at         int64 // microseconds since the Unix epoch: what both engines store
	actor      []byte
	action     []byte
	objectType []byte
	objectID   []byte
	before     []byte
	after      []byte
}

func leafOf(e Entry) leaf {
	return leaf{
		seq:        e.Seq,
		at:         e.At.UnixMicro(),
		actor:      []byte(e.Actor),
		action:     []byte(e.Action),
		objectType: []byte(e.ObjectType),
		objectID:   []byte(e.ObjectID),
		before:     e.Before,
		after:      e.After,
	}
}

// appendInput appends the leaf hash's input to dst: the RFC 6962 leaf prefix,
// then the canonical encoding — seq and at as 8-byte big-endian integers, then
// actor, action, object type, object id, before and after, each as a 4-byte
// big-endian length and its bytes (an absent digest has length 0). Lengths
// make the encoding unambiguous; seq inside it makes a moved row detectable.
// Anyone may recompute it: this layout is part of the log's format.
func (l *leaf) appendInput(dst []byte) []byte {
	dst = append(dst, leafPrefix)
	dst = binary.BigEndian.AppendUint64(dst, uint64(l.seq))
	dst = binary.BigEndian.AppendUint64(dst, uint64(l.at))
	for _, f := range [...][]byte{l.actor, l.action, l.objectType, l.objectID, l.before, l.after} {
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// hash returns the leaf hash, using buf as scratch space; it returns buf for
// reuse so that a loop over many leaves allocates nothing.
func (l *leaf) hash(buf []byte) (hash, []byte) {
	buf = l.appendInput(buf[:0])
	return sha256.Sum256(buf), buf
}

// LeafHash returns the RFC 6962 leaf hash of e, as stored with the entry and
// as a receipt's holder recomputes it before calling VerifyInclusion. e must
// carry the Seq and At that Append gave it.
func LeafHash(e Entry) []byte {
	l := leafOf(e)
	h, _ := l.hash(nil)
	return h[:]
}

// maxRefLen bounds the text fields. They hold references ("staff:3@org:7",
// "case", "1234"), not prose, and a tight bound keeps them that way.
const maxRefLen = 200

// validate checks what Append will hash and store. Both engines must accept
// the same entries, and PostgreSQL's TEXT refuses NUL and invalid UTF-8.
func validate(e Entry) error {
	var errs []error
	for _, f := range []struct {
		name, v  string
		required bool
	}{
		{"actor", e.Actor, true},
		{"action", e.Action, true},
		{"object type", e.ObjectType, true},
		{"object id", e.ObjectID, false},
	} {
		switch {
		case f.v == "" && f.required:
			errs = append(errs, fmt.Errorf("%s is empty", f.name))
		case len(f.v) > maxRefLen:
			errs = append(errs, fmt.Errorf("%s is %d bytes, more than %d", f.name, len(f.v), maxRefLen))
		case !utf8.ValidString(f.v) || strings.IndexByte(f.v, 0) >= 0:
			errs = append(errs, fmt.Errorf("%s is not valid UTF-8 text", f.name))
		}
	}
	// Digests only: this is also what keeps personal data out of Before/After.
	for _, f := range []struct {
		name string
		v    []byte
	}{{"before", e.Before}, {"after", e.After}} {
		if len(f.v) != 0 && len(f.v) != sha256.Size {
			errs = append(errs, fmt.Errorf("%s is %d bytes, want a %d-byte digest or none", f.name, len(f.v), sha256.Size))
		}
	}
	return errors.Join(errs...)
}

// nilIfEmpty stores an absent digest as NULL, whether the caller passed nil or
// an empty slice, so the row reads back as it was hashed.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
