package application

// The draft's form data: JSON pointers into it, setting and removing
// values, and which fields a page of the layout holds. The data is the
// shape formdecl.Decode gives (maps, slices, strings, json.Number, bool),
// so that what is stored, validated and shown is the same value.

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/okno/okno/formdecl"
)

// maxPointer bounds a data pointer in bytes.
const maxPointer = 512

// segments splits a JSON pointer ("/children/0/snils") into its unescaped
// segments; ok is false for anything that is not a pointer within limits.
func segments(ptr string) ([]string, bool) {
	if !strings.HasPrefix(ptr, "/") || len(ptr) > maxPointer {
		return nil, false
	}
	parts := strings.Split(ptr[1:], "/")
	if len(parts) > formdecl.MaxDataDepth {
		return nil, false
	}
	for i, p := range parts {
		if p == "" {
			return nil, false
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts, true
}

// index reads an array index segment.
func index(seg string) (int, bool) {
	i, err := strconv.Atoi(seg)
	if err != nil || i < 0 || i >= formdecl.MaxDataItems || strconv.Itoa(i) != seg {
		return 0, false
	}
	return i, true
}

// shape is ptr without its array indices: "/children/0/snils" →
// "/children/snils", the form in which layouts name a group's fields.
func shape(ptr string) string {
	parts := strings.Split(ptr, "/")
	out := parts[:0]
	for _, p := range parts {
		if _, ok := index(p); ok {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, "/")
}

// set puts v at ptr in data, making the objects and arrays on the way: an
// index past the end of an array grows it (with empty objects, or nothing
// for the last segment), so a page's answers may come in any order. v nil
// removes the value. ok is false when the data holds a value of another
// kind on the way (a string where the pointer needs an object).
func set(data map[string]any, ptr string, v any) bool {
	segs, ok := segments(ptr)
	if !ok {
		return false
	}
	var cur any = data
	for i, seg := range segs {
		last := i == len(segs)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if v == nil {
					delete(c, seg)
				} else {
					c[seg] = v
				}
				return true
			}
			next, exists := c[seg]
			if !exists || next == nil {
				next = container(segs[i+1])
				c[seg] = next
			}
			cur = next
		case []any:
			n, ok := index(seg)
			if !ok {
				return false
			}
			// Arrays are reached through their parent to grow in place.
			parent, key := at(data, segs[:i])
			if parent == nil {
				return false
			}
			for len(c) <= n {
				if last {
					c = append(c, nil)
				} else {
					c = append(c, container(segs[i+1]))
				}
			}
			put(parent, key, c)
			if last {
				c[n] = v
				return true
			}
			if c[n] == nil {
				c[n] = container(segs[i+1])
			}
			cur = c[n]
		default:
			return false
		}
	}
	return false
}

// container is the empty value a pointer's next segment needs.
func container(next string) any {
	if _, ok := index(next); ok {
		return []any{}
	}
	return map[string]any{}
}

// at returns the container holding the value at segs and its key there.
func at(data map[string]any, segs []string) (any, string) {
	if len(segs) == 0 {
		return nil, ""
	}
	var cur any = data
	for _, seg := range segs[:len(segs)-1] {
		cur = child(cur, seg)
		if cur == nil {
			return nil, ""
		}
	}
	return cur, segs[len(segs)-1]
}

// child is the value under seg in an object or an array, or nil.
func child(c any, seg string) any {
	switch c := c.(type) {
	case map[string]any:
		return c[seg]
	case []any:
		if n, ok := index(seg); ok && n < len(c) {
			return c[n]
		}
	}
	return nil
}

// put stores v under key in an object or an array.
func put(c any, key string, v any) {
	switch c := c.(type) {
	case map[string]any:
		c[key] = v
	case []any:
		if n, ok := index(key); ok && n < len(c) {
			c[n] = v
		}
	}
}

// get returns the value at ptr, or nil.
func get(data map[string]any, ptr string) any {
	segs, ok := segments(ptr)
	if !ok {
		return nil
	}
	var cur any = data
	for _, seg := range segs {
		if cur = child(cur, seg); cur == nil {
			return nil
		}
	}
	return cur
}

// normalise gives a value the shape formdecl.Decode gives JSON (numbers as
// json.Number), so answers typed by a page validate like stored data.
func normalise(v any) (any, bool) {
	if v == nil {
		return nil, true
	}
	b, err := json.Marshal(v)
	if err != nil || len(b) > formdecl.MaxDataBytes {
		return nil, false
	}
	out, errs := formdecl.Decode(b)
	return out, errs == nil
}

// pageFields lists the shapes of the fields a page holds (a group and
// each of its members, "/children" and "/children/fullName").
func pageFields(p *formdecl.Page) []string {
	var out []string
	var walk func(prefix string, fs []*formdecl.LayoutField)
	walk = func(prefix string, fs []*formdecl.LayoutField) {
		for _, f := range fs {
			ptr := prefix + f.Pointer
			out = append(out, shape(ptr))
			if f.Group {
				walk(ptr, f.Fields)
			}
		}
	}
	walk("", p.Fields)
	return out
}

// onPage reports whether the value at ptr belongs to one of fields (the
// field itself or a value inside it).
func onPage(fields []string, ptr string) bool {
	sh := shape(ptr)
	for _, f := range fields {
		if sh == f || strings.HasPrefix(sh, f+"/") {
			return true
		}
	}
	return false
}

// shown is a copy of data without the answers the citizen can no longer
// see: those on pages or behind conditions that no longer apply (the
// payment account after choosing the post). The draft keeps them, so
// changing one's mind back brings them back; what is checked and
// submitted is what the citizen was last asked, as GOV.UK forms do.
func shown(decl *formdecl.Decl, data map[string]any) (map[string]any, error) {
	out, err := clone(data)
	if err != nil || decl.Layout == nil {
		return out, err
	}
	applies := map[*formdecl.Page]bool{}
	for _, p := range decl.Layout.PagesFor(data) {
		applies[p] = true
	}
	for _, p := range decl.Layout.Pages {
		for _, f := range p.Fields {
			if !applies[p] || !f.Shown(data) {
				set(out, f.Pointer, nil)
			}
		}
	}
	return out, nil
}
