package formdecl

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Layout is a form's layout document: its pages in order, each with its
// fields in order, conditions for showing a page or a field, and repeatable
// groups (an array of objects filled in as "add another child").
//
// A layout looks like:
//
//	{"pages": [
//	  {"id": "applicant", "title": "Заявитель", "fields": ["/applicant/snils"]},
//	  {"id": "children", "title": "Дети",
//	   "showIf": {"properties": {"hasChildren": {"const": true}}},
//	   "fields": [{"group": "/children", "fields": ["/fullName", "/snils"]}]}
//	]}
//
// Conditions are JSON Schemas applied to the whole form's data — the same
// language as if/then in the schema, so a page is shown exactly when the
// schema starts requiring its fields.
type Layout struct {
	Pages []*Page
}

// Page is one step of a form.
type Page struct {
	ID      string
	Title   string
	TitleEn string
	Fields  []*LayoutField
	showIf  *Schema
}

// LayoutField places a field of the schema on a page. A group is an array of
// objects; its Fields point into one element.
type LayoutField struct {
	Pointer string // into the data: "/applicant/snils"; relative inside a group
	Group   bool
	Title   string // a group's heading; a field's label comes from the schema
	TitleEn string
	Fields  []*LayoutField
	showIf  *Schema
}

const (
	maxCoverageSteps = 5000
	maxPages         = 100
	maxPointerLen    = 512
)

// ParseLayout reads a layout document and checks it against the schema:
// every field it places exists, and every field the schema can require is
// placed on some page. The error is DeclErrors.
func ParseLayout(b []byte, s *Schema) (*Layout, error) {
	v, err := decodeJSON(b, declLimits)
	if err != nil {
		return nil, declJSONError("layout", err)
	}
	lp := &layoutParser{placed: map[string]bool{}, groups: map[string]bool{}}
	l := lp.layout(v, s)
	if len(lp.errs) == 0 {
		lp.coverage(s, "", 0)
	}
	if len(lp.errs) > 0 {
		for i := range lp.errs {
			lp.errs[i].Doc = "layout"
		}
		return nil, lp.errs
	}
	return l, nil
}

type layoutParser struct {
	errs   DeclErrors
	placed map[string]bool // schema paths placed, array elements as "*"
	groups map[string]bool
	steps  int // nodes visited by coverage, bounded like validation
}

func (lp *layoutParser) fail(ptr, key string, args ...any) {
	if len(lp.errs) < maxDeclErrors {
		lp.errs = append(lp.errs, DeclError{Pointer: ptr, Key: key, Args: args})
	}
}

// object checks that v is an object with only the allowed keys.
func (lp *layoutParser) object(v any, ptr string, allowed ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		lp.fail(ptr, "formdecl.decl_want_object")
		return nil
	}
	for _, k := range sortedKeys(m) {
		if !contains(allowed, k) {
			lp.fail(ptr+"/"+escapePointer(k), "formdecl.decl_unknown_keyword", k)
		}
	}
	return m
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func (lp *layoutParser) text(m map[string]any, k, ptr string, required bool) string {
	v, ok := m[k]
	if !ok {
		if required {
			lp.fail(ptr, "formdecl.decl_missing", k)
		}
		return ""
	}
	s, ok := v.(string)
	if !ok || (required && s == "") || utf8.RuneCountInString(s) > maxLabel {
		lp.fail(ptr+"/"+k, "formdecl.decl_bad_label", maxLabel)
	}
	return s
}

func (lp *layoutParser) condition(m map[string]any, ptr string) *Schema {
	v, ok := m["showIf"]
	if !ok {
		return nil
	}
	c := newCompiler()
	s := c.compile(v, "", 0)
	c.link()
	for _, e := range c.errs {
		lp.fail(ptr+"/showIf"+e.Pointer, e.Key, e.Args...)
	}
	return s
}

func (lp *layoutParser) layout(v any, s *Schema) *Layout {
	m := lp.object(v, "", "pages", "$comment")
	if m == nil {
		return nil
	}
	pages, ok := m["pages"].([]any)
	if !ok || len(pages) == 0 || len(pages) > maxPages {
		lp.fail("/pages", "formdecl.decl_pages", maxPages)
		return nil
	}
	l := &Layout{}
	ids := map[string]bool{}
	for i, pv := range pages {
		ptr := "/pages/" + itoa(i)
		pm := lp.object(pv, ptr, "id", "title", "x-title-en", "fields", "showIf", "$comment")
		if pm == nil {
			continue
		}
		pg := &Page{ID: lp.text(pm, "id", ptr, true), Title: lp.text(pm, "title", ptr, true),
			TitleEn: lp.text(pm, "x-title-en", ptr, false), showIf: lp.condition(pm, ptr)}
		if ids[pg.ID] {
			lp.fail(ptr+"/id", "formdecl.decl_duplicate", pg.ID)
		}
		ids[pg.ID] = true
		pg.Fields = lp.fields(pm["fields"], ptr+"/fields", s, "")
		l.Pages = append(l.Pages, pg)
	}
	return l
}

// fields reads a list of fields placed relative to the schema s at path
// (a schema path, "" for the root).
func (lp *layoutParser) fields(v any, ptr string, s *Schema, path string) []*LayoutField {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		lp.fail(ptr, "formdecl.decl_want_array")
		return nil
	}
	var out []*LayoutField
	for i, fv := range arr {
		fptr := ptr + "/" + itoa(i)
		f := &LayoutField{}
		var m map[string]any
		switch x := fv.(type) {
		case string:
			f.Pointer = x
		case map[string]any:
			m = lp.object(x, fptr, "field", "group", "title", "x-title-en", "fields", "showIf", "$comment")
			f.showIf = lp.condition(m, fptr)
			if g, ok := m["group"].(string); ok {
				f.Pointer, f.Group = g, true
				f.Title, f.TitleEn = lp.text(m, "title", fptr, true), lp.text(m, "x-title-en", fptr, false)
			} else {
				f.Pointer = lp.text(m, "field", fptr, true)
			}
		default:
			lp.fail(fptr, "formdecl.decl_want_object")
			continue
		}
		fs := schemaAt(s, f.Pointer)
		if fs == nil || len(f.Pointer) > maxPointerLen {
			lp.fail(fptr, "formdecl.decl_field_unknown", f.Pointer)
			continue
		}
		full := path + f.Pointer
		if lp.placed[full] {
			lp.fail(fptr, "formdecl.decl_duplicate", f.Pointer)
		}
		lp.placed[full] = true
		if f.Group {
			item := fs.resolve().items.resolve()
			if item == nil || item.properties == nil {
				lp.fail(fptr, "formdecl.decl_group_not_array", f.Pointer)
				continue
			}
			lp.groups[full] = true
			f.Fields = lp.fields(m["fields"], fptr+"/fields", item, full+"/*")
		}
		out = append(out, f)
	}
	return out
}

// schemaAt follows a data pointer through object properties.
func schemaAt(s *Schema, ptr string) *Schema {
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	for _, seg := range strings.Split(ptr[1:], "/") {
		s = s.Property(unescapePointer(seg))
		if s == nil {
			return nil
		}
	}
	return s
}

// coverage reports each field the schema may require — directly, or through
// allOf and if/then/else — that no page places, walking into objects and
// repeatable groups.
func (lp *layoutParser) coverage(s *Schema, path string, depth int) {
	s = s.resolve()
	if s == nil || depth > 16 {
		return
	}
	if lp.steps++; lp.steps > maxCoverageSteps {
		if lp.steps == maxCoverageSteps+1 {
			lp.fail(path, "formdecl.decl_too_complex")
		}
		return
	}
	budget := 1000
	for _, r := range requiredNames(s, 0, &budget) {
		rp := path + "/" + escapePointer(r)
		if !lp.covered(rp) {
			lp.fail(rp, "formdecl.decl_required_not_placed", rp)
		}
	}
	for _, name := range s.propOrder {
		cp := path + "/" + escapePointer(name)
		cs := s.properties[name].resolve()
		switch {
		case cs == nil:
		case cs.properties != nil && !lp.placed[cp]:
			lp.coverage(cs, cp, depth+1)
		case lp.groups[cp]:
			lp.coverage(cs.items, cp+"/*", depth+1)
		}
	}
}

// covered reports whether the field at p is placed: itself, as part of an
// object placed whole (a group is not: its fields are listed), or — for an object — through fields inside it (whose
// own required fields coverage checks next).
func (lp *layoutParser) covered(p string) bool {
	for q := p; q != ""; q = q[:strings.LastIndex(q, "/")] {
		if lp.placed[q] && (q == p || !lp.groups[q]) {
			return true
		}
	}
	for q := range lp.placed {
		if strings.HasPrefix(q, p+"/") {
			return true
		}
	}
	return false
}

// requiredNames lists the names s requires of an object, itself or through
// allOf, then, else and $ref; budget bounds the walk over shared $defs.
func requiredNames(s *Schema, depth int, budget *int) []string {
	if s == nil || depth > 8 || *budget <= 0 {
		return nil
	}
	*budget--
	out := append([]string(nil), s.required...)
	for _, sub := range s.allOf {
		out = append(out, requiredNames(sub, depth+1, budget)...)
	}
	out = append(out, requiredNames(s.thenS, depth+1, budget)...)
	out = append(out, requiredNames(s.elseS, depth+1, budget)...)
	out = append(out, requiredNames(s.refTo, depth+1, budget)...)
	slices.Sort(out)
	return slices.Compact(out)
}

// PagesFor returns the pages that apply to the data as filled in so far.
func (l *Layout) PagesFor(data any) []*Page {
	var out []*Page
	for _, pg := range l.Pages {
		if shown(pg.showIf, data) {
			out = append(out, pg)
		}
	}
	return out
}

// Shown reports whether a field applies to the data (the whole form's data).
func (f *LayoutField) Shown(data any) bool { return shown(f.showIf, data) }

func shown(cond *Schema, data any) bool {
	if cond == nil {
		return true
	}
	vr := &validator{owner: map[string]*Schema{}, steps: new(int), quiet: true}
	vr.check(cond, data, place{})
	return vr.n == 0
}
