package formdecl

import "strings"

// Prefill fills the fields marked with x-prefill ("profile.snils") from the
// citizen's profile, keyed by the same names. Only fields the citizen has not
// answered are filled, so returning to a form never overwrites what was
// typed; data is changed in place and returned (a new object when nil).
// Fields inside repeatable groups are not prefilled: the profile describes
// one person.
func (d *Decl) Prefill(data map[string]any, profile map[string]string) map[string]any {
	if data == nil {
		data = map[string]any{}
	}
	budget := 5000
	prefill(d.Schema, data, profile, 0, &budget)
	return data
}

// prefill walks objects only (budget bounds recursive $defs).
func prefill(s *Schema, obj map[string]any, profile map[string]string, depth int, budget *int) {
	s = s.resolve()
	if s == nil || depth > MaxDataDepth || *budget <= 0 {
		return
	}
	*budget--
	for _, name := range s.propOrder {
		cs := s.properties[name]
		src := cs.prefillKey()
		switch {
		case src != "":
			if v, ok := profile[src]; ok && v != "" && unanswered(cs, obj[name]) {
				obj[name] = v
			}
		case cs.resolve() != nil && cs.resolve().properties != nil:
			child, ok := obj[name].(map[string]any)
			if !ok {
				if obj[name] != nil {
					continue // a wrong type is the citizen's answer: leave it for Validate
				}
				child = map[string]any{}
			}
			prefill(cs, child, profile, depth+1, budget)
			if len(child) > 0 {
				obj[name] = child
			}
		}
	}
}

func (s *Schema) prefillKey() string {
	for i := 0; s != nil && i < 16; i++ {
		if s.prefill != "" {
			return strings.TrimSpace(s.prefill)
		}
		s = s.refTo
	}
	return ""
}
