package process

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
)

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatalf("schema.json is not JSON: %v", err)
	}
	return s
}

func TestSchemaIsDraft202012(t *testing.T) {
	s := loadSchema(t)
	if got := s["$schema"]; got != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", got)
	}
}

// schemaObjects names, for each struct of the file format, the schema
// object describing it. A struct reachable from Definition that is missing
// here fails the test below: add it to both.
var schemaObjects = map[reflect.Type]string{
	reflect.TypeFor[Definition]():      "",
	reflect.TypeFor[State]():           "state",
	reflect.TypeFor[Action]():          "action",
	reflect.TypeFor[Party]():           "party",
	reflect.TypeFor[Field]():           "field",
	reflect.TypeFor[Option]():          "option",
	reflect.TypeFor[DocKind]():         "document",
	reflect.TypeFor[Reply]():           "reply",
	reflect.TypeFor[Effect]():          "effect",
	reflect.TypeFor[calendar.Period](): "period",
}

// TestSchemaFollowsDefinition keeps schema.json in step with the structs:
// every json tag is a property of the right schema object, and every
// property is a json tag.
func TestSchemaFollowsDefinition(t *testing.T) {
	s := loadSchema(t)
	defs := s["$defs"].(map[string]any)
	for _, typ := range structsOf(reflect.TypeFor[Definition]()) {
		def, ok := schemaObjects[typ]
		if !ok {
			t.Errorf("%v is part of the file format but has no schema object in schemaObjects", typ)
			continue
		}
		obj := s
		if def != "" {
			obj, _ = defs[def].(map[string]any)
		}
		props, _ := obj["properties"].(map[string]any)
		if obj["additionalProperties"] != false {
			t.Errorf("%v (%q): schema allows additional properties, the parser does not", typ, def)
		}
		want := slices.Sorted(func(yield func(string) bool) {
			for name := range jsonFields(typ) {
				if !yield(name) {
					return
				}
			}
		})
		var got []string
		for name := range props {
			got = append(got, name)
		}
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%v (%q): json tags (-want) and schema properties (+got) differ:\n%s", typ, def, diff)
		}
	}
}

// structsOf lists t and every struct type reachable through its fields.
func structsOf(t reflect.Type) []reflect.Type {
	var out []reflect.Type
	var visit func(reflect.Type)
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || slices.Contains(out, t) {
			return
		}
		out = append(out, t)
		for i := 0; i < t.NumField(); i++ {
			visit(t.Field(i).Type)
		}
	}
	visit(t)
	return out
}

// TestSchemaEnumsFollowTheCode: each closed set the schema lists is the
// set the validator accepts.
func TestSchemaEnumsFollowTheCode(t *testing.T) {
	s := loadSchema(t)
	strs := func(vs ...any) []string {
		var out []string
		for _, v := range vs {
			out = append(out, reflect.ValueOf(v).String())
		}
		slices.Sort(out)
		return out
	}
	anys := func(s any) []any { // the validator's own sets
		v := reflect.ValueOf(s)
		out := make([]any, v.Len())
		for i := range out {
			out[i] = v.Index(i).Interface()
		}
		return out
	}
	tests := []struct {
		path string
		want []string
	}{
		{"properties.kind", strs(KindAppeal, KindApplication, KindComplaint)},
		{"properties.escalation.items", strs(anys(DefaultLadder)...)},
		{"$defs.period.properties.unit", strs(calendar.CalendarDays, calendar.WorkingDays)},
		{"$defs.state.properties.clock", strs(ClockRunning, ClockPaused, ClockStopped)},
		{"$defs.action.properties.comment", strs(CommentNone, CommentOptional, CommentRequired)},
		{"$defs.action.properties.guards.items", strs(anys(guards)...)},
		{"$defs.party.properties.role", strs(anys(okno.Roles)...)},
		{"$defs.party.properties.scope", strs(anys(scopes)...)},
		{"$defs.field.properties.type", strs(anys(fieldTypes)...)},
		{"$defs.effect.properties.kind", strs(EffectNotify, EffectResult, EffectChildren, EffectWebhook, EffectHook)},
		{"$defs.effect.properties.audience", strs(anys(audiences)...)},
	}
	for _, tt := range tests {
		var node any = s
		for _, k := range strings.Split(tt.path, ".") {
			node = node.(map[string]any)[k]
		}
		var got []string
		for _, v := range node.(map[string]any)["enum"].([]any) {
			got = append(got, v.(string))
		}
		slices.Sort(got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s enum (-code +schema):\n%s", tt.path, diff)
		}
	}
}

func TestSchemaIsACopy(t *testing.T) {
	b := Schema()
	b[0] = 'x'
	if Schema()[0] != '{' {
		t.Fatal("Schema returned the embedded bytes themselves")
	}
}
