package process

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParseAppeal parses and validates the shipped appeal: the cost
// of publishing it, or of reading a version the cache does not hold.
func BenchmarkParseAppeal(b *testing.B) {
	files, err := Shipped()
	if err != nil {
		b.Fatal(err)
	}
	src := files["appeal.yaml"]
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, ps := Parse(src); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

// BenchmarkParseLargest parses a file at the size limit built to make
// validation work hardest: the most states, each action leaving every one.
func BenchmarkParseLargest(b *testing.B) {
	var s strings.Builder
	s.WriteString("name: big\nkind: appeal\ntitle: {ru: Б}\nlegal_clock: {days: 30}\nstates:\n")
	var from []string
	for i := range MaxStates {
		fmt.Fprintf(&s, "  - {name: s%d, title: {ru: С}%s}\n", i, map[bool]string{true: ", start: true", false: ""}[i == 0])
		from = append(from, fmt.Sprintf("s%d", i))
	}
	s.WriteString("  - {name: end, terminal: true, outcome: x, title: {ru: К}}\nactions:\n")
	for i := 0; s.Len() < MaxSourceSize-2000; i++ {
		fmt.Fprintf(&s, "  - {name: a%d, title: {ru: Д}, from: [%s], to: end, by: [{role: official}]}\n", i, strings.Join(from, ", "))
	}
	src := []byte(s.String())
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Parse(src)
	}
}
