package process

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

func TestCheckInput(t *testing.T) {
	action := Action{
		Name:    "refuse",
		Comment: CommentRequired,
		Fields: []Field{
			{Name: "ground", Type: FieldChoice, Required: true, Options: []Option{{Value: "late"}, {Value: "incomplete"}}},
			{Name: "number", Type: FieldNumber},
			{Name: "date", Type: FieldDate},
			{Name: "note", Type: FieldText, Max: 5},
			{Name: "urgent", Type: FieldBool},
			{Name: "long", Type: FieldText},
		},
	}
	silent := Action{Name: "publish", Comment: CommentNone}
	optional := Action{Name: "reply"}
	ok := map[string]string{"ground": "late"}
	with := func(k, v string) map[string]string { return map[string]string{"ground": "late", k: v} }
	tests := []struct {
		name    string
		action  Action
		comment string
		fields  map[string]string
		want    []okno.FieldError // nil: accepted
	}{
		{"all good", action, "Отказано", map[string]string{"ground": "late", "number": "-12", "date": "2026-02-28", "note": "пять!", "urgent": "true"}, nil},
		{"comment required", action, "  ", ok, []okno.FieldError{{Field: "comment", Key: "process.input.comment_required"}}},
		{"comment not allowed", silent, "привет", nil, []okno.FieldError{{Field: "comment", Key: "process.input.comment_not_allowed"}}},
		{"no comment where none", silent, "", nil, nil},
		{"optional comment left out", optional, "", nil, nil},
		{"comment too long", optional, strings.Repeat("я", MaxComment+1), nil, []okno.FieldError{{Field: "comment", Key: "process.input.too_long", Args: []any{MaxComment}}}},
		{"comment at the limit", optional, strings.Repeat("я", MaxComment), nil, nil},
		{"comment not UTF-8", optional, "\xff", nil, []okno.FieldError{{Field: "comment", Key: "process.input.text_invalid"}}},
		{"required field missing", action, "x", nil, []okno.FieldError{{Field: "ground", Key: "process.input.required"}}},
		{"required field blank", action, "x", map[string]string{"ground": " "}, []okno.FieldError{{Field: "ground", Key: "process.input.required"}}},
		{"not an option", action, "x", map[string]string{"ground": "bored"}, []okno.FieldError{{Field: "ground", Key: "process.input.choice_invalid"}}},
		{"not a number", action, "x", with("number", "1.5"), []okno.FieldError{{Field: "number", Key: "process.input.number_invalid"}}},
		{"not a date", action, "x", with("date", "2026-02-30"), []okno.FieldError{{Field: "date", Key: "process.input.date_invalid"}}},
		{"text over its max", action, "x", with("note", "шесть!"), []okno.FieldError{{Field: "note", Key: "process.input.too_long", Args: []any{5}}}},
		{"text over the default max", action, "x", with("long", strings.Repeat("a", DefaultFieldMax+1)), []okno.FieldError{{Field: "long", Key: "process.input.too_long", Args: []any{DefaultFieldMax}}}},
		{"not a bool", action, "x", with("urgent", "yes"), []okno.FieldError{{Field: "urgent", Key: "process.input.bool_invalid"}}},
		{"unknown field", action, "x", with("colour", "red"), []okno.FieldError{{Field: "colour", Key: "process.input.field_unknown"}}},
		{"several at once", action, "", map[string]string{"number": "x", "zzz": "1"}, []okno.FieldError{
			{Field: "comment", Key: "process.input.comment_required"},
			{Field: "zzz", Key: "process.input.field_unknown"},
			{Field: "ground", Key: "process.input.required"},
			{Field: "number", Key: "process.input.number_invalid"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.action.CheckInput(tt.comment, tt.fields)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := okno.AsError(err)
			if e.Code != okno.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if diff := cmp.Diff(tt.want, e.Fields); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckInputBoundsFields(t *testing.T) {
	fields := map[string]string{}
	for i := 0; i <= MaxFields; i++ {
		fields[strings.Repeat("f", i+1)] = "x"
	}
	e := okno.AsError(Action{}.CheckInput("", fields))
	if len(e.Fields) != 1 || e.Fields[0].Key != "process.input.fields_too_many" {
		t.Errorf("%d fields: %v", len(fields), e)
	}
}
