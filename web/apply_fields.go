package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno/application"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/i18n"
)

// This file turns a form declaration's fields (formdecl.Info) into the
// inputs of a page, and what a page posts back into typed answers. Inputs
// are named by the field's JSON pointer into the data ("/applicant/snils",
// "/children/0/fullName"), so a problem the application package reports at
// a pointer lands at its input without a mapping table.

// Limits of what one page posts: a repeatable group's elements and the
// choices of one multiple-choice field. The whole body is bounded by the
// route's MaxBody.
const (
	maxGroupItems = 50
	maxChoices    = 100
)

// applyField is one input (or a repeatable group) of a form page.
type applyField struct {
	Heading   bool   // the page's one question: its label is the page heading
	Kind      string // "text", "textarea", "number", "date", "radios", "checkboxes", "select", "yesno", "checkbox", "file", "group"
	Name      string // the form name: the field's pointer into the data
	ID        string // the input's id, the error summary's target
	Label     string
	Hint      string
	Error     string
	Required  bool
	Value     string
	Values    []string // checkboxes: the values checked
	Day       string   // date: its three parts
	Month     string
	Year      string
	Options   []Option
	Groups    []OptionGroup // select: a directory's items, by parent
	MaxLength int
	InputMode string // "numeric", "decimal", "tel", "email"
	Auto      string // autocomplete token
	Width     string // "short", "medium" or ""
	// File fields.
	Accept   string
	Capture  bool // a photo may be taken with the phone's camera
	Multiple bool
	Files    []applyFileLine
	MaxFiles int
	CanAdd   bool // more files may be attached
	// A large hierarchical directory: its parent (the district) first.
	ParentOptions []Option
	ParentValue   string
	ParentLabel   string
	ParentAction  string
	NoChoices     bool // no parent chosen yet: the item select waits for it
	// Groups.
	Items     []applyGroupItem
	AddValue  string // the "add another" button's value
	ItemTitle string
	CanAddRow bool
}

// HasError reports whether the field or, for a group, any of its
// elements' fields shows a problem.
func (f applyField) HasError() bool {
	if f.Error != "" {
		return true
	}
	for _, it := range f.Items {
		for _, g := range it.Fields {
			if g.HasError() {
				return true
			}
		}
	}
	return false
}

// IsChecked reports whether v is among the checked values.
func (f applyField) IsChecked(v string) bool {
	for _, x := range f.Values {
		if x == v {
			return true
		}
	}
	return false
}

// applyGroupItem is one element of a repeatable group ("Ребёнок 2").
type applyGroupItem struct {
	Title       string
	Fields      []applyField
	RemoveValue string // the "remove" button's value
}

// applyFileLine is one attached document.
type applyFileLine struct {
	ID           int64
	Name, Meta   string
	URL          string
	DeleteAction string
}

// fieldID is the HTML id of the input for a pointer: "/children/0/snils"
// is "f-children-0-snils".
func fieldID(ptr string) string {
	return "f" + strings.NewReplacer("/", "-", "~", "_", " ", "_").Replace(ptr)
}

// english reports whether the page speaks English.
func english(l i18n.Localizer) bool { return l.Lang() == i18n.English }

// fieldText picks a declaration's text in the page's language.
func declText(l i18n.Localizer, ru, en string) string {
	if english(l) && en != "" {
		return en
	}
	return ru
}

// pageFields builds the inputs of a layout page for data, with the
// draft's files and the problems found (by pointer).
func (s *Server) pageFields(fc *applyFormCtx, pg *formdecl.Page) []applyField {
	var out []applyField
	for _, lf := range pg.Fields {
		if !lf.Shown(fc.data) {
			continue
		}
		if lf.Group {
			out = append(out, s.groupField(fc, lf))
			continue
		}
		in, ok := fc.decl.Info(lf.Pointer)
		if !ok {
			continue
		}
		out = append(out, s.inputField(fc, in, lf.Pointer))
	}
	return out
}

// groupField builds a repeatable group: one set of inputs per element, at
// least one, with "add another" and "remove".
func (s *Server) groupField(fc *applyFormCtx, lf *formdecl.LayoutField) applyField {
	l := fc.l
	g := applyField{Kind: "group", Name: lf.Pointer, ID: fieldID(lf.Pointer), Label: declText(l, lf.Title, lf.TitleEn)}
	max := maxGroupItems
	if in, ok := fc.decl.Info(lf.Pointer); ok {
		g.Label = declText(l, in.Title, in.TitleEn)
		g.Hint = declText(l, in.Hint, in.HintEn)
		g.Required = in.Required
	}
	g.ItemTitle = declText(l, lf.Title, lf.TitleEn)
	n := len(asList(pointerValue(fc.data, lf.Pointer)))
	if n == 0 {
		n = 1
	}
	n = min(n, max)
	for i := range n {
		base := lf.Pointer + "/" + strconv.Itoa(i)
		it := applyGroupItem{Title: g.ItemTitle + " " + strconv.Itoa(i+1)}
		if n > 1 {
			it.RemoveValue = "remove:" + base
		}
		for _, sub := range lf.Fields {
			if !sub.Shown(fc.data) {
				continue
			}
			in, ok := fc.decl.Info(base + sub.Pointer)
			if !ok {
				continue
			}
			it.Fields = append(it.Fields, s.inputField(fc, in, base+sub.Pointer))
		}
		g.Items = append(g.Items, it)
	}
	g.CanAddRow = n < max
	g.AddValue = "add:" + lf.Pointer
	g.Error = fc.errs[lf.Pointer]
	return g
}

// inputField builds one input from a field's description and its value.
func (s *Server) inputField(fc *applyFormCtx, in formdecl.Info, ptr string) applyField {
	l := fc.l
	f := applyField{Name: ptr, ID: fieldID(ptr), Label: declText(l, in.Title, in.TitleEn),
		Hint: declText(l, in.Hint, in.HintEn), Required: in.Required, MaxLength: in.MaxLength, Error: fc.errs[ptr]}
	v := pointerValue(fc.data, ptr)
	f.Value = valueString(v)
	switch {
	case in.File != nil:
		f.Kind = "file"
		f.Accept = strings.Join(in.File.Accept, ",")
		f.Capture = acceptsImages(in.File.Accept)
		f.MaxFiles = in.File.MaxFiles
		f.Multiple = in.File.MaxFiles > 1
		refs := map[string]bool{}
		for _, x := range append([]any{v}, asList(v)...) {
			if str, ok := x.(string); ok {
				refs[str] = true
			}
		}
		for _, file := range fc.draft.Files {
			if file.Pointer == ptr || refs[file.Ref] && strings.HasPrefix(file.Pointer, ptr) {
				f.Files = append(f.Files, fc.fileLine(file))
			}
		}
		f.CanAdd = len(f.Files) < in.File.MaxFiles
		f.Hint = strings.TrimSpace(f.Hint + " " + l.T("web.apply.file_hint", sizeText(l, in.File.MaxBytes)))
	case in.Type == "array" && len(in.Options) > 0:
		f.Kind = "checkboxes"
		f.Options = optionList(l, in.Options)
		for _, x := range asList(v) {
			f.Values = append(f.Values, valueString(x))
		}
	case in.Directory != "":
		f.Kind = "select"
		s.directoryField(fc, &f, in.Directory)
	case len(in.Options) > 0:
		f.Kind = "radios"
		if in.Widget == "select" || in.Widget == "" && len(in.Options) > 7 {
			f.Kind = "select"
			f.Groups = []OptionGroup{{Options: append([]Option{{Value: "", Label: l.T("web.apply.choose")}}, optionList(l, in.Options)...)}}
		} else {
			f.Options = optionList(l, in.Options)
		}
	case in.Type == "boolean":
		f.Kind = "yesno"
		if constTrue(in) {
			f.Kind = "checkbox"
		}
		f.Options = []Option{{Value: "true", Label: l.T("web.apply.yes")}, {Value: "false", Label: l.T("web.apply.no")}}
	case in.Format == "date":
		f.Kind = "date"
		f.Year, f.Month, f.Day = dateParts(f.Value)
	case in.Type == "integer" || in.Type == "number":
		f.Kind, f.Width = "number", "medium"
		f.InputMode = "numeric"
		if in.Type == "number" {
			f.InputMode = "decimal"
		}
	case in.Widget == "textarea" || in.MaxLength > 500:
		f.Kind = "textarea"
	default:
		f.Kind = "text"
		switch in.Format {
		case "snils", "inn", "inn10", "inn12", "ogrn", "ogrnip", "passport-rf":
			f.InputMode, f.Width = "numeric", "medium"
		case "phone-ru":
			f.InputMode, f.Auto, f.Width = "tel", "tel", "medium"
		case "email":
			f.InputMode, f.Auto = "email", "email"
		}
	}
	return f
}

// constTrue reports whether a boolean field only accepts true: a consent
// or a declaration ("I confirm"), shown as one checkbox.
func constTrue(in formdecl.Info) bool {
	b, ok := in.Const.(bool)
	return ok && b
}

// acceptsImages reports whether a file field takes photographs: the
// phone's camera is offered then.
func acceptsImages(accept []string) bool {
	if len(accept) == 0 {
		return true
	}
	for _, a := range accept {
		if strings.HasPrefix(a, "image/") {
			return true
		}
	}
	return false
}

func optionList(l i18n.Localizer, opts []formdecl.Option) []Option {
	out := make([]Option, 0, len(opts))
	for _, o := range opts {
		out = append(out, Option{Value: valueString(o.Value), Label: declText(l, o.Title, o.TitleEn)})
	}
	return out
}

// pointerValue returns the value at a JSON pointer in data, nil when none.
func pointerValue(data any, ptr string) any {
	if ptr == "" {
		return data
	}
	v := data
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// setPointer sets the value at a pointer relative to obj, making the
// objects on the way; list indices are not followed (groups are posted
// whole).
func setPointer(obj map[string]any, ptr string, v any) {
	segs := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, seg := range segs {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		if i == len(segs)-1 {
			if v == nil {
				delete(obj, seg)
			} else {
				obj[seg] = v
			}
			return
		}
		next, ok := obj[seg].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[seg] = next
		}
		obj = next
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// valueString is how a stored value is shown back in an input.
func valueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any, []any:
		return ""
	}
	return fmt.Sprint(v)
}

// dateParts splits a stored date "2020-03-31" (or what was typed, kept as
// typed) into its inputs.
func dateParts(s string) (year, month, day string) {
	if s == "" {
		return "", "", ""
	}
	p := strings.SplitN(s, "-", 3)
	if len(p) != 3 {
		return s, "", ""
	}
	return p[0], p[1], p[2]
}

// joinDate makes the stored value of a GOV.UK date input: "YYYY-MM-DD"
// when the parts are numbers, else the parts as typed so the message says
// the date is wrong and the page shows them back.
func joinDate(day, month, year string) any {
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)
	if day == "" && month == "" && year == "" {
		return nil
	}
	pad := func(s string) string {
		if len(s) == 1 && s[0] >= '0' && s[0] <= '9' {
			return "0" + s
		}
		return s
	}
	return year + "-" + pad(month) + "-" + pad(day)
}

// typed converts what an input posted to the field's JSON type: numbers
// and booleans become numbers and booleans; an option's text becomes the
// option's value. What does not convert stays the string it was, so the
// message says what is wrong and the page shows it back.
func typed(in formdecl.Info, s string) any {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, o := range in.Options {
		if valueString(o.Value) == s {
			return o.Value
		}
	}
	switch in.Type {
	case "integer", "number":
		n := strings.NewReplacer(" ", "", "\u00a0", "", ",", ".").Replace(s)
		// JSON's number grammar, not Go's: "0.", "+1" and "0x1p3" parse
		// as floats but are no JSON numbers.
		if n != "" && len(n) <= 64 && (n[0] == '-' || n[0] >= '0' && n[0] <= '9') && json.Valid([]byte(n)) {
			return json.Number(n)
		}
	case "boolean":
		switch s {
		case "true":
			return true
		case "false":
			return false
		}
	}
	return s
}

// fileLine shows an attached document with its delete button.
func (fc *applyFormCtx) fileLine(f application.File) applyFileLine {
	base := "/applications/" + strconv.FormatInt(fc.draft.ID, 10) + "/files/" + strconv.FormatInt(f.ID, 10)
	return applyFileLine{ID: f.ID, Name: f.Name, Meta: sizeText(fc.l, f.Size), URL: base, DeleteAction: base + "/delete"}
}

// cleanText makes a posted text safe to store: damaged bytes are marked
// with U+FFFD and reported at the field, rather than silently changed.
func cleanText(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, true
	}
	return strings.ToValidUTF8(s, "\uFFFD"), false
}
