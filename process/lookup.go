package process

import "slices"

// State returns the named state of d, and whether there is one.
func (d *Definition) State(name string) (State, bool) {
	for _, s := range d.States {
		if s.Name == name {
			return s, true
		}
	}
	return State{}, false
}

// Action returns the named action of d, and whether there is one.
func (d *Definition) Action(name string) (Action, bool) {
	for _, a := range d.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// Document returns the named kind of document of d, and whether there is one.
func (d *Definition) Document(name string) (DocKind, bool) {
	for _, dk := range d.Documents {
		if dk.Name == name {
			return dk, true
		}
	}
	return DocKind{}, false
}

// StartState returns the state a new case is in. A valid definition (every
// published one) has exactly one; for an invalid one it is the first
// declared start, or the zero State.
func (d *Definition) StartState() State {
	for _, s := range d.States {
		if s.Start {
			return s
		}
	}
	return State{}
}

// ActionsFrom returns the actions that lead out of state, in declaration
// order: the candidates for what may be done to a case in that state,
// before asking who may take them and whether their guards hold.
func (d *Definition) ActionsFrom(state string) []Action {
	var out []Action
	for _, a := range d.Actions {
		if slices.Contains(a.From, state) {
			out = append(out, a)
		}
	}
	return out
}

// Ladder returns the escalation ladder a case climbs when a step clock runs
// out: the declared one, or DefaultLadder when the definition declares
// none. The result is a copy: changing it changes nothing in d.
func (d *Definition) Ladder() []Rung {
	if len(d.Escalation) == 0 {
		return slices.Clone(DefaultLadder)
	}
	return slices.Clone(d.Escalation)
}

// ClockMode returns what the state does to the legal clock: the declared
// mode, else paused for a waiting state (the citizen has the ball),
// stopped for a terminal one (the obligation is met), else running.
func (s State) ClockMode() ClockMode {
	switch {
	case s.Clock != "":
		return s.Clock
	case s.Terminal:
		return ClockStopped
	case s.Waiting:
		return ClockPaused
	}
	return ClockRunning
}

// Allows reports whether any party of the action satisfies p. The caller
// decides what a party means for its actor — the engine's access rules ask
// "is this the applicant?", "does the actor hold this role in this scope?" —
// and this answers whether the action admits such a party:
//
//	a.Allows(func(p Party) bool { return p.System })
func (a Action) Allows(p func(Party) bool) bool {
	return slices.ContainsFunc(a.By, p)
}

// Field returns the named input field of the action, and whether there is one.
func (a Action) Field(name string) (Field, bool) {
	for _, f := range a.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// CommentRule returns the action's comment rule, CommentOptional when it
// declares none.
func (a Action) CommentRule() Comment {
	if a.Comment == "" {
		return CommentOptional
	}
	return a.Comment
}

// TemplateName returns the notification template of a notify effect of
// the action: the declared one, or "<process>.<action>".
func (e Effect) TemplateName(process, action string) string {
	if e.Template != "" {
		return e.Template
	}
	return process + "." + action
}

// ValidName reports whether s can name a process, a state, an action or
// anything else a definition names: [a-z][a-z0-9_]*, at most MaxNameLen
// characters. Doors use it to refuse a name before asking the database.
func ValidName(s string) bool {
	return len(s) <= MaxNameLen && namePattern.MatchString(s)
}
