package formdecl

import (
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Schema is one compiled JSON Schema (2020-12) node of a form declaration.
// Only the subset forms need is understood; any other keyword is a
// declaration error, so a typo is caught when the form is published rather
// than silently ignored when a citizen applies.
type Schema struct {
	ptr     string // where the node is in its document, for messages
	always  *bool  // a boolean schema: true accepts anything, false nothing
	types   []string
	Title   string // Russian label shown to citizens
	TitleEn string // English label (x-title-en); Title when empty

	properties map[string]*Schema
	propOrder  []string
	required   []string
	noExtra    bool // additionalProperties: false

	enum     []any
	constVal any
	hasConst bool

	minLength, maxLength int // runes; -1 when absent
	pattern              *regexp.Regexp
	format               string

	minimum, maximum, exclMin, exclMax *float64
	multipleOf                         float64

	minItems, maxItems int // -1 when absent
	uniqueItems        bool
	items              *Schema

	ref                 string
	refTo               *Schema
	allOf, anyOf, oneOf []*Schema
	ifS, thenS, elseS   *Schema
	directory, prefill  string

	// Annotations for the page that renders the field (see info.go).
	hint, hintEn   string   // x-hint / x-hint-en, else description
	descr, descrEn string   // description / x-description-en
	accept         []string // x-accept: content types a file field takes
	maxBytes       int64    // x-max-bytes: the largest file, 0 when not set
	widget         string   // x-widget
}

// Property returns the schema of an object's property (following $ref), or nil.
func (s *Schema) Property(name string) *Schema {
	s = s.resolve()
	if s == nil || s.properties == nil {
		return nil
	}
	return s.properties[name]
}

// resolve follows a $ref-only node to its target, so titles and properties
// declared in $defs are found through the reference.
func (s *Schema) resolve() *Schema {
	for i := 0; s != nil && s.refTo != nil && i < 16; i++ {
		if s.properties != nil || len(s.types) > 0 {
			return s
		}
		s = s.refTo
	}
	return s
}

// label returns the node's title in Russian or English, following $ref.
func (s *Schema) label(en bool) string {
	for i := 0; s != nil && i < 16; i++ {
		if en && s.TitleEn != "" {
			return s.TitleEn
		}
		if s.Title != "" {
			return s.Title
		}
		s = s.refTo
	}
	return ""
}

var knownTypes = []string{"string", "integer", "number", "boolean", "object", "array", "null"}

var knownFormats = map[string]bool{
	"date": true, "date-time": true, "email": true, "uri": true,
	"snils": true, "inn": true, "inn10": true, "inn12": true, "ogrn": true,
	"ogrnip": true, "passport-rf": true, "phone-ru": true,
	"file": true, // a reference to an attached document (see checkFormat)
}

// Limits of the file keywords: a declaration cannot ask the server to take
// more than this in one document, nor list more content types. The bound
// is the case engine's per-file limit (casework.DefaultLimits), which a
// submitted application's documents must pass.
const (
	MaxFileBytes = 10 << 20
	maxAccept    = 20
)

var knownWidgets = []string{"textarea", "radio", "checkboxes", "select"}

// compiler turns a decoded declaration into Schema nodes, collecting every
// problem with its JSON pointer instead of stopping at the first.
type compiler struct {
	byPtr  map[string]*Schema
	refs   []*Schema
	errs   DeclErrors
	fields int
	order  map[string][]string // object keys in document order, by pointer
}

func newCompiler() *compiler { return &compiler{byPtr: map[string]*Schema{}} }

func (c *compiler) fail(ptr, key string, args ...any) {
	if len(c.errs) < maxDeclErrors {
		c.errs = append(c.errs, DeclError{Pointer: ptr, Key: key, Args: args})
	}
}

// link resolves every $ref once all nodes are known; a reference may point
// only at a schema inside the same document.
func (c *compiler) link() {
	for _, s := range c.refs {
		if !strings.HasPrefix(s.ref, "#") {
			c.fail(s.ptr+"/$ref", "formdecl.decl_ref_external")
			continue
		}
		p, err := url.PathUnescape(s.ref[1:])
		if err != nil {
			c.fail(s.ptr+"/$ref", "formdecl.decl_ref_unresolved", s.ref)
			continue
		}
		t, ok := c.byPtr[p]
		if !ok {
			c.fail(s.ptr+"/$ref", "formdecl.decl_ref_unresolved", s.ref)
			continue
		}
		s.refTo = t
	}
}

func (c *compiler) compile(v any, ptr string, depth int) *Schema {
	s := &Schema{ptr: ptr, minLength: -1, maxLength: -1, minItems: -1, maxItems: -1}
	c.byPtr[ptr] = s
	if b, ok := v.(bool); ok {
		s.always = &b
		return s
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(ptr, "formdecl.decl_not_schema")
		return s
	}
	if depth > maxDeclDepth {
		c.fail(ptr, "formdecl.decl_too_deep", maxDeclDepth)
		return s
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // problems in a stable order
	for _, k := range keys {
		c.keyword(s, k, m[k], ptr+"/"+escapePointer(k), depth)
	}
	if s.hasConst && s.enum != nil {
		c.fail(ptr, "formdecl.decl_enum_and_const")
	}
	if s.minimum != nil && s.maximum != nil && *s.minimum > *s.maximum ||
		s.minLength >= 0 && s.maxLength >= 0 && s.minLength > s.maxLength ||
		s.minItems >= 0 && s.maxItems >= 0 && s.minItems > s.maxItems {
		c.fail(ptr, "formdecl.decl_range_empty")
	}
	// A required name the same object does not declare is almost always a
	// typo. Only checked where the object lists its properties and does not
	// combine schemas, which may declare the field elsewhere.
	for _, r := range s.required {
		if s.properties != nil && s.properties[r] == nil && s.ifS == nil && len(s.allOf) == 0 && s.refTo == nil && s.ref == "" {
			c.fail(ptr+"/required", "formdecl.decl_required_undeclared", r)
		}
	}
	return s
}

func (c *compiler) keyword(s *Schema, k string, v any, ptr string, depth int) {
	switch k {
	case "title", "description", "x-title-en", "x-description-en", "x-hint", "x-hint-en", "$comment":
		str, ok := v.(string)
		if !ok || utf8.RuneCountInString(str) > maxLabel {
			c.fail(ptr, "formdecl.decl_bad_label", maxLabel)
			return
		}
		switch k {
		case "title":
			s.Title = str
		case "x-title-en":
			s.TitleEn = str
		case "x-hint":
			s.hint = str
		case "x-hint-en":
			s.hintEn = str
		case "description":
			s.descr = str
		case "x-description-en":
			s.descrEn = str
		}
	case "$schema", "$id", "default", "examples":
		// annotations: accepted, not used
	case "$defs":
		m, ok := v.(map[string]any)
		if !ok {
			c.fail(ptr, "formdecl.decl_want_object")
			return
		}
		for _, name := range sortedKeys(m) {
			c.compile(m[name], ptr+"/"+escapePointer(name), depth+1)
		}
	case "type":
		switch t := v.(type) {
		case string:
			s.types = []string{t}
		case []any:
			for _, e := range t {
				str, _ := e.(string)
				s.types = append(s.types, str)
			}
		}
		if len(s.types) == 0 {
			c.fail(ptr, "formdecl.decl_bad_type")
		}
		for _, t := range s.types {
			if !slices.Contains(knownTypes, t) {
				c.fail(ptr, "formdecl.decl_bad_type")
				break
			}
		}
	case "properties":
		m, ok := v.(map[string]any)
		if !ok {
			c.fail(ptr, "formdecl.decl_want_object")
			return
		}
		s.properties = map[string]*Schema{}
		s.propOrder = c.order[ptr]
		if len(s.propOrder) != len(m) { // a condition compiled without order
			s.propOrder = sortedKeys(m)
		}
		for _, name := range s.propOrder {
			c.fields++
			if c.fields == maxFields+1 {
				c.fail(ptr, "formdecl.decl_too_many_fields", maxFields)
			}
			s.properties[name] = c.compile(m[name], ptr+"/"+escapePointer(name), depth+1)
		}
	case "required":
		arr, ok := v.([]any)
		if !ok {
			c.fail(ptr, "formdecl.decl_want_strings")
			return
		}
		for _, e := range arr {
			str, ok := e.(string)
			if !ok || slices.Contains(s.required, str) {
				c.fail(ptr, "formdecl.decl_want_strings")
				return
			}
			s.required = append(s.required, str)
		}
	case "additionalProperties":
		b, ok := v.(bool)
		if !ok {
			c.fail(ptr, "formdecl.decl_want_bool")
			return
		}
		s.noExtra = !b
	case "enum":
		arr, ok := v.([]any)
		if !ok || len(arr) == 0 {
			c.fail(ptr, "formdecl.decl_want_array")
			return
		}
		s.enum = arr
	case "const":
		s.constVal, s.hasConst = v, true
	case "minLength", "maxLength", "minItems", "maxItems":
		n, ok := count(v)
		if !ok {
			c.fail(ptr, "formdecl.decl_want_count")
			return
		}
		switch k {
		case "minLength":
			s.minLength = n
		case "maxLength":
			s.maxLength = n
		case "minItems":
			s.minItems = n
		case "maxItems":
			s.maxItems = n
		}
	case "pattern":
		str, ok := v.(string)
		if !ok || len(str) > maxPattern {
			c.fail(ptr, "formdecl.decl_bad_pattern", maxPattern)
			return
		}
		re, err := regexp.Compile(str)
		if err != nil {
			c.fail(ptr, "formdecl.decl_bad_pattern", maxPattern)
			return
		}
		s.pattern = re
	case "format":
		str, _ := v.(string)
		if !knownFormats[str] {
			c.fail(ptr, "formdecl.decl_bad_format")
			return
		}
		s.format = str
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
		f, ok := number(v)
		if !ok || math.IsInf(f, 0) || k == "multipleOf" && f <= 0 {
			c.fail(ptr, "formdecl.decl_want_number")
			return
		}
		switch k {
		case "minimum":
			s.minimum = &f
		case "maximum":
			s.maximum = &f
		case "exclusiveMinimum":
			s.exclMin = &f
		case "exclusiveMaximum":
			s.exclMax = &f
		case "multipleOf":
			s.multipleOf = f
		}
	case "uniqueItems":
		b, ok := v.(bool)
		if !ok {
			c.fail(ptr, "formdecl.decl_want_bool")
			return
		}
		s.uniqueItems = b
	case "items":
		s.items = c.compile(v, ptr, depth+1)
	case "$ref":
		str, ok := v.(string)
		if !ok {
			c.fail(ptr, "formdecl.decl_ref_unresolved", "")
			return
		}
		s.ref = str
		c.refs = append(c.refs, s)
	case "allOf", "anyOf", "oneOf":
		arr, ok := v.([]any)
		if !ok || len(arr) == 0 {
			c.fail(ptr, "formdecl.decl_want_array")
			return
		}
		list := make([]*Schema, len(arr))
		for i, e := range arr {
			list[i] = c.compile(e, ptr+"/"+itoa(i), depth+1)
		}
		switch k {
		case "allOf":
			s.allOf = list
		case "anyOf":
			s.anyOf = list
		case "oneOf":
			s.oneOf = list
		}
	case "if":
		s.ifS = c.compile(v, ptr, depth+1)
	case "then":
		s.thenS = c.compile(v, ptr, depth+1)
	case "else":
		s.elseS = c.compile(v, ptr, depth+1)
	case "x-accept":
		arr, ok := v.([]any)
		if !ok || len(arr) == 0 || len(arr) > maxAccept {
			c.fail(ptr, "formdecl.decl_want_strings")
			return
		}
		for _, e := range arr {
			str, ok := e.(string)
			if !ok || str == "" || len(str) > 100 || !strings.Contains(str, "/") {
				c.fail(ptr, "formdecl.decl_want_strings")
				return
			}
			s.accept = append(s.accept, str)
		}
	case "x-max-bytes":
		n, ok := count(v)
		if !ok || n == 0 || n > MaxFileBytes {
			c.fail(ptr, "formdecl.decl_max_bytes", MaxFileBytes>>20)
			return
		}
		s.maxBytes = int64(n)
	case "x-widget":
		str, _ := v.(string)
		if !slices.Contains(knownWidgets, str) {
			c.fail(ptr, "formdecl.decl_bad_widget")
			return
		}
		s.widget = str
	case "x-directory", "x-prefill":
		str, ok := v.(string)
		if !ok || str == "" || len(str) > 100 {
			c.fail(ptr, "formdecl.decl_want_name")
			return
		}
		if k == "x-directory" {
			s.directory = str
		} else {
			s.prefill = str
		}
	default:
		c.fail(ptr, "formdecl.decl_unknown_keyword", k)
	}
}

// count reads a non-negative integer keyword value.
func count(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil || i < 0 || i > math.MaxInt32 {
		return 0, false
	}
	return int(i), true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
