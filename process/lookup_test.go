package process

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func shippedDefinition(t *testing.T, file string) *Definition {
	t.Helper()
	files, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	d, ps := Parse(files[file])
	if len(ps) > 0 {
		t.Fatalf("%s: %v", file, ps)
	}
	return d
}

func TestClockMode(t *testing.T) {
	tests := []struct {
		name  string
		state State
		want  ClockMode
	}{
		{"plain", State{}, ClockRunning},
		{"waiting", State{Waiting: true}, ClockPaused},
		{"terminal", State{Terminal: true}, ClockStopped},
		{"declared wins over waiting", State{Waiting: true, Clock: ClockStopped}, ClockStopped},
		{"declared pause", State{Clock: ClockPaused}, ClockPaused},
		{"declared running while waiting", State{Waiting: true, Clock: ClockRunning}, ClockRunning},
	}
	for _, tt := range tests {
		if got := tt.state.ClockMode(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLookups(t *testing.T) {
	d := shippedDefinition(t, "appeal.yaml")
	if got := d.StartState().Name; got != "moderation" {
		t.Errorf("start = %q, want moderation", got)
	}
	var got []string
	for _, a := range d.ActionsFrom("answered") {
		got = append(got, a.Name)
	}
	if diff := cmp.Diff([]string{"confirm", "refute", "auto_close"}, got); diff != "" {
		t.Errorf("actions from answered (-want +got):\n%s", diff)
	}
	if got := d.ActionsFrom("rejected"); len(got) != 0 {
		t.Errorf("actions from rejected: %v", got)
	}
	if s, ok := d.State("answered"); !ok || s.ClockMode() != ClockStopped || s.OnTimeout != "auto_close" {
		t.Errorf("answered = %+v, %v", s, ok)
	}
	if _, ok := d.State("nowhere"); ok {
		t.Error("found a state that does not exist")
	}
	if _, ok := d.Document("answer_letter"); !ok {
		t.Error("answer_letter not found")
	}
	reject, _ := d.Action("reject")
	if f, ok := reject.Field("reason"); !ok || f.Type != FieldChoice {
		t.Errorf("reject's reason = %+v, %v", f, ok)
	}
	if (&Definition{}).StartState().Name != "" {
		t.Error("a definition without states has a start")
	}
}

func TestLadder(t *testing.T) {
	d := &Definition{}
	got := d.Ladder()
	if diff := cmp.Diff(DefaultLadder, got); diff != "" {
		t.Errorf("default ladder (-want +got):\n%s", diff)
	}
	got[0] = "changed"
	if DefaultLadder[0] != RungSupervisor {
		t.Fatal("Ladder returned DefaultLadder itself")
	}
	d.Escalation = []Rung{RungHigherBody}
	if diff := cmp.Diff([]Rung{RungHigherBody}, d.Ladder()); diff != "" {
		t.Errorf("declared ladder (-want +got):\n%s", diff)
	}
}

func TestAllows(t *testing.T) {
	d := shippedDefinition(t, "appeal.yaml")
	reopen, _ := d.Action("reopen")
	auto, _ := d.Action("auto_close")
	tests := []struct {
		name   string
		action Action
		party  func(Party) bool
		want   bool
	}{
		{"applicant reopens", reopen, isApplicant, true},
		{"system does not reopen", reopen, isSystem, false},
		{"controller above reopens", reopen, func(p Party) bool { return p.Role == "controller" && p.Scope == ScopeHigher }, true},
		{"official does not reopen", reopen, func(p Party) bool { return p.Role == "official" }, false},
		{"system closes automatically", auto, isSystem, true},
		{"applicant does not close automatically", auto, isApplicant, false},
	}
	for _, tt := range tests {
		if got := tt.action.Allows(tt.party); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTemplateName(t *testing.T) {
	if got := (Effect{Kind: EffectNotify}).TemplateName("appeal", "answer"); got != "appeal.answer" {
		t.Errorf("default template = %q", got)
	}
	if got := (Effect{Kind: EffectNotify, Template: "appeal.custom"}).TemplateName("appeal", "answer"); got != "appeal.custom" {
		t.Errorf("declared template = %q", got)
	}
}

func TestValidName(t *testing.T) {
	for s, want := range map[string]bool{"appeal": true, "a_1": true, "": false, "Appeal": false, "1a": false, "a-b": false, "a.b": false} {
		if got := ValidName(s); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", s, got, want)
		}
	}
}
