package notify

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"github.com/okno/okno"
)

// Templates are the texts of notifications: per template (an action such
// as "appeal.answer"), audience ("applicant", "staff"), channel and
// language, a subject and a body in Go's text/template, filled from a
// Notice's Vars and {{.link}}, the absolute address of the Notice's Link.
// Every package that notifies ships its own JSON file; the application
// loads them together, so a missing or broken text fails at start-up, not
// when a message is due.
//
// A file maps template → audience → channel → language → text:
//
//	{"appeal.answer": {"applicant": {
//	    "default": {"ru": {"subject": "…", "body": "…"}, "en": {…}},
//	    "sms":     {"ru": {"body": "…"}}}}}
//
// "default" serves the channels not given. Russian is required for every
// entry; English falls back to it. SMS needs no subject, and its bodies
// must stay short (at most three SMS with sample values).
type Templates struct {
	texts map[textKey]*text
	names map[[2]string]bool // template and audience pairs
	vars  map[string][]string
}

// textKey names one text.
type textKey struct{ template, audience, channel, lang string }

// text is one parsed subject and body.
type text struct {
	subject, body *template.Template
}

// Limits on template files: they are code, but a stray file must not
// exhaust memory nor make a subject unreadable.
const (
	maxTemplateFile    = 1 << 20
	maxTemplateSubject = 200
	maxTemplateBody    = 4000
	maxTemplateSMS     = 3 // parts, rendered with sample values
	defaultChannel     = "default"
)

// Languages of the texts. Russian comes first and is required.
const (
	langRussian = "ru"
	langEnglish = "en"
)

var (
	templateNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
	audienceRE     = regexp.MustCompile(`^[a-z][a-z_]{0,31}$`)
	// templateChannels are the channels a file may give texts for.
	templateChannels = map[string]bool{defaultChannel: true, string(ChannelCabinet): true,
		string(ChannelEmail): true, string(ChannelSMS): true, string(ChannelPost): true}
)

//go:embed templates/*.json
var ownTemplates embed.FS

// TemplateFiles are the templates notify ships itself ("test.ping"), to
// load together with other packages' files.
func TemplateFiles() fs.FS { return ownTemplates }

// rawTexts is one file as written.
type rawTexts map[string]map[string]map[string]map[string]rawText

type rawText struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// LoadTemplates reads every *.json file in each fsys (a package's embedded
// templates, at any depth) and checks every text: names, Russian present,
// a fallback for every channel, limits, and a trial rendering. It reports
// every problem, each with its place. A template defined in two files is
// an error.
func LoadTemplates(fsys ...fs.FS) (*Templates, error) {
	t := &Templates{texts: map[textKey]*text{}, names: map[[2]string]bool{}, vars: map[string][]string{}}
	seen := map[string]string{} // template → file
	var errs []error
	for _, f := range fsys {
		var files []string
		err := fs.WalkDir(f, ".", func(name string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && path.Ext(name) == ".json" {
				files = append(files, name)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("notify: templates: %w", err)
		}
		for _, name := range files {
			raw, err := readTemplateFile(f, name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, tmpl := range sortedKeys(raw) {
				if other, dup := seen[tmpl]; dup {
					errs = append(errs, fmt.Errorf("notify: templates: %s: %s is already defined in %s", name, tmpl, other))
					continue
				}
				seen[tmpl] = name
				errs = append(errs, t.add(name, tmpl, raw[tmpl])...)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

func readTemplateFile(f fs.FS, name string) (rawTexts, error) {
	b, err := fs.ReadFile(f, name)
	if err != nil {
		return nil, fmt.Errorf("notify: templates: %w", err)
	}
	if len(b) > maxTemplateFile {
		return nil, fmt.Errorf("notify: templates: %s is larger than %d bytes", name, maxTemplateFile)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var raw rawTexts
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("notify: templates: %s: %w", name, err)
	}
	return raw, nil
}

// add checks and parses the texts of one template.
func (t *Templates) add(file, tmpl string, audiences map[string]map[string]map[string]rawText) []error {
	var errs []error
	fail := func(where, format string, args ...any) {
		errs = append(errs, fmt.Errorf("notify: templates: %s: %s: %s", file, path.Join(tmpl, where), fmt.Sprintf(format, args...)))
	}
	if !templateNameRE.MatchString(tmpl) {
		fail("", "a template name is lower-case words joined by dots")
	}
	if len(audiences) == 0 {
		fail("", "no audience")
	}
	vars := map[string]bool{}
	for aud, channels := range audiences {
		if !audienceRE.MatchString(aud) {
			fail(aud, "an audience is a lower-case word")
		}
		if channels[defaultChannel] == nil && (channels[string(ChannelCabinet)] == nil || channels[string(ChannelEmail)] == nil || channels[string(ChannelSMS)] == nil) {
			fail(aud, `needs "default", or texts for cabinet, email and sms`)
		}
		t.names[[2]string{tmpl, aud}] = true
		for ch, langs := range channels {
			if !templateChannels[ch] {
				fail(path.Join(aud, ch), "unknown channel")
				continue
			}
			if _, ok := langs[langRussian]; !ok {
				fail(path.Join(aud, ch), "no Russian text")
			}
			for lang, rt := range langs {
				where := path.Join(aud, ch, lang)
				if lang != langRussian && lang != langEnglish {
					fail(where, "unknown language")
					continue
				}
				tx, err := parseText(tmpl, ch, rt, vars)
				if err != nil {
					fail(where, "%v", err)
					continue
				}
				t.texts[textKey{tmpl, aud, ch, lang}] = tx
			}
		}
	}
	t.vars[tmpl] = sortedKeys(vars)
	if len(errs) > 0 {
		return errs
	}
	return t.trial(file, tmpl)
}

// parseText parses one subject and body and adds the variables they use to vars.
func parseText(tmpl, channel string, rt rawText, vars map[string]bool) (*text, error) {
	switch {
	case strings.TrimSpace(rt.Body) == "":
		return nil, errors.New("no body")
	case channel != string(ChannelSMS) && strings.TrimSpace(rt.Subject) == "":
		return nil, errors.New("no subject")
	case utf8.RuneCountInString(rt.Subject) > maxTemplateSubject:
		return nil, fmt.Errorf("the subject is longer than %d characters", maxTemplateSubject)
	case utf8.RuneCountInString(rt.Body) > maxTemplateBody:
		return nil, fmt.Errorf("the body is longer than %d characters", maxTemplateBody)
	}
	var tx text
	var err error
	if tx.subject, err = template.New(tmpl).Option("missingkey=error").Parse(rt.Subject); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	if tx.body, err = template.New(tmpl).Option("missingkey=error").Parse(rt.Body); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	for _, tt := range []*template.Template{tx.subject, tx.body} {
		if tt.Tree != nil {
			collectVars(tt.Tree.Root, vars)
		}
	}
	return &tx, nil
}

// trial renders every text of tmpl with sample values, so that a text
// that cannot render fails at load, and SMS texts stay short.
func (t *Templates) trial(file, tmpl string) []error {
	sample := t.Sample(tmpl)
	var errs []error
	for k, tx := range t.texts {
		if k.template != tmpl {
			continue
		}
		_, body, err := tx.render(sample)
		if err == nil && k.channel == string(ChannelSMS) && SMSParts(body) > maxTemplateSMS {
			err = fmt.Errorf("the SMS takes %d messages with sample values, more than %d", SMSParts(body), maxTemplateSMS)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("notify: templates: %s: %s: %w", file, path.Join(k.template, k.audience, k.channel, k.lang), err))
		}
	}
	return errs
}

// collectVars adds the top-level fields a template reads ({{.ref}},
// {{$.ref}}) to vars.
func collectVars(n parse.Node, vars map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			collectVars(c, vars)
		}
	case *parse.ActionNode:
		collectVars(n.Pipe, vars)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			collectVars(c, vars)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			collectVars(a, vars)
		}
	case *parse.FieldNode:
		vars[n.Ident[0]] = true
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			vars[n.Ident[1]] = true
		}
	case *parse.ChainNode:
		collectVars(n.Node, vars)
	case *parse.IfNode:
		collectBranch(&n.BranchNode, vars)
	case *parse.RangeNode:
		collectBranch(&n.BranchNode, vars)
	case *parse.WithNode:
		collectBranch(&n.BranchNode, vars)
	}
}

func collectBranch(b *parse.BranchNode, vars map[string]bool) {
	collectVars(b.Pipe, vars)
	collectVars(b.List, vars)
	collectVars(b.ElseList, vars)
}

// Has reports whether template has texts for audience, so that a feature
// can refuse a notice that could never be rendered while its action is
// still undone.
func (t *Templates) Has(template, audience string) bool {
	return t.names[[2]string{template, audience}]
}

// Names lists the loaded templates, sorted, for tests that render them all.
func (t *Templates) Names() []string {
	return sortedKeys(t.vars)
}

// Vars lists the variables a template's texts use, "link" included when
// they use it, so that a feature's test can check it passes them all.
func (t *Templates) Vars(template string) []string {
	return append([]string(nil), t.vars[template]...)
}

// Sample returns a value for every variable template uses: a reference
// number's length for each, an address on the portal for "link".
func (t *Templates) Sample(template string) map[string]string {
	vars := map[string]string{}
	for _, v := range t.vars[template] {
		vars[v] = "2026-000123"
	}
	if _, ok := vars["link"]; ok {
		vars["link"] = "https://okno.example/cabinet/cases/123"
	}
	return vars
}

// Render fills the text of template for audience on channel in lang with
// vars. It takes the channel's own text, else "default", in lang, else in
// Russian: a text made for the channel (a short SMS) beats a translation.
// A variable the text uses but vars lacks is an error, never "<no value>".
func (t *Templates) Render(template, audience, channel, lang string, vars map[string]string) (subject, body string, err error) {
	for _, k := range []textKey{
		{template, audience, channel, lang}, {template, audience, channel, langRussian},
		{template, audience, defaultChannel, lang}, {template, audience, defaultChannel, langRussian},
	} {
		if tx := t.texts[k]; tx != nil {
			return tx.render(vars)
		}
	}
	return "", "", okno.Wrap(okno.EINTERNAL, "notify.template_missing",
		fmt.Errorf("notify: no template %s for %s on %s", template, audience, channel))
}

func (tx *text) render(vars map[string]string) (subject, body string, err error) {
	var s, b strings.Builder
	if err := tx.subject.Execute(&s, vars); err != nil {
		return "", "", fmt.Errorf("notify: template subject: %w", err)
	}
	if err := tx.body.Execute(&b, vars); err != nil {
		return "", "", fmt.Errorf("notify: template body: %w", err)
	}
	return strings.TrimSpace(s.String()), strings.TrimSpace(b.String()), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
