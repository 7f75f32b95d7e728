package formdecl

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Directories answers whether a value belongs to a directory a field refers
// to with x-directory ("okato", "banks", "schools-spb"). The consumer of
// the package (the catalogue) implements it over its own storage.
type Directories interface {
	Has(ctx context.Context, directory, value string) (bool, error)
}

var dataLimits = limits{bytes: MaxDataBytes, depth: MaxDataDepth, items: MaxDataItems, string: maxDataString}

// Decode reads submitted form data within the data limits. The problems
// are reported as a FieldError at the document's root (or at the value that
// broke a limit), the way Validate reports them.
func Decode(data []byte) (any, []FieldError) {
	v, err := decodeJSON(data, dataLimits)
	if err != nil {
		je := err.(*jsonError)
		return nil, []FieldError{{Pointer: je.ptr, Field: "Заявление", FieldEn: "Application", Key: je.key, Args: je.args}}
	}
	return v, nil
}

// Validate checks submitted data (a JSON document) against the declaration
// and returns every problem at once, in document order of the schema. An
// empty result means the data may be submitted. It never panics and never
// changes the data. dirs may be nil when the form refers to no directory.
func (d *Decl) Validate(ctx context.Context, data []byte, dirs Directories) []FieldError {
	if len(data) <= MaxDataBytes && !utf8.Valid(data) {
		if ptrs := damagedPointers(data, dataLimits); len(ptrs) > 0 {
			vr := &validator{}
			for _, ptr := range ptrs {
				vr.add(d.placeOf(ptr), "formdecl.json_encoding")
			}
			return vr.errs
		}
	}
	v, errs := Decode(data)
	if errs != nil {
		return errs
	}
	return d.ValidateValue(ctx, v, dirs)
}

// ValidateValue is Validate for data already read with Decode.
func (d *Decl) ValidateValue(ctx context.Context, data any, dirs Directories) []FieldError {
	vr := &validator{ctx: ctx, dirs: dirs, owner: map[string]*Schema{}, steps: new(int)}
	vr.check(d.Schema, data, place{})
	if *vr.steps > maxEvalSteps && !slices.ContainsFunc(vr.errs, func(e FieldError) bool { return e.Key == "formdecl.too_complex" }) {
		// The budget ran out inside an if/anyOf/oneOf branch, where problems
		// are not reported: say so rather than let a verdict rest on it.
		vr.add(place{}, "formdecl.too_complex")
	}
	return vr.errs
}

// placeOf names the field at a data pointer by the schema's titles, for
// problems found before the data could be validated.
func (d *Decl) placeOf(ptr string) place {
	p, s := place{}, d.Schema
	for _, seg := range strings.Split(ptr, "/")[1:] {
		rs := s.resolve()
		if i, err := strconv.Atoi(seg); err == nil && i >= 0 && (rs == nil || rs.properties == nil) {
			p = p.index(i)
			if rs != nil {
				s = rs.items
			}
			continue
		}
		name := unescapePointer(seg)
		var cs *Schema
		if rs != nil {
			cs = rs.Property(name)
		}
		if cs == nil {
			cs = &Schema{}
		}
		p, s = p.child(name, cs), cs
	}
	return p
}

// place is where a value sits: its JSON pointer and its label path.
type place struct{ ptr, ru, en string }

func (p place) child(name string, s *Schema) place {
	ru, en := s.label(false), s.label(true)
	if ru == "" {
		ru = name
	}
	if en == "" {
		en = ru
	}
	return place{ptr: p.ptr + "/" + escapePointer(name), ru: join(p.ru, ru), en: join(p.en, en)}
}

func (p place) index(i int) place {
	n := strconv.Itoa(i + 1)
	return place{ptr: p.ptr + "/" + strconv.Itoa(i), ru: join(p.ru, n), en: join(p.en, n)}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + " › " + b
}

type validator struct {
	ctx   context.Context
	dirs  Directories
	errs  []FieldError
	quiet bool // deciding an if/anyOf/oneOf branch: count, don't report
	n     int
	depth int
	// owner maps an object's pointer to the schema declaring its
	// properties, so a field required by an if/then branch is still named
	// by its title.
	owner map[string]*Schema
	// steps counts schema applications across the whole validation,
	// branches included: nested oneOf over recursive $refs could otherwise
	// take exponential time on a small document.
	steps *int
}

func (vr *validator) add(p place, key string, args ...any) {
	vr.n++
	if vr.quiet || len(vr.errs) >= maxDataErrors {
		return
	}
	ru, en := p.ru, p.en
	if ru == "" {
		ru, en = "Заявление", "Application"
	}
	vr.errs = append(vr.errs, FieldError{Pointer: p.ptr, Field: ru, FieldEn: en, Key: key, Args: args})
}

// passes reports whether v satisfies s, without reporting anything.
func (vr *validator) passes(s *Schema, v any, p place) bool {
	q := &validator{ctx: vr.ctx, dirs: vr.dirs, owner: vr.owner, steps: vr.steps, quiet: true, depth: vr.depth}
	q.check(s, v, p)
	return q.n == 0
}

// unanswered reports whether a value is what an empty form input submits.
// A form cannot tell "left blank" from "not sent", so both mean "no answer":
// a required field reports it, an optional one is not checked further.
func unanswered(s *Schema, v any) bool {
	if v == nil {
		return !slices.Contains(s.resolve().types, "null")
	}
	str, ok := v.(string)
	return ok && str == ""
}

func (vr *validator) check(s *Schema, v any, p place) {
	if vr.n > 0 && vr.quiet {
		return // one failure decides a branch
	}
	*vr.steps++
	if vr.depth >= maxEvalDepth || *vr.steps > maxEvalSteps {
		vr.add(p, "formdecl.too_complex")
		return
	}
	vr.depth++
	defer func() { vr.depth-- }()

	if s.always != nil {
		if !*s.always {
			vr.add(p, "formdecl.not_allowed")
		}
		return
	}
	if s.refTo != nil {
		vr.check(s.refTo, v, p)
	}
	if len(s.types) > 0 && !typeMatches(s.types, v) {
		if len(s.types) == 1 {
			vr.add(p, "formdecl.want_"+s.types[0])
		} else {
			vr.add(p, "formdecl.want_type")
		}
		return
	}
	if s.hasConst && !equal(s.constVal, v) {
		vr.add(p, "formdecl.const")
	}
	if s.enum != nil && !slices.ContainsFunc(s.enum, func(e any) bool { return equal(e, v) }) {
		vr.add(p, "formdecl.enum")
	}
	switch x := v.(type) {
	case string:
		vr.checkString(s, x, p)
	case json.Number:
		vr.checkNumber(s, x, p)
	case []any:
		vr.checkArray(s, x, p)
	case map[string]any:
		vr.checkObject(s, x, p)
	}
	for _, sub := range s.allOf {
		vr.check(sub, v, p)
	}
	if s.anyOf != nil && !slices.ContainsFunc(s.anyOf, func(sub *Schema) bool { return vr.passes(sub, v, p) }) {
		vr.add(p, "formdecl.any_of")
	}
	if s.oneOf != nil {
		n := 0
		for _, sub := range s.oneOf {
			if vr.passes(sub, v, p) {
				n++
			}
		}
		if n != 1 {
			vr.add(p, "formdecl.one_of")
		}
	}
	if s.ifS != nil {
		if vr.passes(s.ifS, v, p) {
			if s.thenS != nil {
				vr.check(s.thenS, v, p)
			}
		} else if s.elseS != nil {
			vr.check(s.elseS, v, p)
		}
	}
}

func typeMatches(types []string, v any) bool {
	for _, t := range types {
		switch x := v.(type) {
		case string:
			if t == "string" {
				return true
			}
		case json.Number:
			if t == "number" {
				return true
			}
			if t == "integer" {
				if f, ok := number(x); ok && f == math.Trunc(f) && !math.IsInf(f, 0) {
					return true
				}
			}
		case bool:
			if t == "boolean" {
				return true
			}
		case nil:
			if t == "null" {
				return true
			}
		case []any:
			if t == "array" {
				return true
			}
		case map[string]any:
			if t == "object" {
				return true
			}
		}
	}
	return false
}

func (vr *validator) checkString(s *Schema, x string, p place) {
	if s.minLength >= 0 || s.maxLength >= 0 {
		n := utf8.RuneCountInString(x)
		if s.minLength >= 0 && n < s.minLength {
			vr.add(p, "formdecl.too_short", s.minLength)
		}
		if s.maxLength >= 0 && n > s.maxLength {
			vr.add(p, "formdecl.too_long", s.maxLength)
			return // a pattern or a format would only repeat the complaint
		}
	}
	if s.pattern != nil && !s.pattern.MatchString(x) {
		vr.add(p, "formdecl.pattern")
	}
	if s.format != "" {
		if key := checkFormat(s.format, x); key != "" {
			vr.add(p, key)
		}
	}
	vr.checkDirectory(s, x, p)
}

func (vr *validator) checkDirectory(s *Schema, x string, p place) {
	if s.directory == "" {
		return
	}
	if vr.dirs == nil {
		vr.add(p, "formdecl.directory_unavailable")
		return
	}
	ok, err := vr.dirs.Has(vr.ctx, s.directory, x)
	switch {
	case err != nil:
		vr.add(p, "formdecl.directory_unavailable")
	case !ok:
		vr.add(p, "formdecl.directory_unknown")
	}
}

func (vr *validator) checkNumber(s *Schema, x json.Number, p place) {
	f, ok := number(x)
	if !ok || math.IsInf(f, 0) {
		vr.add(p, "formdecl.want_number")
		return
	}
	if s.minimum != nil && f < *s.minimum {
		vr.add(p, "formdecl.minimum", fmtNum(*s.minimum))
	}
	if s.maximum != nil && f > *s.maximum {
		vr.add(p, "formdecl.maximum", fmtNum(*s.maximum))
	}
	if s.exclMin != nil && f <= *s.exclMin {
		vr.add(p, "formdecl.exclusive_minimum", fmtNum(*s.exclMin))
	}
	if s.exclMax != nil && f >= *s.exclMax {
		vr.add(p, "formdecl.exclusive_maximum", fmtNum(*s.exclMax))
	}
	if s.multipleOf > 0 {
		q := f / s.multipleOf
		if math.IsInf(q, 0) || math.Abs(q-math.Round(q)) > 1e-9*math.Max(1, math.Abs(q)) {
			vr.add(p, "formdecl.multiple_of", fmtNum(s.multipleOf))
		}
	}
	if s.directory != "" {
		vr.checkDirectory(s, x.String(), p)
	}
}

// fmtNum renders a bound as a person writes it: "0.01", "1000000".
func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (vr *validator) checkArray(s *Schema, x []any, p place) {
	if s.minItems >= 0 && len(x) < s.minItems {
		vr.add(p, "formdecl.min_items", s.minItems)
	}
	if s.maxItems >= 0 && len(x) > s.maxItems {
		vr.add(p, "formdecl.max_items", s.maxItems)
	}
	if s.uniqueItems {
	dup:
		for i := range x {
			for j := 0; j < i; j++ {
				if equal(x[i], x[j]) {
					vr.add(p.index(i), "formdecl.unique_items", j+1)
					break dup
				}
			}
		}
	}
	if s.items != nil {
		for i, e := range x {
			vr.check(s.items, e, p.index(i))
		}
	}
}

func (vr *validator) checkObject(s *Schema, x map[string]any, p place) {
	if s.properties != nil && vr.owner[p.ptr] == nil {
		vr.owner[p.ptr] = s
	}
	for _, name := range s.required {
		cs := s.Property(name)
		if cs == nil {
			cs = vr.owner[p.ptr].Property(name)
		}
		if cs == nil {
			cs = &Schema{}
		}
		if v, ok := x[name]; !ok || unanswered(cs, v) {
			vr.add(p.child(name, cs), requiredKey(cs))
		}
	}
	for _, name := range s.propOrder {
		v, ok := x[name]
		cs := s.properties[name]
		if !ok || unanswered(cs, v) {
			continue
		}
		vr.check(cs, v, p.child(name, cs))
	}
	if s.noExtra {
		names := make([]string, 0, len(x))
		for k := range x {
			if s.properties[k] == nil {
				names = append(names, k)
			}
		}
		slices.Sort(names)
		for _, k := range names {
			vr.add(p.child(k, &Schema{}), "formdecl.unknown_field")
		}
	}
}
