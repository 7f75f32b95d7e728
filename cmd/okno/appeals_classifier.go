package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/textclass"
)

const classifierUsage = `usage:
  okno appeals classifier train --input FILE.jsonl[.gz] --out MODEL [--label category|subcategory] [--holdout]
  okno appeals classifier train --from-db --out MODEL [config flags]
  okno appeals classifier predict --model MODEL   < {"id":…,"text":…} lines
  okno appeals classifier eval --input FILE.jsonl[.gz] [--model MODEL] [--label category|subcategory]`

// cmdAppealsClassifier trains the category classifier from a file or from
// the deployment's history, predicts categories for JSON lines, and
// measures it on the documented time split.
func cmdAppealsClassifier(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return exitError{2, classifierUsage}
	}
	switch args[0] {
	case "train":
		if slices.ContainsFunc(args[1:], func(a string) bool { return a == "--from-db" || a == "-from-db" || a == "--from-db=true" }) {
			return classifierTrainDB(ctx, env, args[1:])
		}
		return classifierTrainFile(env, args[1:])
	case "predict":
		return classifierPredict(env, args[1:])
	case "eval":
		return classifierEval(env, args[1:])
	}
	return exitError{2, fmt.Sprintf("okno: unknown classifier command %q\n%s", args[0], classifierUsage)}
}

// classifierFlags are the flags the file commands share.
type classifierFlags struct {
	input, out, model, label, lang string
	holdout                        bool
	fs                             *flag.FlagSet
}

func newClassifierFlags(env *Env, name string) *classifierFlags {
	f := &classifierFlags{fs: flag.NewFlagSet("okno appeals classifier "+name, flag.ContinueOnError)}
	f.fs.SetOutput(env.Stderr)
	f.fs.StringVar(&f.lang, "lang", "ru", "language of error messages: ru or en")
	return f
}

func (f *classifierFlags) parse(args []string) (i18n.Localizer, error) {
	rest, err := parseInterspersed(f.fs, args)
	if err != nil {
		return i18n.Localizer{}, exitError{2, classifierUsage}
	}
	if len(rest) > 0 {
		return i18n.Localizer{}, exitError{2, fmt.Sprintf("okno: unexpected argument %q\n%s", rest[0], classifierUsage)}
	}
	if f.fs.Lookup("label") != nil && f.label != "category" && f.label != "subcategory" {
		return i18n.Localizer{}, exitError{2, fmt.Sprintf("okno: --label %q: use category or subcategory", f.label)}
	}
	return localizer(f.lang)
}

func (f *classifierFlags) inputAndLabel() {
	f.fs.StringVar(&f.input, "input", "", "JSON lines (gzip or plain) with text, category and optionally subcategory and created_at")
	f.fs.StringVar(&f.label, "label", "category", "what to learn: category or subcategory")
}

// localized turns a coded error into its translated message, any other
// (a file that cannot be opened) into its own text.
func localized(loc i18n.Localizer, err error) error {
	var e *okno.Error
	if !errors.As(err, &e) {
		return exitError{1, "okno: " + err.Error()}
	}
	msg, _ := loc.Error(err)
	return exitError{1, "okno: " + msg}
}

func classifierTrainFile(env *Env, args []string) error {
	f := newClassifierFlags(env, "train")
	f.inputAndLabel()
	f.fs.StringVar(&f.out, "out", "", "the model file to write")
	f.fs.BoolVar(&f.holdout, "holdout", false, "train on the first 80% by created_at only, as eval does, so that eval --model measures the held-out part honestly")
	loc, err := f.parse(args)
	if err != nil {
		return err
	}
	if f.input == "" || f.out == "" {
		return exitError{2, "okno: --input and --out are required\n" + classifierUsage}
	}
	recs, err := readLabelled(f.input, f.label, f.holdout)
	if err != nil {
		return err
	}
	examples := make([]textclass.Example, len(recs))
	for i, r := range recs {
		examples[i] = r.Example
	}
	if f.holdout {
		examples, _ = textclass.TimeSplit(recs)
	}
	return trainAndSave(env, loc, examples, f.out)
}

func classifierTrainDB(ctx context.Context, env *Env, args []string) error {
	var fromDB bool
	var out string
	a, _, rest, err := openApp(ctx, env, "appeals classifier train", args, false, func(fs *flag.FlagSet) {
		fs.BoolVar(&fromDB, "from-db", false, "learn from the closed appeals in the database")
		fs.StringVar(&out, "out", "", "the model file to write")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) > 0 || out == "" {
		return exitError{2, "okno: --out is required\n" + classifierUsage}
	}
	examples, err := a.Appeals.TrainingExamples(ctx)
	if err != nil {
		return describe(a, err)
	}
	fmt.Fprintf(env.Stdout, "%d closed appeals in the history\n", len(examples))
	return trainAndSave(env, a.Catalog.Localizer(i18n.Russian), examples, out)
}

func trainAndSave(env *Env, loc i18n.Localizer, examples []textclass.Example, out string) error {
	start := time.Now()
	m, err := textclass.Train(examples, textclass.Options{Seed: 1})
	if err != nil {
		return localized(loc, err)
	}
	took := time.Since(start)
	if err := m.SaveFile(out); err != nil {
		return localized(loc, err)
	}
	fmt.Fprintf(env.Stdout, "trained on %d examples of %d labels in %.1f s: %s\n", len(examples), len(m.Labels()), took.Seconds(), out)
	return nil
}

func classifierEval(env *Env, args []string) error {
	f := newClassifierFlags(env, "eval")
	f.inputAndLabel()
	f.fs.StringVar(&f.model, "model", "", "a model to measure (trained with train --holdout); without it one is trained on the training part")
	var split string
	f.fs.StringVar(&split, "split", "time", "time: the last 20% by created_at, unseen texts (the honest figure); id: a random 20% by record id, as published results on this data use")
	loc, err := f.parse(args)
	if err != nil {
		return err
	}
	if f.input == "" {
		return exitError{2, "okno: --input is required\n" + classifierUsage}
	}
	recs, err := readLabelled(f.input, f.label, true)
	if err != nil {
		return err
	}
	var train, test []textclass.Example
	switch split {
	case "time":
		train, test = textclass.TimeSplit(recs)
		fmt.Fprintf(env.Stdout, "split: %d training records (the first 80%% by created_at), %d held-out texts (the last 20%%, unseen in training, each text once)\n", len(train), len(test))
	case "id":
		train, test = textclass.IDSplit(recs)
		fmt.Fprintf(env.Stdout, "split: %d training records, %d held out (a random 20%% by record id: FNV-1a of the id, remainder 0 of 5)\n", len(train), len(test))
	default:
		return exitError{2, fmt.Sprintf("okno: unknown --split %q: use time or id", split)}
	}
	var m *textclass.Model
	if f.model != "" {
		if m, err = textclass.LoadFile(f.model); err != nil {
			return localized(loc, err)
		}
	} else {
		start := time.Now()
		if m, err = textclass.Train(train, textclass.Options{Seed: 1}); err != nil {
			return localized(loc, err)
		}
		fmt.Fprintf(env.Stdout, "training: %.1f s\n", time.Since(start).Seconds())
	}
	start := time.Now()
	s := m.Evaluate(test)
	if len(test) > 0 {
		fmt.Fprintf(env.Stdout, "prediction: %.0f µs a text (with scoring)\n", float64(time.Since(start).Microseconds())/float64(len(test)))
	}
	fmt.Fprintf(env.Stdout, "accuracy %.4f, macro-F1 %.4f\nper label, worst F1 first:\n", s.Accuracy, s.MacroF1)
	for _, l := range s.Labels {
		fmt.Fprintf(env.Stdout, "  F1 %.3f  precision %.3f  recall %.3f  %5d  %s\n", l.F1, l.Precision, l.Recall, l.Support, l.Label)
	}
	return nil
}

// Input limits of the record files and of predict's lines.
const (
	maxRecordLine = 1 << 20 // bytes of one JSON line
	maxRecords    = textclass.MaxExamples
)

// labelled is one record of a training file.
type labelled struct {
	ID          json.RawMessage `json:"id"`
	Text        *string         `json:"text"`
	Category    string          `json:"category"`
	Subcategory string          `json:"subcategory"`
	CreatedAt   string          `json:"created_at"`
}

// readLabelled reads a file of JSON lines, gzip-compressed or not. Every
// record must have text and the label asked for, and created_at when
// dated; a bad line stops the reading with its number, so that a model is
// never learnt from half a file.
func readLabelled(path, label string, dated bool) ([]textclass.Dated, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, exitError{1, fmt.Sprintf("okno: %v", err)}
	}
	defer file.Close()
	r, err := maybeGzip(file)
	if err != nil {
		return nil, exitError{1, fmt.Sprintf("okno: %s: %v", path, err)}
	}
	var out []textclass.Dated
	lines := newLineReader(r)
	for n := 1; ; n++ {
		line, err := lines.next()
		if err == io.EOF {
			break
		}
		fail := func(format string, args ...any) error {
			return exitError{1, fmt.Sprintf("okno: %s:%d: %s", path, n, fmt.Sprintf(format, args...))}
		}
		switch {
		case errors.Is(err, errLongLine):
			return nil, fail("line longer than %d bytes", maxRecordLine)
		case err != nil:
			return nil, exitError{1, fmt.Sprintf("okno: %s: %v", path, err)}
		case len(bytes.TrimSpace(line)) == 0:
			continue
		case len(out) == maxRecords:
			return nil, fail("more than %d records", maxRecords)
		}
		var rec labelled
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, fail("not a JSON object: %v", err)
		}
		d := textclass.Dated{Example: textclass.Example{Label: rec.Category}}
		if label == "subcategory" {
			d.Label = rec.Subcategory
		}
		switch {
		case rec.Text == nil:
			return nil, fail("no text")
		case d.Label == "":
			return nil, fail("no %s", label)
		}
		d.Text = *rec.Text
		d.ID = strings.Trim(string(rec.ID), `"`)
		if d.ID == "" {
			d.ID = strconv.Itoa(n) // no id: the line number stands for it
		}
		if dated {
			if d.At, err = parseCreated(rec.CreatedAt); err != nil {
				return nil, fail("created_at %q: want an ISO time such as 2021-03-30T06:52:02", rec.CreatedAt)
			}
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, exitError{1, fmt.Sprintf("okno: %s: no records", path)}
	}
	return out, nil
}

// parseCreated reads an ISO time with or without a zone (the portal's
// export has local times without one).
func parseCreated(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02T15:04:05.999999999", s)
}

// maybeGzip unwraps gzip when the stream starts with its magic bytes, so
// that the file's name does not matter.
func maybeGzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(2)
	if err == nil && head[0] == 0x1f && head[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

var errLongLine = errors.New("line too long")

// lineReader yields lines up to maxRecordLine bytes; a longer line is
// skipped whole and reported as errLongLine, so that the next line is read
// from its start.
type lineReader struct {
	r    *bufio.Reader
	line []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

func (l *lineReader) next() ([]byte, error) {
	l.line = l.line[:0]
	long := false
	for {
		chunk, more, err := l.r.ReadLine()
		if err != nil {
			if err == io.EOF && (len(l.line) > 0 || long) {
				break
			}
			return nil, err
		}
		if !long && len(l.line)+len(chunk) > maxRecordLine {
			long = true
			l.line = l.line[:0]
		}
		if !long {
			l.line = append(l.line, chunk...)
		}
		if !more {
			break
		}
	}
	if long {
		return nil, errLongLine
	}
	return l.line, nil
}

// predictLine is one line of predict's input.
type predictLine struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
}

// classifierPredict answers every input line with one output line, in
// order: the category and its probability, or an error naming what is
// wrong with the line. It exits 1 at the end when any line had an error.
func classifierPredict(env *Env, args []string) error {
	f := newClassifierFlags(env, "predict")
	f.fs.StringVar(&f.model, "model", "", "the model file")
	loc, err := f.parse(args)
	if err != nil {
		return err
	}
	if f.model == "" {
		return exitError{2, "okno: --model is required\n" + classifierUsage}
	}
	m, err := textclass.LoadFile(f.model)
	if err != nil {
		return localized(loc, err)
	}
	in := newLineReader(env.Stdin)
	w := bufio.NewWriter(env.Stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	type answer struct {
		ID         json.RawMessage `json:"id"`
		Category   string          `json:"category,omitempty"`
		Confidence *float64        `json:"confidence,omitempty"`
		Error      string          `json:"error,omitempty"`
	}
	lines, bad := 0, 0
	for {
		line, err := in.next()
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, errLongLine) {
			return err
		}
		lines++
		a := answer{ID: json.RawMessage("null")}
		var p predictLine
		switch {
		case err != nil:
			a.Error = fmt.Sprintf("line longer than %d bytes", maxRecordLine)
		case json.Unmarshal(line, &p) != nil:
			a.Error = "not a JSON object"
		case !validID(p.ID):
			a.Error = "id must be a number or a string"
		case p.Text == nil:
			a.ID, a.Error = p.ID, "no text"
		default:
			a.ID = p.ID
			label, conf := m.Predict(*p.Text)
			a.Category, a.Confidence = label, &conf
		}
		if a.Error != "" {
			bad++
		}
		if err := enc.Encode(a); err != nil {
			return err
		}
		if in.r.Buffered() == 0 {
			// Nothing more is waiting: answer now, for interactive use.
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if bad > 0 {
		return exitError{1, fmt.Sprintf("okno: %d of %d lines had errors (see their \"error\")", bad, lines)}
	}
	return nil
}

// validID: predict echoes the id as given, so it must be a JSON number or
// string (anything else could not be matched back by the caller).
func validID(id json.RawMessage) bool {
	if len(id) == 0 {
		return false
	}
	var v any
	if json.Unmarshal(id, &v) != nil {
		return false
	}
	switch v.(type) {
	case string, float64:
		return true
	}
	return false
}
