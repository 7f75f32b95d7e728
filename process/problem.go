package process

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/okno/okno"
)

// Problem is one thing wrong with a definition file, where it is and what
// it is: Key names a message in the i18n catalogue (i18n/messages/process.json)
// filled with Args, so that the command line and the API can say it in the
// reader's language. Line and Column are 1-based and zero when the
// definition did not come from a file (Validate of a Definition built in
// code).
type Problem struct {
	Line   int
	Column int
	Path   string // where in the definition, e.g. "actions[3].to" (0-based indexes)
	Key    string
	Args   []any
}

// String writes the problem for logs and developers; people get it
// translated through its Key.
func (p Problem) String() string {
	s := p.Key
	if len(p.Args) > 0 {
		s += fmt.Sprint(p.Args)
	}
	if p.Path != "" {
		s = p.Path + ": " + s
	}
	if p.Line > 0 {
		s = strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column) + ": " + s
	}
	return s
}

// Problems is the cause carried by the error that refuses to publish an
// invalid definition; ProblemsOf finds it.
type Problems []Problem

// Error implements error, for logs.
func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return "process definition: " + strings.Join(parts, "; ")
}

// ProblemsOf returns the problems that made err, or nil when err is not
// about an invalid definition. Every door (CLI, API) uses it to show each
// problem with its place.
func ProblemsOf(err error) []Problem {
	var ps Problems
	if errors.As(err, &ps) {
		return ps
	}
	return nil
}

// invalid is the error that refuses a definition: EINVALID, with each
// problem as a field error named by its path (for problem details) and
// the whole list as the cause (for ProblemsOf).
func invalid(ps []Problem) error {
	e := &okno.Error{Code: okno.EINVALID, Key: "process.invalid", Args: []any{len(ps)}, Err: Problems(ps)}
	for _, p := range ps {
		field := p.Path
		if field == "" {
			field = "definition" // the file as a whole: a syntax error, a size
		}
		e.Fields = append(e.Fields, okno.FieldError{Field: field, Key: p.Key, Args: p.Args})
	}
	return e
}

// sortProblems orders problems by their place in the file; problems
// without a place keep their order after the placed ones.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line == 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// checker collects problems during validation.
type checker struct {
	ps  []Problem
	out map[string][]Action // the actions out of each state, computed once: files may be large
}

func (c *checker) add(path, key string, args ...any) {
	c.ps = append(c.ps, Problem{Path: path, Key: key, Args: args})
}

// at joins a path and a key: at("actions[2]", "to") is "actions[2].to".
func at(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index joins a path and a sequence index: index("actions", 2) is "actions[2]".
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
