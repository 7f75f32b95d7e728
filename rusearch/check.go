package rusearch

import (
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
)

// CheckQuery refuses a query longer than the engine reads (MaxQueryBytes,
// MaxQueryWords), for a caller that prefers telling the user to cutting
// silently; Search itself never fails.
func CheckQuery(q string) error {
	if !utf8.ValidString(q) {
		return okno.Errorf(okno.EINVALID, "rusearch.query_encoding")
	}
	if len(q) > MaxQueryBytes {
		return okno.Errorf(okno.EINVALID, "rusearch.query_too_long", MaxQueryBytes/2)
	}
	if n := len(strings.Fields(q)); n > MaxQueryWords {
		return okno.Errorf(okno.EINVALID, "rusearch.query_too_many_words", MaxQueryWords)
	}
	return nil
}
