package process

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxSourceSize is the largest definition file accepted. The longest real
// regulation fits in a tenth of it; the limit keeps a hostile file from
// costing time and memory.
const MaxSourceSize = 256 << 10

// maxSequence bounds any list while decoding, before Validate applies the
// finer limits, so that no list costs more than the file size allows anyway.
const maxSequence = 1000

// Parse reads a definition from YAML (or JSON, which is YAML) and validates
// it. It reports every problem it finds, each with its line and column,
// sorted by place; the definition is usable only when there are none. It is
// strict: unknown keys, wrong types, anchors and aliases, several documents
// in one file are all problems. It never panics, whatever src holds.
func Parse(src []byte) (*Definition, []Problem) {
	d, pos, ps := decode(src)
	if d == nil {
		return nil, ps
	}
	ps = append(ps, pos.locate(Validate(d))...)
	sortProblems(ps)
	return d, ps
}

// positions maps a path ("actions[3].to") to where its value starts.
type positions map[string][2]int

// locate gives each problem the place of its path, or of the nearest
// enclosing value that the file has (a missing key is reported where its
// mapping starts).
func (pos positions) locate(ps []Problem) []Problem {
	for i := range ps {
		p := ps[i].Path
		for {
			if lc, ok := pos[p]; ok {
				ps[i].Line, ps[i].Column = lc[0], lc[1]
				break
			}
			if p == "" {
				ps[i].Line, ps[i].Column = 1, 1
				break
			}
			p = parent(p)
		}
	}
	return ps
}

// parent strips the last step of a path: "actions[3].to" → "actions[3]" →
// "actions" → "".
func parent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// yamlLine finds the line in the YAML library's syntax errors, which
// carry it only in their text ("yaml: line 7: did not find expected key").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parserProblems are the YAML library's parser errors (as against its
// scanner's): for these it writes the 0-based line where the enclosing
// collection starts, so one is added. Only the place depends on this
// list; an error missing from it is still reported, a line early.
var parserProblems = []string{
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"did not find expected '-' indicator", "did not find expected <document start>",
	"did not find expected key", "did not find expected node content",
	"found duplicate %TAG directive", "found duplicate %YAML directive",
	"found incompatible YAML document", "found undefined tag handle",
}

// decode turns src into a Definition, reporting what does not fit the
// format. It returns a nil Definition when src is not a YAML mapping at all.
func decode(src []byte) (*Definition, positions, []Problem) {
	one := func(line int, key string, args ...any) []Problem {
		return []Problem{{Line: line, Column: 1, Key: key, Args: args}}
	}
	switch {
	case len(src) > MaxSourceSize:
		return nil, nil, one(1, "process.too_large", MaxSourceSize>>10)
	case !utf8.Valid(src) || bytes.IndexByte(src, 0) >= 0:
		return nil, nil, one(1, "process.not_utf8")
	case len(bytes.TrimSpace(src)) == 0:
		return nil, nil, one(1, "process.empty")
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, nil, one(1, "process.empty") // nothing but comments
	} else if err != nil {
		return nil, nil, []Problem{syntaxProblem(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if line == 0 {
			line = 1
		}
		return nil, nil, one(line, "process.several_documents")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, []Problem{{Line: root.Line, Column: root.Column, Key: "process.want_mapping"}}
	}
	d := &Definition{}
	w := walker{pos: positions{}}
	w.value(root, reflect.ValueOf(d).Elem(), "")
	return d, w.pos, w.ps
}

// syntaxProblem places a syntax error of the YAML library.
func syntaxProblem(err error) Problem {
	line, msg := 0, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = err.Error()[len(m[0]):]
		if slices.Contains(parserProblems, msg) {
			line++
		}
	}
	return Problem{Line: max(line, 1), Column: 1, Key: "process.syntax", Args: []any{msg}}
}

// walker decodes YAML nodes into Go values by their json tags, recording
// where each value starts and what does not fit.
type walker struct {
	pos positions
	ps  []Problem
}

func (w *walker) problem(n *yaml.Node, path, key string, args ...any) {
	w.ps = append(w.ps, Problem{Line: n.Line, Column: n.Column, Path: path, Key: key, Args: args})
}

// value decodes n into v. A null leaves v at its zero value: the validator
// then reports what is missing.
func (w *walker) value(n *yaml.Node, v reflect.Value, path string) {
	w.pos[path] = [2]int{n.Line, n.Column}
	if n.Kind == yaml.AliasNode {
		w.problem(n, path, "process.alias")
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		w.value(n, v.Elem(), path)
	case reflect.Struct:
		w.object(n, v, path)
	case reflect.Slice:
		w.list(n, v, path)
	case reflect.Map:
		w.dict(n, v, path)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			w.problem(n, path, "process.want_string")
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		var i int
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&i) != nil {
			w.problem(n, path, "process.want_integer")
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
			w.problem(n, path, "process.want_bool")
			return
		}
		v.SetBool(b)
	}
}

func (w *walker) object(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		w.problem(n, path, "process.want_mapping")
		return
	}
	fields := jsonFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name := k.Value
		if k.Kind != yaml.ScalarNode {
			w.problem(k, path, "process.want_string")
			continue
		}
		p := at(path, name)
		idx, ok := fields[name]
		switch {
		case !ok:
			w.problem(k, p, "process.unknown_key", name)
		case seen[name]:
			w.problem(k, p, "process.duplicate_key", name)
		default:
			seen[name] = true
			w.value(val, v.Field(idx), p)
		}
	}
}

func (w *walker) list(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		w.problem(n, path, "process.want_list")
		return
	}
	items := n.Content
	if len(items) > maxSequence {
		w.problem(n, path, "process.too_many", maxSequence)
		items = items[:maxSequence]
	}
	s := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		w.value(item, s.Index(i), index(path, i))
	}
	v.Set(s)
}

func (w *walker) dict(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		w.problem(n, path, "process.want_mapping")
		return
	}
	m := reflect.MakeMap(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			w.problem(k, path, "process.want_string")
			continue
		}
		p := at(path, k.Value)
		if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
			w.problem(k, p, "process.duplicate_key", k.Value)
			continue
		}
		e := reflect.New(v.Type().Elem()).Elem()
		w.value(val, e, p)
		m.SetMapIndex(reflect.ValueOf(k.Value), e)
	}
	v.Set(m)
}

// jsonFields maps the json names of t's fields to their indexes: the file
// format is the json tags, so the format and the struct never drift apart.
// Structs have a handful of fields: it is cheaper to look again than to
// keep a cache.
func jsonFields(t reflect.Type) map[string]int {
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}
