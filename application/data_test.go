package application

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSet puts values at pointers, growing lists and making objects on
// the way, and refuses pointers that do not fit the data.
func TestSet(t *testing.T) {
	for _, tc := range []struct {
		name, data, ptr string
		v               any
		want            string
		ok              bool
	}{
		{"new field", `{}`, "/a/b", "x", `{"a":{"b":"x"}}`, true},
		{"replace", `{"a":{"b":"x"}}`, "/a/b", "y", `{"a":{"b":"y"}}`, true},
		{"remove", `{"a":{"b":"x","c":1}}`, "/a/b", nil, `{"a":{"c":1}}`, true},
		{"grow a list", `{}`, "/kids/1/name", "Оля", `{"kids":[{},{"name":"Оля"}]}`, true},
		{"into an element", `{"kids":[{"name":"Петя"}]}`, "/kids/0/age", 3, `{"kids":[{"age":3,"name":"Петя"}]}`, true},
		{"list of values", `{"docs":["f1"]}`, "/docs/1", "f2", `{"docs":["f1","f2"]}`, true},
		{"escaped", `{}`, "/a~1b/c~0d", true, `{"a/b":{"c~d":true}}`, true},
		{"through a string", `{"a":"x"}`, "/a/b", 1, `{"a":"x"}`, false},
		{"name into a list", `{"kids":[]}`, "/kids/name", 1, `{"kids":[]}`, false},
		{"index too large", `{"kids":[]}`, "/kids/1000/name", 1, `{"kids":[]}`, false},
		{"leading zero", `{"kids":[]}`, "/kids/01", 1, `{"kids":[]}`, false},
		{"root", `{}`, "", 1, `{}`, false},
		{"empty segment", `{}`, "/a//b", 1, `{}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var data map[string]any
			if err := json.Unmarshal([]byte(tc.data), &data); err != nil {
				t.Fatal(err)
			}
			ok := set(data, tc.ptr, tc.v)
			if ok != tc.ok {
				t.Errorf("set(%s, %q) = %v, want %v", tc.data, tc.ptr, ok, tc.ok)
			}
			got, _ := json.Marshal(data)
			if ok && string(got) != tc.want {
				t.Errorf("data = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestShape drops a pointer's indices.
func TestShape(t *testing.T) {
	got := []string{shape("/children/0/certificate/series"), shape("/documents/12"), shape("/a")}
	if diff := cmp.Diff([]string{"/children/certificate/series", "/documents", "/a"}, got); diff != "" {
		t.Errorf("shapes (-want +got):\n%s", diff)
	}
}

// FuzzSet: no pointer and no data make set panic.
func FuzzSet(f *testing.F) {
	f.Add(`{"a":[{"b":1}]}`, "/a/0/b")
	f.Add(`{}`, "/x/3/y/0")
	f.Fuzz(func(t *testing.T, data, ptr string) {
		var m map[string]any
		if json.Unmarshal([]byte(data), &m) != nil || m == nil {
			return
		}
		set(m, ptr, "v")
		get(m, ptr)
		shape(ptr)
	})
}
