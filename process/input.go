package process

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
)

// MaxComment is the longest comment an action takes, in characters.
const MaxComment = 10000

// DefaultFieldMax is the longest text a text field takes when it declares
// no max, in characters.
const DefaultFieldMax = 10000

// CheckInput checks what an actor gives with the action: the comment
// against the comment rule, and each field against its declaration
// (required, type, length, options); a field the action does not declare is
// refused, and so are more fields than any action may declare. It returns nil or an EINVALID *okno.Error whose field errors
// name "comment" or the field (the names a form and the API use) with a
// catalogue key. It does not check documents: they are the case's.
func (a Action) CheckInput(comment string, fields map[string]string) error {
	var fe okno.FieldErrors
	switch {
	case !utf8.ValidString(comment):
		fe.Add("comment", "process.input.text_invalid")
	case a.CommentRule() == CommentRequired && strings.TrimSpace(comment) == "":
		fe.Add("comment", "process.input.comment_required")
	case a.CommentRule() == CommentNone && strings.TrimSpace(comment) != "":
		fe.Add("comment", "process.input.comment_not_allowed")
	case utf8.RuneCountInString(comment) > MaxComment:
		fe.Add("comment", "process.input.too_long", MaxComment)
	}
	if len(fields) > MaxFields {
		fe.Add("fields", "process.input.fields_too_many", MaxFields)
		return fe.Err()
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if _, ok := a.Field(name); !ok {
			fe.Add(name, "process.input.field_unknown")
		}
	}
	for _, f := range a.Fields {
		if key, args := f.check(fields[f.Name]); key != "" {
			fe.Add(f.Name, key, args...)
		}
	}
	return fe.Err()
}

// check returns the catalogue key (and its arguments) of what is wrong
// with v as the value of f, or "" when nothing is.
func (f Field) check(v string) (string, []any) {
	if strings.TrimSpace(v) == "" {
		if f.Required {
			return "process.input.required", nil
		}
		return "", nil
	}
	if !utf8.ValidString(v) {
		return "process.input.text_invalid", nil
	}
	switch f.Type {
	case FieldText:
		max := f.Max
		if max == 0 {
			max = DefaultFieldMax
		}
		if utf8.RuneCountInString(v) > max {
			return "process.input.too_long", []any{max}
		}
	case FieldNumber:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "process.input.number_invalid", nil
		}
	case FieldDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "process.input.date_invalid", nil
		}
	case FieldChoice:
		if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == v }) {
			return "process.input.choice_invalid", nil
		}
	case FieldBool:
		if v != "true" && v != "false" {
			return "process.input.bool_invalid", nil
		}
	}
	return "", nil
}
