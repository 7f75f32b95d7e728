package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// classifierHistory is a small synthetic history: three categories, each
// text dated a minute after the one before.
func classifierHistory(t *testing.T, gz bool) string {
	t.Helper()
	texts := map[string][]string{
		"Дороги":    {"Яма на дороге у дома", "Глубокая яма на проезжей части", "Разбит асфальт, ямы во дворе", "Яма на дороге, колесо пробито"},
		"Уборка":    {"Не убран снег на тротуаре", "Снег и наледь на тротуаре", "Мусор во дворе не вывозят", "Мусор и снег у подъезда"},
		"Отопление": {"В квартире нет отопления", "Холодные батареи в подъезде", "Отопление не работает", "Батареи холодные третий день"},
	}
	var b bytes.Buffer
	n := 0
	for range 5 {
		for _, cat := range []string{"Дороги", "Уборка", "Отопление"} {
			for _, text := range texts[cat] {
				rec := map[string]any{"text": fmt.Sprintf("%s %d", text, n), "category": cat, "subcategory": cat + ": причина",
					"created_at": fmt.Sprintf("2021-03-%02dT%02d:%02d:00.5", 1+n/600, n/60%10, n%60)}
				line, _ := json.Marshal(rec)
				b.Write(append(line, '\n'))
				n++
			}
		}
	}
	path := filepath.Join(t.TempDir(), "history.jsonl")
	data := b.Bytes()
	if gz {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		data, path = z.Bytes(), path+".gz"
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runClassifier runs `okno appeals classifier ARGS` with stdin and returns
// the output and the exit code main would exit with.
func runClassifier(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	err := run(context.Background(), env, append([]string{"appeals", "classifier"}, args...))
	var ex exitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ex):
		return out.String() + ex.msg, ex.code
	}
	t.Fatalf("okno appeals classifier %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	return "", 0
}

func TestClassifierTrainPredict(t *testing.T) {
	model := filepath.Join(t.TempDir(), "m.model")
	out, code := runClassifier(t, "", "train", "--input", classifierHistory(t, true), "--out", model)
	if code != 0 || !strings.Contains(out, "trained on 60 examples of 3 labels") {
		t.Fatalf("train = %q, exit %d", out, code)
	}
	in := strings.Join([]string{
		`{"id": 1, "text": "яма на дороге"}`,
		`{"id": "a-2", "text": "батареи холодные"}`,
		`{"id": 3}`,
		`not json`,
		`{"id": {"x": 1}, "text": "снег"}`,
		``,
		`{"text": "мусор", "id": 4.5}`,
	}, "\n")
	out, code = runClassifier(t, in, "predict", "--model", model)
	if code != 1 || !strings.Contains(out, "4 of 7 lines had errors") {
		t.Errorf("predict exit %d, output %q; want exit 1 naming the bad lines", code, out)
	}
	type answer struct {
		ID         any
		Category   string
		Confidence float64
		Error      string
	}
	var got []answer
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[:7] {
		var a answer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		if a.Confidence != 0 && (a.Confidence < 0.34 || a.Confidence > 1) {
			t.Errorf("%v: confidence %v", a.ID, a.Confidence)
		}
		a.Confidence = 0
		got = append(got, a)
	}
	want := []answer{
		{ID: 1.0, Category: "Дороги"},
		{ID: "a-2", Category: "Отопление"},
		{ID: 3.0, Error: "no text"},
		{Error: "not a JSON object"},
		{Error: "id must be a number or a string"},
		{Error: "not a JSON object"},
		{ID: 4.5, Category: "Уборка"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("predict (-want +got):\n%s", diff)
	}
	// The id is echoed byte for byte, not re-encoded.
	if out, _ := runClassifier(t, `{"id": 1e2, "text": "яма"}`, "predict", "--model", model); !strings.HasPrefix(out, `{"id":1e2,"category":"Дороги"`) {
		t.Errorf("predict = %q, want the id as given", out)
	}
}

func TestClassifierEval(t *testing.T) {
	history := classifierHistory(t, false)
	out, code := runClassifier(t, "", "eval", "--input", history)
	if code != 0 || !strings.Contains(out, "split: 48 training records") || !strings.Contains(out, "accuracy 1.0000, macro-F1 1.0000") {
		t.Fatalf("eval = %q, exit %d", out, code)
	}
	model := filepath.Join(t.TempDir(), "m.model")
	if out, code := runClassifier(t, "", "train", "--input", history, "--out", model, "--holdout"); code != 0 || !strings.Contains(out, "trained on 48 examples") {
		t.Fatalf("train --holdout = %q, exit %d", out, code)
	}
	if out, code := runClassifier(t, "", "eval", "--input", history, "--model", model); code != 0 || !strings.Contains(out, "accuracy 1.0000") {
		t.Fatalf("eval --model = %q, exit %d", out, code)
	}
	// The split published results use: a random 20% by record id.
	if out, code := runClassifier(t, "", "eval", "--input", history, "--split", "id"); code != 0 || !strings.Contains(out, "random 20% by record id") ||
		!strings.Contains(out, "accuracy") {
		t.Fatalf("eval --split id = %q, exit %d", out, code)
	}
	if _, code := runClassifier(t, "", "eval", "--input", history, "--split", "coin"); code != 2 {
		t.Errorf("eval --split coin: exit %d, want 2", code)
	}
	if out, code := runClassifier(t, "", "train", "--input", history, "--out", model, "--label", "subcategory"); code != 0 || !strings.Contains(out, "of 3 labels") {
		t.Fatalf("train --label subcategory = %q, exit %d", out, code)
	}
}

func TestClassifierBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	model := filepath.Join(dir, "m.model")
	oneLabel := write("one.jsonl", `{"text":"яма","category":"Дороги"}`+"\n"+`{"text":"яма 2","category":"Дороги"}`)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", nil, 2, "usage:"},
		{"unknown subcommand", []string{"fit"}, 2, `unknown classifier command "fit"`},
		{"train without flags", []string{"train"}, 2, "--input and --out are required"},
		{"unknown flag", []string{"train", "--inptu", "x"}, 2, "usage:"},
		{"bad label flag", []string{"train", "--input", oneLabel, "--out", model, "--label", "reason"}, 2, `--label "reason"`},
		{"missing file", []string{"train", "--input", filepath.Join(dir, "nope.jsonl"), "--out", model}, 1, "no such file"},
		{"malformed line", []string{"train", "--input", write("bad.jsonl", `{"text":"a","category":"x"}`+"\n{oops\n"), "--out", model}, 1, "bad.jsonl:2: not a JSON object"},
		{"no category", []string{"train", "--input", write("nocat.jsonl", `{"text":"a"}`), "--out", model}, 1, "nocat.jsonl:1: no category"},
		{"no text", []string{"train", "--input", write("notext.jsonl", `{"category":"a"}`), "--out", model}, 1, "notext.jsonl:1: no text"},
		{"empty file", []string{"train", "--input", write("empty.jsonl", "\n"), "--out", model}, 1, "no records"},
		{"long line", []string{"train", "--input", write("long.jsonl", `{"text":"`+strings.Repeat("я", maxRecordLine)+`","category":"a"}`), "--out", model}, 1, "long.jsonl:1: line longer than"},
		{"one label", []string{"train", "--input", oneLabel, "--out", model}, 1, "хотя бы двух разных категорий"},
		{"one label in English", []string{"train", "--input", oneLabel, "--out", model, "--lang", "en"}, 1, "at least two different categories"},
		{"eval undated", []string{"eval", "--input", oneLabel}, 1, `one.jsonl:1: created_at ""`},
		{"predict without model", []string{"predict"}, 2, "--model is required"},
		{"predict missing model", []string{"predict", "--model", filepath.Join(dir, "nope.model")}, 1, "no such file"},
		{"predict bad model", []string{"predict", "--model", oneLabel}, 1, "Файл модели повреждён"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runClassifier(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, out, tc.code, tc.want)
			}
		})
	}
	if _, err := os.Stat(model); !os.IsNotExist(err) {
		t.Errorf("a failed training left a model file: %v", err)
	}
}

// TestClassifierTrainFromDB trains from an empty deployment's history: the
// command opens the database and says, translated, that there is too
// little to learn from.
func TestClassifierTrainFromDB(t *testing.T) {
	data := t.TempDir()
	out, code := runClassifier(t, "", "train", "--from-db", "--data", data, "--out", filepath.Join(data, "m.model"))
	if code != 1 || !strings.Contains(out, "0 closed appeals") || !strings.Contains(out, "хотя бы двух разных категорий") {
		t.Errorf("train --from-db = %q, exit %d", out, code)
	}
	if out, code := runClassifier(t, "", "train", "--from-db", "--data", data); code != 2 || !strings.Contains(out, "--out is required") {
		t.Errorf("train --from-db without --out = %q, exit %d", out, code)
	}
}
