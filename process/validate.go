package process

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno/calendar"
)

// The limits of a definition. They are far above any real regulation and
// keep a careless or hostile file from making every case page slow.
const (
	MaxStates    = 100
	MaxActions   = 300
	MaxDocuments = 100
	MaxFields    = 50  // per action
	MaxOptions   = 200 // per choice field
	MaxEffects   = 20  // per action
	MaxReplies   = 50  // per action
	MaxParties   = 20  // per action
	MaxNameLen   = 64  // names of the process, states, actions, fields, documents, options, outcomes
	MaxTitleLen  = 200
	MaxTextLen   = 2000   // a citizen text
	MaxReplyLen  = 10000  // a reply template's body
	MaxFieldMax  = 100000 // the largest max a text field may declare
	MaxPeriod    = 3650   // days: ten years
	maxLangs     = 8
	maxParams    = 20
	maxParamLen  = 500
)

var (
	namePattern  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	eventPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`) // templates, events, hooks
	langPattern  = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// Validate reports every problem of d: names, references between states
// and actions, the graph (a start, reachable states, a way out of each),
// who may act, deadlines, inputs, effects and limits. Parse calls it and
// places the problems in the file; called on a Definition built in code,
// it gives paths without lines. Whether processes named by children
// effects exist is the Registry's question, not this one's.
func Validate(d *Definition) []Problem {
	if d == nil {
		return []Problem{{Key: "process.empty"}}
	}
	c := &checker{out: map[string][]Action{}}
	for _, a := range d.Actions {
		for _, f := range a.From {
			c.out[f] = append(c.out[f], a)
		}
	}
	c.name("name", d.Name, true)
	switch {
	case d.Kind == "":
		c.add("kind", "process.required", "kind")
	case !slices.Contains([]Kind{KindAppeal, KindApplication, KindComplaint}, d.Kind):
		c.add("kind", "process.kind_unknown", string(d.Kind))
	}
	c.text("title", d.Title, true, MaxTitleLen)
	if d.LegalClock == nil {
		c.add("legal_clock", "process.legal_clock_missing")
	} else {
		c.period("legal_clock", *d.LegalClock)
	}
	c.ladder(d.Escalation)
	c.documents(d.Documents)
	c.states(d)
	c.actions(d)
	c.graph(d)
	return c.ps
}

// name checks an identifier; required says whether empty is a problem.
func (c *checker) name(path, s string, required bool) {
	switch {
	case s == "":
		if required {
			c.add(path, "process.required", lastKey(path))
		}
	case utf8.RuneCountInString(s) > MaxNameLen:
		c.add(path, "process.name_too_long", MaxNameLen)
	case !namePattern.MatchString(s):
		c.add(path, "process.name_invalid", s)
	}
}

// lastKey is the key a path ends with, to name what is missing.
func lastKey(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// text checks a text in several languages: Russian is required when the
// text is, every language tag is well formed, no text is too long.
func (c *checker) text(path string, t Text, required bool, max int) {
	if required && strings.TrimSpace(t["ru"]) == "" {
		c.add(at(path, "ru"), "process.russian_missing")
	}
	if len(t) > maxLangs {
		c.add(path, "process.too_many", maxLangs)
	}
	for _, lang := range slices.Sorted(maps.Keys(t)) {
		s := t[lang]
		switch {
		case !langPattern.MatchString(lang):
			c.add(at(path, lang), "process.lang_invalid", lang)
		case utf8.RuneCountInString(s) > max:
			c.add(at(path, lang), "process.text_too_long", max)
		}
	}
}

func (c *checker) period(path string, p calendar.Period) {
	if p.Days < 1 || p.Days > MaxPeriod {
		c.add(at(path, "days"), "process.period_days", 1, MaxPeriod)
	}
	if p.Unit != "" && p.Unit != calendar.CalendarDays && p.Unit != calendar.WorkingDays {
		c.add(at(path, "unit"), "process.period_unit", string(p.Unit))
	}
}

// unique reports a name seen before under the same seen map.
func (c *checker) unique(seen map[string]bool, path, name string) {
	if name == "" {
		return
	}
	if seen[name] {
		c.add(path, "process.duplicate_name", name)
	}
	seen[name] = true
}

// many reports a list longer than max.
func (c *checker) many(path string, n, max int) {
	if n > max {
		c.add(path, "process.too_many", max)
	}
}

func (c *checker) ladder(rungs []Rung) {
	seen := map[string]bool{}
	for i, r := range rungs {
		p := index("escalation", i)
		if !slices.Contains(DefaultLadder, r) {
			c.add(p, "process.rung_unknown", string(r))
			continue
		}
		c.unique(seen, p, string(r))
	}
}

func (c *checker) documents(docs []DocKind) {
	c.many("documents", len(docs), MaxDocuments)
	seen := map[string]bool{}
	for i, dk := range docs {
		p := index("documents", i)
		c.name(at(p, "name"), dk.Name, true)
		c.unique(seen, at(p, "name"), dk.Name)
		c.text(at(p, "title"), dk.Title, true, MaxTitleLen)
	}
}

func (c *checker) states(d *Definition) {
	if len(d.States) == 0 {
		c.add("states", "process.no_states")
	}
	c.many("states", len(d.States), MaxStates)
	seen := map[string]bool{}
	starts, terminals := 0, 0
	for i, s := range d.States {
		p := index("states", i)
		c.name(at(p, "name"), s.Name, true)
		c.unique(seen, at(p, "name"), s.Name)
		c.text(at(p, "title"), s.Title, true, MaxTitleLen)
		c.text(at(p, "citizen"), s.Citizen, false, MaxTextLen)
		if s.Start {
			starts++
			if starts > 1 {
				c.add(at(p, "start"), "process.start_several")
			}
		}
		if s.Terminal {
			terminals++
		}
		c.state(d, p, s)
	}
	if len(d.States) > 0 && starts == 0 {
		c.add("states", "process.start_missing")
	}
	if len(d.States) > 0 && terminals == 0 {
		c.add("states", "process.terminal_missing")
	}
}

// state checks one state's flags, clocks, timeout and outcome.
func (c *checker) state(d *Definition, p string, s State) {
	switch {
	case s.Start && s.Terminal:
		c.add(at(p, "terminal"), "process.start_terminal")
	case s.Terminal && s.Waiting:
		c.add(at(p, "waiting"), "process.terminal_waiting")
	}
	switch s.Clock {
	case "", ClockRunning, ClockPaused, ClockStopped:
		if s.Terminal && s.Clock != "" && s.Clock != ClockStopped {
			c.add(at(p, "clock"), "process.terminal_clock")
		}
	default:
		c.add(at(p, "clock"), "process.clock_invalid", string(s.Clock))
	}
	if s.StepClock != nil {
		c.period(at(p, "step_clock"), *s.StepClock)
		if s.Terminal {
			c.add(at(p, "step_clock"), "process.terminal_step_clock")
		}
	}
	if s.OnTimeout != "" {
		c.timeout(d, p, s)
	}
	switch {
	case s.Terminal && s.Outcome == "":
		c.add(at(p, "outcome"), "process.outcome_missing")
	case !s.Terminal && s.Outcome != "":
		c.add(at(p, "outcome"), "process.outcome_not_terminal")
	default:
		c.name(at(p, "outcome"), s.Outcome, false)
	}
	if s.Waiting && !slices.ContainsFunc(c.out[s.Name], func(a Action) bool { return a.Allows(isApplicant) }) {
		c.add(at(p, "waiting"), "process.waiting_no_applicant")
	}
}

// timeout checks that a state's on_timeout is an action out of that state
// that the system may take, and that a step clock will run out.
func (c *checker) timeout(d *Definition, p string, s State) {
	path := at(p, "on_timeout")
	if s.StepClock == nil {
		c.add(path, "process.on_timeout_without_step_clock")
	}
	a, ok := d.Action(s.OnTimeout)
	switch {
	case !ok:
		c.add(path, "process.action_unknown", s.OnTimeout)
	case !slices.Contains(a.From, s.Name):
		c.add(path, "process.on_timeout_not_from_state", s.OnTimeout, s.Name)
	case !a.Allows(isSystem):
		c.add(path, "process.on_timeout_not_system", s.OnTimeout)
	}
}

func isApplicant(p Party) bool { return p.Applicant }
func isSystem(p Party) bool    { return p.System }

// graph checks the shape of the process: every state can be reached from
// the start, every state but a terminal one has a way out, and from every
// state a terminal one can be reached. It reports nothing when the states
// themselves are broken (no start, several), which states already said.
func (c *checker) graph(d *Definition) {
	start, starts := "", 0
	names := map[string]bool{}
	for _, s := range d.States {
		names[s.Name] = true
		if s.Start {
			start, starts = s.Name, starts+1
		}
	}
	next := map[string][]string{} // state → states its actions lead to
	prev := map[string][]string{}
	for _, a := range d.Actions {
		if !names[a.To] {
			continue
		}
		for _, f := range a.From {
			if names[f] {
				next[f] = append(next[f], a.To)
				prev[a.To] = append(prev[a.To], f)
			}
		}
	}
	var ends []string
	for _, s := range d.States {
		if s.Terminal {
			ends = append(ends, s.Name)
		}
	}
	reached := walk([]string{start}, next)
	ending := walk(ends, prev)
	for i, s := range d.States {
		p := at(index("states", i), "name")
		switch {
		case starts == 1 && !reached[s.Name]:
			c.add(p, "process.state_unreachable", s.Name)
		case !s.Terminal && len(c.out[s.Name]) == 0:
			c.add(p, "process.state_dead_end", s.Name)
		case !s.Terminal && len(ends) > 0 && !ending[s.Name]:
			c.add(p, "process.state_no_way_to_end", s.Name)
		}
	}
}

// walk returns every state reachable from the roots along edges.
func walk(roots []string, edges map[string][]string) map[string]bool {
	seen := map[string]bool{}
	queue := append([]string(nil), roots...)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if seen[s] {
			continue
		}
		seen[s] = true
		queue = append(queue, edges[s]...)
	}
	return seen
}
