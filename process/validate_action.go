package process

import (
	"maps"
	"slices"

	"github.com/okno/okno"
)

// scopes and the other closed sets a file may name.
var (
	scopes     = []Scope{ScopeOrganisation, ScopeAssignee, ScopeHigher, ScopeEscalated, ScopeAny}
	guards     = []Guard{GuardChildrenDone, GuardHasChildren}
	fieldTypes = []FieldType{FieldText, FieldNumber, FieldDate, FieldChoice, FieldBool}
	audiences  = []Audience{AudienceApplicant, AudienceAssignee, AudienceEscalation}
)

// reservedField is the name CheckInput gives the comment: no field may take it.
const reservedField = "comment"

func (c *checker) actions(d *Definition) {
	c.many("actions", len(d.Actions), MaxActions)
	states := map[string]bool{}
	for _, s := range d.States {
		states[s.Name] = true
	}
	docs := map[string]bool{}
	for _, dk := range d.Documents {
		docs[dk.Name] = true
	}
	seen := map[string]bool{}
	for i, a := range d.Actions {
		p := index("actions", i)
		c.name(at(p, "name"), a.Name, true)
		c.unique(seen, at(p, "name"), a.Name)
		c.text(at(p, "title"), a.Title, true, MaxTitleLen)
		c.moves(p, a, states)
		c.parties(p, a)
		c.comment(p, a)
		c.fields(p, a.Fields)
		c.docRefs(p, a.Documents, docs)
		c.guards(p, a.Guards)
		c.effects(d, p, a, docs)
	}
}

// moves checks from and to.
func (c *checker) moves(p string, a Action, states map[string]bool) {
	if len(a.From) == 0 {
		c.add(at(p, "from"), "process.from_empty")
	}
	c.many(at(p, "from"), len(a.From), MaxStates)
	seen := map[string]bool{}
	for j, f := range a.From {
		fp := index(at(p, "from"), j)
		if !states[f] {
			c.add(fp, "process.state_unknown", f)
		}
		c.unique(seen, fp, f)
	}
	switch {
	case a.To == "":
		c.add(at(p, "to"), "process.required", "to")
	case !states[a.To]:
		c.add(at(p, "to"), "process.state_unknown", a.To)
	}
}

// parties checks who may take the action: somebody, and each party one
// clear kind of somebody.
func (c *checker) parties(p string, a Action) {
	bp := at(p, "by")
	if len(a.By) == 0 {
		c.add(bp, "process.action_no_party", a.Name)
	}
	c.many(bp, len(a.By), MaxParties)
	seen := map[Party]bool{}
	for j, party := range a.By {
		pp := index(bp, j)
		kinds := 0
		for _, set := range []bool{party.Role != "", party.Applicant, party.System} {
			if set {
				kinds++
			}
		}
		switch {
		case kinds == 0:
			c.add(pp, "process.party_empty")
		case kinds > 1:
			c.add(pp, "process.party_ambiguous")
		case party.Role != "" && !okno.Role(party.Role).Valid():
			c.add(at(pp, "role"), "process.role_unknown", party.Role)
		}
		switch {
		case party.Scope != "" && party.Role == "":
			c.add(at(pp, "scope"), "process.scope_without_role")
		case party.Scope != "" && !slices.Contains(scopes, party.Scope):
			c.add(at(pp, "scope"), "process.scope_unknown", string(party.Scope))
		}
		if seen[party] {
			c.add(pp, "process.party_duplicate")
		}
		seen[party] = true
	}
	if a.Allows(isSystem) {
		c.systemInput(p, a)
	}
}

// systemInput reports what an action the system may take asks for that the
// system cannot give: a comment, a field, a document.
func (c *checker) systemInput(p string, a Action) {
	if a.Comment == CommentRequired {
		c.add(at(p, "comment"), "process.system_input", a.Name)
	}
	for j, f := range a.Fields {
		if f.Required {
			c.add(at(index(at(p, "fields"), j), "required"), "process.system_input", a.Name)
		}
	}
	if len(a.Documents) > 0 {
		c.add(at(p, "documents"), "process.system_input", a.Name)
	}
}

func (c *checker) comment(p string, a Action) {
	switch a.Comment {
	case "", CommentNone, CommentOptional, CommentRequired:
	default:
		c.add(at(p, "comment"), "process.comment_invalid", string(a.Comment))
	}
	rp := at(p, "replies")
	if a.Comment == CommentNone && len(a.Replies) > 0 {
		c.add(rp, "process.replies_without_comment")
	}
	c.many(rp, len(a.Replies), MaxReplies)
	for j, r := range a.Replies {
		c.text(at(index(rp, j), "title"), r.Title, true, MaxTitleLen)
		c.text(at(index(rp, j), "body"), r.Body, true, MaxReplyLen)
	}
}

func (c *checker) fields(p string, fs []Field) {
	fp := at(p, "fields")
	c.many(fp, len(fs), MaxFields)
	seen := map[string]bool{}
	for j, f := range fs {
		q := index(fp, j)
		c.name(at(q, "name"), f.Name, true)
		if f.Name == reservedField {
			c.add(at(q, "name"), "process.field_reserved", reservedField)
		}
		c.unique(seen, at(q, "name"), f.Name)
		c.text(at(q, "title"), f.Title, true, MaxTitleLen)
		switch {
		case f.Type == "":
			c.add(at(q, "type"), "process.required", "type")
		case !slices.Contains(fieldTypes, f.Type):
			c.add(at(q, "type"), "process.field_type_unknown", string(f.Type))
		}
		switch {
		case f.Max < 0 || f.Max > MaxFieldMax:
			c.add(at(q, "max"), "process.field_max_invalid", MaxFieldMax)
		case f.Max != 0 && f.Type != FieldText:
			c.add(at(q, "max"), "process.field_max_not_text")
		}
		switch {
		case f.Type == FieldChoice && len(f.Options) == 0:
			c.add(at(q, "options"), "process.choice_without_options")
		case f.Type != FieldChoice && len(f.Options) > 0:
			c.add(at(q, "options"), "process.options_not_choice")
		}
		c.options(at(q, "options"), f.Options)
	}
}

func (c *checker) options(p string, os []Option) {
	c.many(p, len(os), MaxOptions)
	seen := map[string]bool{}
	for k, o := range os {
		q := index(p, k)
		c.name(at(q, "value"), o.Value, true)
		c.unique(seen, at(q, "value"), o.Value)
		c.text(at(q, "title"), o.Title, true, MaxTitleLen)
	}
}

func (c *checker) docRefs(p string, refs []string, docs map[string]bool) {
	dp := at(p, "documents")
	c.many(dp, len(refs), MaxDocuments)
	seen := map[string]bool{}
	for j, r := range refs {
		q := index(dp, j)
		if !docs[r] {
			c.add(q, "process.document_undeclared", r)
		}
		c.unique(seen, q, r)
	}
}

func (c *checker) guards(p string, gs []Guard) {
	seen := map[string]bool{}
	for j, g := range gs {
		q := index(at(p, "guards"), j)
		if !slices.Contains(guards, g) {
			c.add(q, "process.guard_unknown", string(g))
			continue
		}
		c.unique(seen, q, string(g))
	}
}

func (c *checker) effects(d *Definition, p string, a Action, docs map[string]bool) {
	ep := at(p, "effects")
	c.many(ep, len(a.Effects), MaxEffects)
	for j, e := range a.Effects {
		q := index(ep, j)
		used := c.effect(d, q, e, docs)
		for _, attr := range e.attrs() {
			if !slices.Contains(used, attr) {
				c.add(at(q, attr), "process.effect_attr_unused", attr, string(e.Kind))
			}
		}
	}
}

// effect checks one effect's own attributes and returns their names, so
// that effects can report attributes that belong to another kind.
func (c *checker) effect(d *Definition, q string, e Effect, docs map[string]bool) []string {
	switch e.Kind {
	case EffectNotify:
		switch {
		case e.Audience == "":
			c.add(at(q, "audience"), "process.notify_without_audience")
		case !slices.Contains(audiences, e.Audience):
			c.add(at(q, "audience"), "process.audience_unknown", string(e.Audience))
		}
		c.event(at(q, "template"), e.Template, false)
		return []string{"audience", "template"}
	case EffectResult:
		switch {
		case e.Document == "":
			c.add(at(q, "document"), "process.result_without_document")
		case !docs[e.Document]:
			c.add(at(q, "document"), "process.document_undeclared", e.Document)
		}
		return []string{"document"}
	case EffectChildren:
		c.children(d, at(q, "processes"), e.Processes)
		return []string{"processes"}
	case EffectWebhook:
		c.event(at(q, "event"), e.Event, true)
		return []string{"event"}
	case EffectHook:
		c.event(at(q, "hook"), e.Hook, true)
		c.params(at(q, "params"), e.Params)
		return []string{"hook", "params"}
	case "":
		c.add(at(q, "kind"), "process.required", "kind")
	default:
		c.add(at(q, "kind"), "process.effect_kind_unknown", string(e.Kind))
	}
	return e.attrs() // an unknown kind: its attributes are not the problem
}

// attrs names the attributes e sets.
func (e Effect) attrs() []string {
	var out []string
	for name, set := range map[string]bool{
		"audience": e.Audience != "", "template": e.Template != "", "document": e.Document != "",
		"processes": len(e.Processes) > 0, "event": e.Event != "", "hook": e.Hook != "", "params": len(e.Params) > 0,
	} {
		if set {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// event checks a dotted name: a template, a webhook event, a hook.
func (c *checker) event(p, s string, required bool) {
	switch {
	case s == "":
		if required {
			c.add(p, "process.required", lastKey(p))
		}
	case len(s) > 2*MaxNameLen:
		c.add(p, "process.name_too_long", 2*MaxNameLen)
	case !eventPattern.MatchString(s):
		c.add(p, "process.event_invalid", s)
	}
}

func (c *checker) children(d *Definition, p string, names []string) {
	if len(names) == 0 {
		c.add(p, "process.children_without_processes")
	}
	c.many(p, len(names), MaxEffects)
	seen := map[string]bool{}
	for k, n := range names {
		q := index(p, k)
		c.name(q, n, true)
		if n == d.Name {
			c.add(q, "process.children_self", n)
		}
		c.unique(seen, q, n)
	}
}

func (c *checker) params(p string, params map[string]string) {
	c.many(p, len(params), maxParams)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v := params[k]
		c.name(at(p, k), k, true)
		if len(v) > maxParamLen {
			c.add(at(p, k), "process.text_too_long", maxParamLen)
		}
	}
}
