// Package i18n holds Okno's message catalogue — every text a person sees,
// Russian first and English second — and renders messages and errors in a
// person's language with CLDR plural rules.
//
// Each package contributes one JSON file under messages/ (see
// messages/README.md); all are embedded in the binary. The catalogue is a
// value passed to whoever needs it: this package keeps no global state and
// must never decide what to say, only how to say it in a language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/okno/okno"
)

//go:embed messages/*.json
var embedded embed.FS

// Lang is a language Okno speaks, as a BCP 47 primary tag.
type Lang string

// The languages Okno speaks. Russian is the default.
const (
	Russian Lang = "ru"
	English Lang = "en"
)

// Langs lists the languages in display order; the first is the default.
var Langs = []Lang{Russian, English}

// ParseLang returns the language named by s ("ru", "en", "en-GB", ...) and
// whether Okno speaks it.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

// message is one key's text in one language: either a plain text or a
// text per plural form.
type message struct {
	text  string
	forms map[Form]string
}

// Catalog is the loaded message catalogue. It is immutable once loaded and
// safe for concurrent use.
type Catalog struct {
	msgs   map[string]map[Lang]message
	origin map[string]string // key → file that defines it, for diagnostics
}

// Load reads the catalogue embedded in the binary. An error means a
// catalogue file is malformed, a key misses a language or a plural form, or
// two files define the same key: a build defect that the package's tests
// catch first.
func Load() (*Catalog, error) {
	return LoadFS(embedded, "messages")
}

// LoadFS reads every *.json file in dir of fsys as a catalogue file.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("i18n: list catalogue: %w", err)
	}
	sort.Strings(names)
	c := &Catalog{msgs: map[string]map[Lang]message{}, origin: map[string]string{}}
	var problems []string
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", name, err)
		}
		var file map[string]map[string]json.RawMessage
		if err := json.Unmarshal(b, &file); err != nil {
			return nil, fmt.Errorf("i18n: parse %s: %w", name, err)
		}
		base := path.Base(name)
		for key, langs := range file {
			if prev, dup := c.origin[key]; dup {
				problems = append(problems, fmt.Sprintf("%s: key %q is also defined in %s", base, key, prev))
				continue
			}
			c.origin[key] = base
			m, errs := parseMessage(langs)
			for _, e := range errs {
				problems = append(problems, fmt.Sprintf("%s: %s: %s", base, key, e))
			}
			c.msgs[key] = m
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("i18n: catalogue has %d problem(s):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return c, nil
}

func parseMessage(langs map[string]json.RawMessage) (map[Lang]message, []string) {
	out := map[Lang]message{}
	var errs []string
	for tag := range langs {
		if !slices.Contains(Langs, Lang(tag)) {
			errs = append(errs, fmt.Sprintf("unknown language %q", tag))
		}
	}
	for _, l := range Langs {
		raw, ok := langs[string(l)]
		if !ok {
			errs = append(errs, fmt.Sprintf("missing %q", l))
			continue
		}
		var m message
		if err := json.Unmarshal(raw, &m.text); err == nil {
			if m.text == "" {
				errs = append(errs, fmt.Sprintf("empty %q", l))
			}
			out[l] = m
			continue
		}
		if err := json.Unmarshal(raw, &m.forms); err != nil {
			errs = append(errs, fmt.Sprintf("%q is neither a text nor an object of plural forms", l))
			continue
		}
		for f := range m.forms {
			if !slices.Contains([]Form{One, Few, Many, Other}, f) {
				errs = append(errs, fmt.Sprintf("%q has unknown plural form %q", l, f))
			}
		}
		for _, f := range requiredForms[l] {
			if m.forms[f] == "" {
				errs = append(errs, fmt.Sprintf("%q misses plural form %q", l, f))
			}
		}
		out[l] = m
	}
	return out, errs
}

// Has reports whether the catalogue defines key.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Keys returns every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Localizer returns the messages of one language; an unknown language
// gets Russian, the default.
func (c *Catalog) Localizer(lang Lang) Localizer {
	l, ok := ParseLang(string(lang))
	if !ok {
		l = Russian
	}
	return Localizer{c: c, lang: l}
}

// Localizer renders messages in one language. Its zero value is not usable;
// get one from Catalog.Localizer. It is a small value: pass it by value.
type Localizer struct {
	c    *Catalog
	lang Lang
}

// Lang returns the localizer's language.
func (l Localizer) Lang() Lang { return l.lang }

// T returns the message for key filled with args as fmt verbs. A plural
// message chooses its form by the first numeric argument. A missing key
// renders as the key itself, so the defect is visible but not fatal; the
// catalogue test keeps that from reaching production.
func (l Localizer) T(key string, args ...any) string {
	m, ok := l.c.msgs[key][l.lang]
	if !ok {
		return key
	}
	text := m.text
	if m.forms != nil {
		n, _ := firstNumber(args)
		text = pick(m.forms, PluralForm(l.lang, n))
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// pick returns the text for form, falling back to "other" and then "many"
// (Russian plural messages may omit "other", used only for fractions).
func pick(forms map[Form]string, f Form) string {
	for _, f := range []Form{f, Other, Many} {
		if s, ok := forms[f]; ok {
			return s
		}
	}
	return ""
}

// Error renders err for a person: a message and, for invalid input, a message
// per field (nil when there are none). Internal errors, and errors whose key
// the catalogue lacks, give the generic text for their code: causes are for
// logs, never for people.
func (l Localizer) Error(err error) (message string, fields map[string]string) {
	e := okno.AsError(err)
	if e.Code == okno.EINTERNAL {
		return l.T("error.internal"), nil
	}
	switch generic := "error." + string(e.Code); {
	case l.c.Has(e.Key):
		message = l.T(e.Key, e.Args...)
	case l.c.Has(generic):
		message = l.T(generic)
	default:
		message = l.T("error.internal")
	}
	if len(e.Fields) > 0 {
		fields = make(map[string]string, len(e.Fields))
		for _, f := range e.Fields {
			fields[f.Field] = l.T(f.Key, f.Args...)
		}
	}
	return message, fields
}
