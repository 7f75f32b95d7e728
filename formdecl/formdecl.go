// Package formdecl reads a public service's form declaration — its fields
// and their rules in JSON Schema (2020-12) and a layout document (pages,
// conditions, repeatable groups) — and validates what a citizen submits
// against it, naming every problem with the field's Russian title.
//
// The same declaration drives the form on the page and the check on the
// server, so the two can never disagree. The package implements the
// subset of JSON Schema forms need itself (stdlib only) and refuses any
// other keyword when a declaration is parsed: a typo in a declaration is
// caught when the service is published, not when a citizen applies.
//
// What a citizen submits is personal data: the package never logs it, never
// puts it in an error's text, and never changes it — the caller shows the
// values back next to the messages.
package formdecl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/okno/okno"
)

// Limits of a declaration. A declaration is written by staff, but it is
// still input: it is bounded so a mistake cannot stall the server.
const (
	MaxDeclBytes  = 256 << 10
	maxDeclDepth  = 48
	maxFields     = 500
	maxPattern    = 256 // bytes of one pattern
	maxLabel      = 1000
	maxDeclErrors = 100
)

// Limits of submitted data.
const (
	MaxDataBytes  = 512 << 10
	MaxDataDepth  = 12
	MaxDataItems  = 200      // elements of one array, members of one object
	maxDataString = 64 << 10 // bytes of one string
	maxEvalDepth  = 32       // schema applications nested, guards $ref cycles
	maxEvalSteps  = 200_000  // schema applications in one validation
	maxDataErrors = 200
)

// Decl is a parsed, checked form declaration.
type Decl struct {
	Schema *Schema
	Layout *Layout // nil when the service has no layout document
}

// DeclError is one problem in a declaration: where (a JSON pointer into the
// schema or the layout document) and what (a catalogue key with arguments).
type DeclError struct {
	Doc     string // "schema" or "layout"
	Pointer string
	Key     string
	Args    []any
}

// DeclErrors lists every problem found in a declaration.
type DeclErrors []DeclError

func (e DeclErrors) Error() string {
	var b strings.Builder
	b.WriteString("formdecl: invalid declaration:")
	for i, d := range e {
		if i == 5 {
			fmt.Fprintf(&b, " (and %d more)", len(e)-5)
			break
		}
		fmt.Fprintf(&b, " %s#%s %s;", d.Doc, d.Pointer, d.Key)
	}
	return b.String()
}

// FieldError is one problem with submitted data.
type FieldError struct {
	Pointer string // JSON pointer into the data: "/children/0/snils"
	Field   string // the field's Russian label path: "Дети › 1 › СНИЛС ребёнка"
	FieldEn string // the same in English (titles fall back to Russian)
	Key     string // catalogue key; its message takes Field as the first argument
	Args    []any  // further message arguments
}

// MessageArgs returns the arguments of Key's message for a language: the
// field's label first, then Args.
func (e FieldError) MessageArgs(english bool) []any {
	label := e.Field
	if english {
		label = e.FieldEn
	}
	return append([]any{label}, e.Args...)
}

// FieldErrors returns the problems as okno field errors keyed by JSON
// pointer, the label in the chosen language first among the arguments, for
// a handler that answers with okno.Invalid (a page or an RFC 9457 problem).
func FieldErrors(errs []FieldError, english bool) okno.FieldErrors {
	fe := make(okno.FieldErrors, 0, len(errs))
	for _, e := range errs {
		fe = append(fe, okno.FieldError{Field: e.Pointer, Key: e.Key, Args: e.MessageArgs(english)})
	}
	return fe
}

// FieldErrors returns declaration problems as okno field errors keyed by
// "schema#/pointer" or "layout#/pointer", for the screen where staff
// publish a service.
func (e DeclErrors) FieldErrors() okno.FieldErrors {
	fe := make(okno.FieldErrors, 0, len(e))
	for _, d := range e {
		fe = append(fe, okno.FieldError{Field: d.Doc + "#" + d.Pointer, Key: d.Key, Args: d.Args})
	}
	return fe
}

// Parse reads and checks a declaration: the schema document and, when not
// empty, the layout document. The error is DeclErrors listing every problem.
func Parse(schema, layout []byte) (*Decl, error) {
	s, err := ParseSchema(schema)
	if err != nil {
		return nil, err
	}
	d := &Decl{Schema: s}
	if len(layout) > 0 {
		l, err := ParseLayout(layout, s)
		if err != nil {
			return nil, err
		}
		d.Layout = l
	}
	return d, nil
}

var declLimits = limits{bytes: MaxDeclBytes, depth: 2 * maxDeclDepth, items: 2 * maxFields, string: 4096}

// ParseSchema reads and checks a declaration's JSON Schema document.
func ParseSchema(b []byte) (*Schema, error) {
	v, order, err := decodeOrdered(b, declLimits, true)
	if err != nil {
		return nil, declJSONError("schema", err)
	}
	c := newCompiler()
	c.order = order
	s := c.compile(v, "", 0)
	c.link()
	if len(c.errs) > 0 {
		for i := range c.errs {
			c.errs[i].Doc = "schema"
		}
		return nil, c.errs
	}
	return s, nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// declJSONError reports a declaration that could not be read: the same
// problem as in data, worded for the staff publishing the form.
func declJSONError(doc string, err error) DeclErrors {
	je := err.(*jsonError)
	return DeclErrors{{Doc: doc, Pointer: je.ptr, Key: "formdecl.decl_" + strings.TrimPrefix(je.key, "formdecl."), Args: je.args}}
}
