package sqldb

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Keyset pages: a page ends at a row's (time, id) and the next page starts
// after it. The cursor is opaque to clients: base64 of "micros.id".

// maxCursor bounds a cursor's length; anything longer is not one of ours.
const maxCursor = 64

// EncodeCursor makes the cursor of the page after the row (at, id).
func EncodeCursor(at time.Time, id int64) string {
	key := strconv.FormatInt(at.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

// DecodeCursor reads what EncodeCursor wrote; ok is false for anything
// else (the caller names the field in its own words).
func DecodeCursor(s string) (at time.Time, id int64, ok bool) {
	if len(s) > maxCursor {
		return time.Time{}, 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, false
	}
	micros, ids, found := strings.Cut(string(raw), ".")
	if !found {
		return time.Time{}, 0, false
	}
	us, err1 := strconv.ParseInt(micros, 10, 64)
	n, err2 := strconv.ParseInt(ids, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return time.Time{}, 0, false
	}
	return Now(time.UnixMicro(us)), n, true
}
