package formdecl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// limits bound a JSON document before anything looks at its meaning, so a
// hostile or broken document costs at most a known amount of work.
type limits struct {
	bytes  int // whole document
	depth  int // nesting of objects and arrays
	items  int // elements of one array or members of one object
	string int // bytes of one string
}

// jsonError says why a document could not be read; key is a catalogue key
// and ptr the JSON pointer of the value that broke a limit ("" for the whole).
type jsonError struct {
	ptr  string
	key  string
	args []any
}

func (e *jsonError) Error() string { return e.key + " at " + strconv.Quote(e.ptr) }

// decodeJSON reads one JSON value with lim enforced while reading. Numbers
// stay json.Number so that large integers and decimals are compared exactly
// as written. Invalid UTF-8 is refused: encoding/json would silently turn it
// into U+FFFD, and a citizen must be told instead that the text is damaged.
func decodeJSON(b []byte, lim limits) (any, error) {
	v, _, err := decodeOrdered(b, lim, false)
	return v, err
}

// decodeOrdered is decodeJSON that can also return the key order of every
// object, by pointer.
func decodeOrdered(b []byte, lim limits, keepOrder bool) (any, map[string][]string, error) {
	if len(b) > lim.bytes {
		return nil, nil, &jsonError{key: "formdecl.json_too_large", args: []any{lim.bytes / 1024}}
	}
	if !utf8.Valid(b) {
		return nil, nil, &jsonError{key: "formdecl.json_encoding"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	r := reader{dec: dec, lim: lim}
	if keepOrder {
		r.order = map[string][]string{}
	}
	v, err := r.value("", 0)
	if err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, &jsonError{key: "formdecl.json_syntax"}
	}
	return v, r.order, nil
}

type reader struct {
	dec *json.Decoder
	lim limits
	// order, when not nil, records each object's keys in document order by
	// the object's pointer: a declaration lists its fields in the order a
	// citizen meets them, and problems are reported in that order.
	order map[string][]string
	// damaged, when not nil, collects the pointers of strings and keys that
	// hold U+FFFD: encoding/json's stand-in for bytes that were not UTF-8.
	damaged *[]string
}

// damagedPointers reads a document that is not valid UTF-8 and returns the
// pointers of the values (or keys) where the damage is, so a form can name
// the field whose text must be typed again. It returns nil when the
// document cannot be read at all.
func damagedPointers(b []byte, lim limits) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	r := reader{dec: dec, lim: lim, damaged: &[]string{}}
	if _, err := r.value("", 0); err != nil {
		return nil
	}
	return *r.damaged
}

func (r *reader) value(ptr string, depth int) (any, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return nil, &jsonError{ptr: ptr, key: "formdecl.json_syntax"}
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= r.lim.depth {
			return nil, &jsonError{ptr: ptr, key: "formdecl.json_too_deep", args: []any{r.lim.depth}}
		}
		if t == '[' {
			arr := []any{}
			for r.dec.More() {
				if len(arr) >= r.lim.items {
					return nil, &jsonError{ptr: ptr, key: "formdecl.json_too_many_items", args: []any{r.lim.items}}
				}
				v, err := r.value(ptr+"/"+strconv.Itoa(len(arr)), depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			r.dec.Token() // the closing bracket; a syntax error surfaces on the next read
			return arr, nil
		}
		obj := map[string]any{}
		for r.dec.More() {
			kt, err := r.dec.Token()
			if err != nil {
				return nil, &jsonError{ptr: ptr, key: "formdecl.json_syntax"}
			}
			k, _ := kt.(string)
			if len(obj) >= r.lim.items {
				return nil, &jsonError{ptr: ptr, key: "formdecl.json_too_many_items", args: []any{r.lim.items}}
			}
			if len(k) > r.lim.string {
				return nil, &jsonError{ptr: ptr, key: "formdecl.json_string_too_long", args: []any{r.lim.string}}
			}
			child := ptr + "/" + escapePointer(k)
			if r.damaged != nil && strings.ContainsRune(k, utf8.RuneError) {
				*r.damaged = append(*r.damaged, child)
			}
			if _, dup := obj[k]; dup {
				return nil, &jsonError{ptr: child, key: "formdecl.json_duplicate_key"}
			}
			v, err := r.value(child, depth+1)
			if err != nil {
				return nil, err
			}
			obj[k] = v
			if r.order != nil {
				r.order[ptr] = append(r.order[ptr], k)
			}
		}
		if _, err := r.dec.Token(); err != nil {
			return nil, &jsonError{ptr: ptr, key: "formdecl.json_syntax"}
		}
		return obj, nil
	case string:
		if len(t) > r.lim.string {
			return nil, &jsonError{ptr: ptr, key: "formdecl.json_string_too_long", args: []any{r.lim.string}}
		}
		if r.damaged != nil && strings.ContainsRune(t, utf8.RuneError) {
			*r.damaged = append(*r.damaged, ptr)
		}
		return t, nil
	case json.Number:
		if len(t) > 64 {
			return nil, &jsonError{ptr: ptr, key: "formdecl.json_number"}
		}
		return t, nil
	default: // bool, nil
		return t, nil
	}
}

// escapePointer escapes one JSON pointer reference token (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// unescapePointer undoes escapePointer.
func unescapePointer(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
}

// number returns a JSON number as float64; ok is false for anything else.
func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	if err != nil {
		return 0, false
	}
	return f, true
}

// equal compares JSON values by value, numbers numerically (1 == 1.0).
func equal(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		fa, ok1 := number(x)
		fb, ok2 := number(b)
		return ok1 && ok2 && fa == fb
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	}
	return false
}
