package process

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// miniLines is the smallest valid definition; the table below breaks it
// one line at a time. Keep each line's number: cases name them.
var miniLines = []string{
	1: "name: mini",
	2: "kind: appeal",
	3: "title: {ru: Мини, en: Mini}",
	4: "legal_clock: {days: 30, unit: calendar}",
	5: "states:",
	6: "  - {name: open, start: true, title: {ru: Открыто}}",
	7: "  - {name: done, terminal: true, outcome: fixed, title: {ru: Готово}}",
	8: "actions:",
	9: "  - {name: close, title: {ru: Закрыть}, from: [open], to: done, by: [{role: official}]}",
}

// mini returns the definition with lines replaced and more lines added
// after the last.
func mini(edit map[int]string, more ...string) string {
	lines := append([]string(nil), miniLines[1:]...)
	for n, s := range edit {
		lines[n-1] = s
	}
	return strings.Join(append(lines, more...), "\n") + "\n"
}

func TestMiniIsValid(t *testing.T) {
	d, ps := Parse([]byte(mini(nil)))
	if len(ps) > 0 {
		t.Fatalf("problems in the valid definition: %v", ps)
	}
	if got := d.StartState().Name; got != "open" {
		t.Errorf("start = %q, want open", got)
	}
}

// TestProblemsAtTheirPlace breaks the mini definition in one way per case
// and expects that problem, at the line and the column where the text
// `at` starts on that line.
func TestProblemsAtTheirPlace(t *testing.T) {
	const action = "  - {name: close, title: {ru: Закрыть}, from: [open], to: done, by: [{role: official}]}"
	withAction := func(old, new string) string { return mini(map[int]string{9: strings.Replace(action, old, new, 1)}) }
	tests := []struct {
		name string
		src  string
		key  string
		line int
		at   string // the text the problem points at, on line
	}{
		{"unknown key", mini(map[int]string{3: "titel: {ru: Мини}"}), "process.unknown_key", 3, "titel"},
		{"duplicate key", mini(map[int]string{3: "title: {ru: Мини, ru: Ещё}"}), "process.duplicate_key", 3, "ru: Ещё"},
		{"bad process name", mini(map[int]string{1: "name: Mini"}), "process.name_invalid", 1, "Mini"},
		{"name missing", mini(map[int]string{1: "# no name"}), "process.required", 2, "kind"},
		{"unknown kind", mini(map[int]string{2: "kind: petition"}), "process.kind_unknown", 2, "petition"},
		{"russian title missing", mini(map[int]string{3: "title: {en: Mini}"}), "process.russian_missing", 3, "{en"},
		{"bad language tag", mini(map[int]string{3: "title: {ru: Мини, English: Mini}"}), "process.lang_invalid", 3, "Mini}"},
		{"days not a number", mini(map[int]string{4: "legal_clock: {days: thirty}"}), "process.want_integer", 4, "thirty"},
		{"days out of range", mini(map[int]string{4: "legal_clock: {days: 0}"}), "process.period_days", 4, "0}"},
		{"days too many", mini(map[int]string{4: "legal_clock: {days: 3651}"}), "process.period_days", 4, "3651"},
		{"unknown unit", mini(map[int]string{4: "legal_clock: {days: 30, unit: weeks}"}), "process.period_unit", 4, "weeks"},
		{"legal clock missing", mini(map[int]string{4: "# no clock"}), "process.legal_clock_missing", 1, "name"},
		{"unknown rung", mini(nil, "escalation: [supervisor, governor]"), "process.rung_unknown", 10, "governor"},
		{"repeated rung", mini(nil, "escalation: [head, head]"), "process.duplicate_name", 10, "head]"},
		{"no start", mini(map[int]string{6: "  - {name: open, title: {ru: Открыто}}"}), "process.start_missing", 6, "- {name: open"},
		{"two starts", mini(map[int]string{7: "  - {name: done, start: true, outcome: fixed, title: {ru: Готово}}"}), "process.start_several", 7, "true, outcome"},
		{"no terminal", mini(map[int]string{7: "  - {name: done, title: {ru: Готово}}"}), "process.terminal_missing", 6, "- {name: open"},
		{"duplicate state", mini(map[int]string{7: "  - {name: open, terminal: true, outcome: fixed, title: {ru: Готово}}"}), "process.duplicate_name", 7, "open"},
		{"bad state name", mini(nil, "  - {name: Lost, terminal: true, outcome: x, title: {ru: Ы}}"), "process.name_invalid", 10, "Lost"},
		{"start is terminal", mini(map[int]string{6: "  - {name: open, start: true, terminal: true, outcome: x, title: {ru: Открыто}}"}), "process.start_terminal", 6, "true, outcome"},
		{"unknown clock mode", mini(map[int]string{6: "  - {name: open, start: true, clock: ticking, title: {ru: Открыто}}"}), "process.clock_invalid", 6, "ticking"},
		{"terminal clock running", mini(map[int]string{7: "  - {name: done, terminal: true, clock: running, outcome: fixed, title: {ru: Готово}}"}), "process.terminal_clock", 7, "running"},
		{"terminal with a step clock", mini(map[int]string{7: "  - {name: done, terminal: true, step_clock: {days: 3}, outcome: fixed, title: {ru: Готово}}"}), "process.terminal_step_clock", 7, "{days: 3}"},
		{"terminal without outcome", mini(map[int]string{7: "  - {name: done, terminal: true, title: {ru: Готово}}"}), "process.outcome_missing", 7, "{name: done"},
		{"outcome not terminal", mini(map[int]string{6: "  - {name: open, start: true, outcome: x, title: {ru: Открыто}}"}), "process.outcome_not_terminal", 6, "x,"},
		{"start not a bool", mini(map[int]string{6: "  - {name: open, start: yes, title: {ru: Открыто}}"}), "process.want_bool", 6, "yes"},
		{"unreachable", mini(map[int]string{7: "  - {name: done, terminal: true, outcome: fixed, title: {ru: Готово}}\n  - {name: lost, terminal: true, outcome: fixed, title: {ru: Потеряно}}"}),
			"process.state_unreachable", 8, "lost"},
		{"dead end", mini(map[int]string{7: "  - {name: done, title: {ru: Готово}}\n  - {name: end, terminal: true, outcome: x, title: {ru: Конец}}"}),
			"process.state_dead_end", 7, "done"},
		{"no way to an end", mini(map[int]string{9: strings.Replace(action, "to: done", "to: loop", 1)},
			"  - {name: back, title: {ru: Назад}, from: [loop], to: open, by: [{role: official}]}", "  - {name: loop, title: {ru: Круг}}"),
			"process.state_no_way_to_end", 6, "open"},
		{"waiting without the applicant", mini(map[int]string{6: "  - {name: open, start: true, waiting: true, title: {ru: Открыто}}"}), "process.waiting_no_applicant", 6, "true, title"},
		{"on_timeout without a step clock", mini(map[int]string{6: "  - {name: open, start: true, on_timeout: close, title: {ru: Открыто}}"}), "process.on_timeout_without_step_clock", 6, "close"},
		{"on_timeout unknown action", mini(map[int]string{6: "  - {name: open, start: true, step_clock: {days: 2}, on_timeout: shut, title: {ru: Открыто}}"}), "process.action_unknown", 6, "shut"},
		{"on_timeout not by the system", mini(map[int]string{6: "  - {name: open, start: true, step_clock: {days: 2}, on_timeout: close, title: {ru: Открыто}}"}), "process.on_timeout_not_system", 6, "close"},
		{"on_timeout not from the state", mini(map[int]string{7: "  - {name: done, terminal: true, outcome: fixed, title: {ru: Готово}}\n  - {name: later, step_clock: {days: 2}, on_timeout: close, title: {ru: Позже}}"},
			"  - {name: wait, title: {ru: Ждать}, from: [open], to: later, by: [{role: official}]}", "  - {name: end, title: {ru: Конец}, from: [later], to: done, by: [{system: true}]}"),
			"process.on_timeout_not_from_state", 8, "close"},
		{"unknown to", withAction("to: done", "to: gone"), "process.state_unknown", 9, "gone"},
		{"unknown from", withAction("from: [open]", "from: [open, nowhere]"), "process.state_unknown", 9, "nowhere"},
		{"from not a list", withAction("from: [open]", "from: open"), "process.want_list", 9, "open, to"},
		{"from empty", withAction("from: [open]", "from: []"), "process.from_empty", 9, "[], to"},
		{"to missing", withAction("to: done, ", ""), "process.required", 9, "{name: close"},
		{"duplicate action", mini(nil, action), "process.duplicate_name", 10, "close"},
		{"no party", withAction("by: [{role: official}]", "by: []"), "process.action_no_party", 9, "[]}"},
		{"by missing", withAction(", by: [{role: official}]", ""), "process.action_no_party", 9, "{name: close"},
		{"unknown role", withAction("role: official", "role: mayor"), "process.role_unknown", 9, "mayor"},
		{"unknown scope", withAction("role: official", "role: official, scope: galaxy"), "process.scope_unknown", 9, "galaxy"},
		{"scope without role", withAction("role: official", "applicant: true, scope: any"), "process.scope_without_role", 9, "any"},
		{"empty party", withAction("{role: official}", "{}"), "process.party_empty", 9, "{}"},
		{"ambiguous party", withAction("role: official", "role: official, system: true"), "process.party_ambiguous", 9, "{role"},
		{"duplicate party", withAction("{role: official}", "{role: official}, {role: official}"), "process.party_duplicate", 9, "{role: official}]"},
		{"unknown comment rule", withAction("to: done", "to: done, comment: maybe"), "process.comment_invalid", 9, "maybe"},
		{"system cannot comment", withAction("by: [{role: official}]", "by: [{system: true}], comment: required"), "process.system_input", 9, "required"},
		{"comment not a string", withAction("to: done", "to: done, comment: [required]"), "process.want_string", 9, "[required]"},
		{"by twice", withAction("to: done", "to: done, by: [{applicant: true}]"), "process.duplicate_key", 9, "by: [{role"},
		{"replies without comment", withAction("to: done", "to: done, comment: none, replies: [{title: {ru: Т}, body: {ru: Б}}]"), "process.replies_without_comment", 9, "[{title: {ru: Т}"},
		{"unknown guard", withAction("to: done", "to: done, guards: [moon_full]"), "process.guard_unknown", 9, "moon_full"},
		{"document undeclared", withAction("to: done", "to: done, documents: [passport]"), "process.document_undeclared", 9, "passport"},
		{"choice without options", withAction("to: done", "to: done, fields: [{name: ground, title: {ru: Основание}, type: choice}]"), "process.choice_without_options", 9, "{name: ground"},
		{"options not choice", withAction("to: done", "to: done, fields: [{name: n, title: {ru: Н}, type: text, options: [{value: a, title: {ru: А}}]}]"), "process.options_not_choice", 9, "[{value"},
		{"unknown field type", withAction("to: done", "to: done, fields: [{name: n, title: {ru: Н}, type: money}]"), "process.field_type_unknown", 9, "money"},
		{"field named comment", withAction("to: done", "to: done, fields: [{name: comment, title: {ru: К}, type: text}]"), "process.field_reserved", 9, "comment,"},
		{"max on a number", withAction("to: done", "to: done, fields: [{name: n, title: {ru: Н}, type: number, max: 5}]"), "process.field_max_not_text", 9, "5}"},
		{"duplicate option", withAction("to: done", "to: done, fields: [{name: n, title: {ru: Н}, type: choice, options: [{value: a, title: {ru: А}}, {value: a, title: {ru: Б}}]}]"), "process.duplicate_name", 9, "a, title: {ru: Б"},
		{"unknown effect", withAction("to: done", "to: done, effects: [{kind: fireworks}]"), "process.effect_kind_unknown", 9, "fireworks"},
		{"notify without audience", withAction("to: done", "to: done, effects: [{kind: notify}]"), "process.notify_without_audience", 9, "{kind: notify"},
		{"unknown audience", withAction("to: done", "to: done, effects: [{kind: notify, audience: press}]"), "process.audience_unknown", 9, "press"},
		{"result document undeclared", withAction("to: done", "to: done, effects: [{kind: result, document: answer}]"), "process.document_undeclared", 9, "answer"},
		{"result without a document", withAction("to: done", "to: done, effects: [{kind: result}]"), "process.result_without_document", 9, "{kind: result"},
		{"children without processes", withAction("to: done", "to: done, effects: [{kind: children}]"), "process.children_without_processes", 9, "{kind: children"},
		{"children of itself", withAction("to: done", "to: done, effects: [{kind: children, processes: [mini]}]"), "process.children_self", 9, "mini]"},
		{"hook without a name", withAction("to: done", "to: done, effects: [{kind: hook, params: {fee: '100'}}]"), "process.required", 9, "{kind: hook"},
		{"webhook without an event", withAction("to: done", "to: done, effects: [{kind: webhook}]"), "process.required", 9, "{kind: webhook"},
		{"bad template", withAction("to: done", "to: done, effects: [{kind: notify, audience: applicant, template: Mini.Close}]"), "process.event_invalid", 9, "Mini.Close"},
		{"attribute of another effect", withAction("to: done", "to: done, effects: [{kind: webhook, event: closed, audience: applicant}]"), "process.effect_attr_unused", 9, "applicant"},
		{"syntax", mini(map[int]string{3: "title: {ru: Мини"}), "process.syntax", 3, ""},
		{"alias", mini(map[int]string{3: "title: &t {ru: Мини}"}, "documents: [{name: d, title: *t}]"), "process.alias", 10, "*t"},
		{"several documents", mini(nil, "---", "name: other"), "process.several_documents", 10, ""},
		{"not a mapping", "- a\n- b\n", "process.want_mapping", 1, "- a"},
		{"empty", "  \n", "process.empty", 1, ""},
		{"only comments", "# name: appeal\n", "process.empty", 1, ""},
		{"not UTF-8", "name: \xff\n", "process.not_utf8", 1, ""},
		{"too large", mini(nil, "# "+strings.Repeat("я", MaxSourceSize/2)), "process.too_large", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ps := Parse([]byte(tt.src))
			line := strings.Split(tt.src, "\n")[tt.line-1]
			col := 1
			if tt.at != "" {
				i := strings.Index(line, tt.at)
				if i < 0 {
					t.Fatalf("line %d %q has no %q: the case is wrong", tt.line, line, tt.at)
				}
				col = utf8.RuneCountInString(line[:i]) + 1
			}
			for _, p := range ps {
				if p.Key == tt.key && p.Line == tt.line && p.Column == col {
					return
				}
			}
			t.Errorf("want %s at %d:%d (%q); got:\n%s", tt.key, tt.line, col, tt.at, list(ps))
		})
	}
}

func list(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

// TestEveryProblemIsReported: problems do not hide each other.
func TestEveryProblemIsReported(t *testing.T) {
	src := mini(map[int]string{
		1: "name: Mini",
		2: "kind: petition",
		4: "# no clock",
		9: "  - {name: close, title: {en: Close}, from: [open], to: gone, by: []}",
	})
	_, ps := Parse([]byte(src))
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%d:%d %s %s", p.Line, p.Column, p.Path, p.Key))
	}
	want := []string{
		"1:1 legal_clock process.legal_clock_missing",
		"1:7 name process.name_invalid",
		"2:7 kind process.kind_unknown",
		"6:12 states[0].name process.state_no_way_to_end",
		"7:12 states[1].name process.state_unreachable",
		"9:26 actions[0].title.ru process.russian_missing", // ru is missing: placed at the title
		"9:57 actions[0].to process.state_unknown",
		"9:67 actions[0].by process.action_no_party",
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestShippedDefinitionsAreValid parses every shipped definition: each
// must have no problem, and say what the platform relies on.
func TestShippedDefinitionsAreValid(t *testing.T) {
	files, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{"appeal.yaml": KindAppeal, "application.yaml": KindApplication, "complaint.yaml": KindComplaint}
	if len(files) != len(want) {
		t.Errorf("shipped %d files, want %d", len(files), len(want))
	}
	for name, kind := range want {
		d, ps := Parse(files[name])
		if len(ps) > 0 {
			t.Errorf("%s:\n%s", name, list(ps))
			continue
		}
		if d.Kind != kind || d.Name+".yaml" != name {
			t.Errorf("%s: name %q, kind %q", name, d.Name, d.Kind)
		}
		for _, s := range d.States {
			if s.Title["en"] == "" || s.Citizen["ru"] == "" || s.Citizen["en"] == "" {
				t.Errorf("%s: state %s lacks an English title or a citizen text", name, s.Name)
			}
		}
		for _, a := range d.Actions {
			if a.Title["en"] == "" {
				t.Errorf("%s: action %s lacks an English title", name, a.Name)
			}
		}
	}
}

// TestJSONIsYAML: a definition written as JSON (indented with spaces, with
// tabs, or not at all) parses to the same definition.
func TestJSONIsYAML(t *testing.T) {
	files, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		want, _ := Parse(src)
		for _, indent := range []string{"", "  ", "\t"} {
			b, err := json.MarshalIndent(want, "", indent)
			if err != nil {
				t.Fatal(err)
			}
			got, ps := Parse(b)
			if len(ps) > 0 {
				t.Errorf("%s as JSON (indent %q):\n%s", name, indent, list(ps))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s as JSON (indent %q) differs (-want +got):\n%s", name, indent, diff)
			}
		}
	}
}

// TestJSONProblemsArePlaced: problems in a JSON file have their place too.
func TestJSONProblemsArePlaced(t *testing.T) {
	src := []byte("{\n  \"name\": \"mini\",\n  \"kind\": \"appeal\",\n  \"colour\": \"red\"\n}\n")
	_, ps := Parse(src)
	for _, p := range ps {
		if p.Key == "process.unknown_key" && p.Line == 4 && p.Column == 3 {
			return
		}
	}
	t.Errorf("want the unknown key at 4:3; got:\n%s", list(ps))
}

func TestValidateWithoutAFile(t *testing.T) {
	d, _ := Parse([]byte(mini(nil)))
	d.Actions[0].To = "gone"
	got := Validate(d)
	want := []Problem{
		{Path: "actions[0].to", Key: "process.state_unknown", Args: []any{"gone"}},
		{Path: "states[0].name", Key: "process.state_no_way_to_end", Args: []any{"open"}},
		{Path: "states[1].name", Key: "process.state_unreachable", Args: []any{"done"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if got := Validate(nil); len(got) != 1 || got[0].Key != "process.empty" {
		t.Errorf("Validate(nil) = %v", got)
	}
}

func TestLimits(t *testing.T) {
	many := strings.Repeat("  - {name: s, title: {ru: С}}\n", MaxStates)
	src := strings.Replace(mini(nil), "states:\n", "states:\n"+many, 1)
	_, ps := Parse([]byte(src))
	if !slices.ContainsFunc(ps, func(p Problem) bool { return p.Key == "process.too_many" && p.Path == "states" }) {
		t.Errorf("%d states: want process.too_many at states; got %d other problems", MaxStates+2, len(ps))
	}
	long := mini(map[int]string{1: "name: " + strings.Repeat("a", MaxNameLen+1)})
	if _, ps := Parse([]byte(long)); len(ps) != 1 || ps[0].Key != "process.name_too_long" {
		t.Errorf("long name: %v", ps)
	}
}
