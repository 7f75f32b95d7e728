package web

import (
	"net/url"

	"github.com/okno/okno/i18n"
)

// This file holds the data of the shared components in
// templates/components.html. Texts are translated before they reach a
// template, so components stay free of catalogue keys.

// Field is one form question: label, hint, error message and input, wired
// together with aria-describedby and aria-invalid.
type Field struct {
	Name string // form field name
	// HTMLID is the input's id when a page has several forms asking for
	// the same name (the case page); empty means "f-"+Name.
	HTMLID       string
	Type         string        // "text" (default), "email", "tel", "search", "textarea", "radios", "select", "number", "date", "file"
	Label        string        // translated
	Hint         string        // translated, optional
	Value        string        // current value, kept after a failed submission
	Error        string        // translated message, empty when the value is fine
	Autocomplete string        // HTML autocomplete token, e.g. "email", "name", "off"
	Width        string        // "short", "medium" or "" (full width)
	Required     bool          // the form refuses it empty (the label says so; checks are the server's)
	Multiple     bool          // file: several at once
	Options      []Option      // for radios
	Groups       []OptionGroup // for select; a group without a label is not boxed
}

// OptionGroup is a group of a select's options.
type OptionGroup struct {
	Label   string
	Options []Option
}

// ID is the input's id, the target of the error summary's link.
func (f Field) ID() string {
	if f.HTMLID != "" {
		return f.HTMLID
	}
	return "f-" + f.Name
}

// Option is one choice of a radios field.
type Option struct {
	Value, Label string
}

// Checked reports whether o is the field's current value.
func (f Field) Checked(o Option) bool { return f.Value == o.Value }

// Selected reports whether v is the field's current value.
func (f Field) Selected(v string) bool { return f.Value == v }

// Form is a form's state: its fields in order and the error summary.
type Form struct {
	Fields []Field
	Errors []FieldMessage // in field order: the error summary lists them
}

// FieldMessage is one line of the error summary, linking to its field.
type FieldMessage struct {
	ID, Message string
	URL         string // where to fix it when not on this page ("/cabinet/level/snils"); else "#"+ID
}

// NewForm fills fields with the submitted values and with the messages of
// err (an okno error with field problems, or nil), in field order. Password
// fields are never filled back. A problem that belongs to no field of the
// form (a wrong password, a limit reached) heads the error summary unlinked.
func NewForm(l i18n.Localizer, values url.Values, err error, fields ...Field) Form {
	var msg string
	var msgs map[string]string
	if err != nil {
		msg, msgs = l.Error(err)
	}
	f := Form{Fields: fields}
	shown := 0
	for i := range f.Fields {
		fd := &f.Fields[i]
		if values != nil && fd.Type != "password" {
			fd.Value = values.Get(fd.Name)
		}
		if m, ok := msgs[fd.Name]; ok {
			fd.Error = m
			f.Errors = append(f.Errors, FieldMessage{ID: fd.ID(), Message: m})
			shown++
		}
	}
	if err != nil && shown == 0 {
		f.Errors = append([]FieldMessage{{Message: msg}}, f.Errors...)
	}
	return f
}

// Field returns the named field (for {{template "field" pair $ (.Data.Form.Field "email")}}).
func (f Form) Field(name string) Field {
	for _, fd := range f.Fields {
		if fd.Name == name {
			return fd
		}
	}
	return Field{Name: name, Label: name}
}

// Panel is the confirmation panel at the end of a transaction.
type Panel struct {
	Title     string
	Body      string
	Reference string // e.g. the application number; shown large
}

// Tag is a short status label.
type Tag struct {
	Text   string
	Colour string // "", "green", "yellow", "red", "grey", "blue"
}

// Table is a simple data table with a caption and header row.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
	Numeric []bool // per column: right-aligned numbers
}

// IsNumeric reports whether column i holds numbers.
func (t Table) IsNumeric(i int) bool { return i < len(t.Numeric) && t.Numeric[i] }

// SummaryRow is one answer in a check-your-answers summary list.
type SummaryRow struct {
	Key, Value string
	ChangeURL  string // empty: not changeable
}

// Banner is a notification banner; Success marks the outcome of an action.
type Banner struct {
	Title, Body string
	Success     bool
}

// Pagination links keyset pages: only previous and next, as keysets allow.
type Pagination struct {
	PrevURL, NextURL string
}
