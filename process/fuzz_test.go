package process

import (
	"testing"
)

// FuzzParse feeds Parse anything: it must never panic, and what it accepts
// must survive Validate and the lookups casework makes.
func FuzzParse(f *testing.F) {
	files, err := Shipped()
	if err != nil {
		f.Fatal(err)
	}
	for _, src := range files {
		f.Add(src)
	}
	f.Add([]byte(mini(nil)))
	f.Add([]byte("{\"name\": \"x\", \"states\": [{\"name\": \"a\"}]}"))
	f.Add([]byte("a: &a [*a]"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, ps := Parse(src)
		for _, p := range ps {
			if p.Line < 1 || p.Column < 1 || p.Key == "" {
				t.Fatalf("problem without a place or a key: %v", p)
			}
		}
		if d == nil {
			return
		}
		Validate(d)
		for _, s := range d.States {
			d.ActionsFrom(s.Name)
			s.ClockMode()
		}
		for _, a := range d.Actions {
			_ = a.CheckInput("", map[string]string{"x": "y"})
		}
		d.Ladder()
		d.StartState()
	})
}
