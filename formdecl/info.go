package formdecl

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// This file is what pages rendering a form and the application package read
// of a declaration: a field's type, labels, hint, options and file rules,
// and the file references a document holds.

// Info describes one field of a declaration for a page that renders it.
type Info struct {
	Pointer   string // into the data; inside a repeatable group, relative to its element
	Type      string // "string", "integer", "number", "boolean", "array", "object"
	Format    string // "date", "snils", "inn12", "phone-ru", "email", "file", ...
	Title     string
	TitleEn   string
	Hint      string // x-hint (or description): a line under the label
	HintEn    string
	Required  bool     // the enclosing object requires it (conditions aside)
	Options   []Option // from enum, or oneOf/anyOf of const with titles
	Directory string   // x-directory
	MaxLength int      // runes; 0 when unbounded
	// Widget is x-widget: "textarea", "radio", "checkboxes", "select" or
	// "" (the type decides).
	Widget string
	File   *FileRule // file fields: format "file", or an array of them
	// Const is the one value the field accepts (const), nil when it is not
	// fixed: a consent declared {"const": true} is a single checkbox.
	Const any
}

// Option is one allowed value with its titles.
type Option struct {
	Value   any
	Title   string
	TitleEn string
}

// FileRule is what a file field accepts: x-accept (content types),
// x-max-bytes, and for an array of files maxItems.
type FileRule struct {
	Accept   []string
	MaxBytes int64
	MaxFiles int // 1 for a single file
}

// FileRef is a file reference held in the data: the exact pointer of the
// value and the reference (an attachment's ID as the application stored it).
type FileRef struct {
	Pointer string // "/children/0/birthCertificate" or "/documents/2"
	Value   string
}

// DefaultMaxFileBytes is the largest document a file field takes when its
// declaration does not say (x-max-bytes).
const DefaultMaxFileBytes = 10 << 20

// maxChain bounds following $ref, allOf and items while describing a field.
const maxChain = 16

// Info returns the description of the field at pointer (a data pointer;
// array indices may be given or left out: "/children/0/snils" and
// "/children/snils" both name the child's SNILS field).
func (d *Decl) Info(pointer string) (Info, bool) {
	if d == nil || d.Schema == nil || !strings.HasPrefix(pointer, "/") || len(pointer) > maxPointerLen {
		return Info{}, false
	}
	s, parent := d.Schema, (*Schema)(nil)
	rel, name := "", ""
	for _, seg := range strings.Split(pointer[1:], "/") {
		rs := s.resolve()
		if rs == nil {
			return Info{}, false
		}
		if rs.properties == nil && rs.items != nil {
			// Inside a list: an index picks an element, and with the index
			// left out the name applies to the element's fields.
			s, rel = rs.items, ""
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 {
				continue
			}
			rs = s.resolve()
			if rs == nil {
				return Info{}, false
			}
		}
		name = unescapePointer(seg)
		cs := rs.Property(name)
		if cs == nil {
			return Info{}, false
		}
		parent, s, rel = rs, cs, rel+"/"+seg
	}
	if parent == nil {
		return Info{}, false // the root is not a field
	}
	in := describe(s)
	in.Pointer = rel
	in.Required = requires(parent, name)
	if in.Title == "" {
		in.Title = name
	}
	if in.TitleEn == "" {
		in.TitleEn = in.Title
	}
	if in.HintEn == "" {
		in.HintEn = in.Hint
	}
	return in, true
}

// chain lists s and what it refers to ($ref, allOf), nearest first: a
// field's keywords may sit on its property or in the $defs it points to.
func chain(s *Schema) []*Schema {
	var out []*Schema
	var walk func(*Schema, int)
	walk = func(s *Schema, depth int) {
		if s == nil || depth > 4 || len(out) >= maxChain {
			return
		}
		out = append(out, s)
		walk(s.refTo, depth+1)
		for _, sub := range s.allOf {
			walk(sub, depth+1)
		}
	}
	walk(s, 0)
	return out
}

// describe gathers a field's description from its schema and what it refers
// to; the nearest node that says something wins.
func describe(s *Schema) Info {
	var in Info
	nodes := chain(s)
	for _, n := range nodes {
		if in.Type == "" {
			in.Type = firstType(n.types)
		}
		if in.Format == "" {
			in.Format = n.format
		}
		if in.Title == "" {
			in.Title = n.Title
		}
		if in.TitleEn == "" {
			in.TitleEn = n.TitleEn
		}
		if in.Hint == "" {
			in.Hint, in.HintEn = n.hint, n.hintEn
			if in.Hint == "" {
				in.Hint, in.HintEn = n.descr, n.descrEn
			}
		}
		if in.Directory == "" {
			in.Directory = n.directory
		}
		if in.MaxLength == 0 && n.maxLength > 0 {
			in.MaxLength = n.maxLength
		}
		if in.Widget == "" {
			in.Widget = n.widget
		}
		if in.Options == nil {
			in.Options = options(n)
		}
		if in.Const == nil && n.hasConst {
			in.Const = n.constVal
		}
	}
	if in.Type == "" {
		in.Type = impliedType(nodes)
	}
	if in.Type == "array" {
		in.Options, in.File = arrayOf(nodes)
		return in
	}
	if in.Format == "file" {
		in.File = fileRule(nodes, nil, 1)
	}
	return in
}

// arrayOf describes a list's elements: the options of a multiple choice
// (checkboxes) and the rule of a list of documents.
func arrayOf(nodes []*Schema) ([]Option, *FileRule) {
	var opts []Option
	maxItems := -1
	var items []*Schema
	for _, n := range nodes {
		if maxItems < 0 && n.maxItems >= 0 {
			maxItems = n.maxItems
		}
		if items == nil && n.items != nil {
			items = chain(n.items)
		}
	}
	for _, n := range items {
		if opts == nil {
			opts = options(n)
		}
	}
	isFile := false
	for _, n := range items {
		if n.format == "file" {
			isFile = true
			break
		}
	}
	if !isFile {
		return opts, nil
	}
	if maxItems <= 0 || maxItems > MaxDataItems {
		maxItems = MaxDataItems
	}
	return nil, fileRule(nodes, items, maxItems)
}

// fileRule reads x-accept and x-max-bytes from a file field, or from a list
// of files and its elements.
func fileRule(nodes, items []*Schema, maxFiles int) *FileRule {
	r := &FileRule{MaxFiles: maxFiles}
	for _, n := range append(append([]*Schema(nil), nodes...), items...) {
		if r.Accept == nil && n.accept != nil {
			r.Accept = append([]string(nil), n.accept...)
		}
		if r.MaxBytes == 0 {
			r.MaxBytes = n.maxBytes
		}
	}
	if r.MaxBytes == 0 {
		r.MaxBytes = DefaultMaxFileBytes
	}
	return r
}

// options lists a node's allowed values: enum (titled by the value), or a
// oneOf/anyOf whose every branch is a const, titled by the branch.
func options(n *Schema) []Option {
	if n.enum != nil {
		out := make([]Option, 0, len(n.enum))
		for _, v := range n.enum {
			t := valueText(v)
			out = append(out, Option{Value: v, Title: t, TitleEn: t})
		}
		return out
	}
	for _, list := range [][]*Schema{n.oneOf, n.anyOf} {
		if len(list) == 0 {
			continue
		}
		out := make([]Option, 0, len(list))
		for _, b := range list {
			if !b.hasConst {
				return nil
			}
			t := b.Title
			if t == "" {
				t = valueText(b.constVal)
			}
			en := b.TitleEn
			if en == "" {
				en = t
			}
			out = append(out, Option{Value: b.constVal, Title: t, TitleEn: en})
		}
		return out
	}
	return nil
}

// valueText is how an option's value is written when it has no title.
func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "да"
		}
		return "нет"
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// firstType is a node's type other than "null" (a field that may be left
// empty is still rendered by its real type).
func firstType(types []string) string {
	for _, t := range types {
		if t != "null" {
			return t
		}
	}
	return ""
}

// impliedType guesses the type of a field declared by const or enum alone
// ("consent": {"const": true}).
func impliedType(nodes []*Schema) string {
	for _, n := range nodes {
		var vals []any
		if n.hasConst {
			vals = []any{n.constVal}
		}
		vals = append(vals, n.enum...)
		for _, b := range append(append([]*Schema(nil), n.oneOf...), n.anyOf...) {
			if b.hasConst {
				vals = append(vals, b.constVal)
			}
		}
		if t := typeOfValues(vals); t != "" {
			return t
		}
		if n.properties != nil {
			return "object"
		}
		if n.items != nil {
			return "array"
		}
		if n.format != "" {
			return "string"
		}
	}
	return ""
}

func typeOfValues(vals []any) string {
	t := ""
	for _, v := range vals {
		var vt string
		switch x := v.(type) {
		case string:
			vt = "string"
		case bool:
			vt = "boolean"
		case json.Number:
			vt = "number"
			if _, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
				vt = "integer"
			}
		default:
			return ""
		}
		switch {
		case t == "":
			t = vt
		case t == vt:
		case t == "integer" && vt == "number" || t == "number" && vt == "integer":
			t = "number"
		default:
			return ""
		}
	}
	return t
}

// requires reports whether an object requires a name itself, through its
// $ref or through allOf — not through if/then/else, which depend on answers.
func requires(obj *Schema, name string) bool {
	for _, n := range chain(obj) {
		for _, r := range n.required {
			if r == name {
				return true
			}
		}
	}
	return false
}

// isFile reports whether a field holds file references: format "file", or
// a list of them.
func (s *Schema) isFile() bool {
	for _, n := range chain(s) {
		if n.format == "file" {
			return true
		}
		if n.items != nil {
			for _, m := range chain(n.items) {
				if m.format == "file" {
					return true
				}
			}
		}
	}
	return false
}

// FileRefs lists the file references the data holds, in document order.
func (d *Decl) FileRefs(data any) []FileRef {
	if d == nil || d.Schema == nil {
		return nil
	}
	var out []FileRef
	budget := 20_000
	fileRefs(d.Schema, data, "", 0, &budget, &out)
	return out
}

// fileRefs walks data along the schema's properties and items (in the
// declaration's order, list elements in order), collecting the strings held
// where the schema says "file".
func fileRefs(s *Schema, v any, ptr string, depth int, budget *int, out *[]FileRef) {
	if s == nil || v == nil || depth > MaxDataDepth || *budget <= 0 {
		return
	}
	*budget--
	nodes := chain(s)
	switch x := v.(type) {
	case string:
		for _, n := range nodes {
			if n.format == "file" {
				if x != "" {
					*out = append(*out, FileRef{Pointer: ptr, Value: x})
				}
				return
			}
		}
	case []any:
		for _, n := range nodes {
			if n.items != nil {
				for i, e := range x {
					fileRefs(n.items, e, ptr+"/"+strconv.Itoa(i), depth+1, budget, out)
				}
				return
			}
		}
	case map[string]any:
		for _, n := range nodes {
			if n.properties == nil {
				continue
			}
			for _, name := range n.propOrder {
				if e, ok := x[name]; ok {
					fileRefs(n.properties[name], e, ptr+"/"+escapePointer(name), depth+1, budget, out)
				}
			}
			return
		}
	}
}

// PagesFor returns the pages of the form that apply to the data: the
// layout's, or — for a declaration without a layout — one page "form"
// placing every field (objects opened into their fields, lists of objects
// as repeatable groups), so every form can be rendered.
func (d *Decl) PagesFor(data any) []*Page {
	if d == nil || d.Schema == nil {
		return nil
	}
	if d.Layout != nil {
		return d.Layout.PagesFor(data)
	}
	pg := &Page{ID: "form", Title: "Заявление", TitleEn: "Application"}
	budget := maxFields
	pg.Fields = placeAll(d.Schema, "", 0, &budget)
	return []*Page{pg}
}

// placeAll lists the fields of an object schema for a page without layout.
func placeAll(s *Schema, prefix string, depth int, budget *int) []*LayoutField {
	rs := s.resolve()
	if rs == nil || rs.properties == nil || depth > 8 {
		return nil
	}
	var out []*LayoutField
	for _, name := range rs.propOrder {
		if *budget--; *budget < 0 {
			break
		}
		cs := rs.properties[name]
		ptr := prefix + "/" + escapePointer(name)
		c := cs.resolve()
		switch {
		case c != nil && c.properties != nil:
			out = append(out, placeAll(c, ptr, depth+1, budget)...)
		case c != nil && c.items != nil && c.items.resolve() != nil && c.items.resolve().properties != nil:
			g := &LayoutField{Pointer: ptr, Group: true, Title: cs.label(false), TitleEn: cs.label(true)}
			g.Fields = placeAll(c.items, "", depth+1, budget)
			out = append(out, g)
		default:
			out = append(out, &LayoutField{Pointer: ptr})
		}
	}
	return out
}
