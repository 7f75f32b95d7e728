package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// portalLines are a small portal export: lifts answered by the district's
// housing agency, traffic lights by the traffic directorate.
const portalLines = `{"id": 1, "created_at": "2021-01-01T10:00:00", "district": "Невский", "category": "Содержание МКД", "subcategory": "Неисправный лифт", "answers": [{"at": "2021-01-02", "by": "СПб ГКУ ЖА Невского района"}]}
{"id": 2, "created_at": "2021-01-02T10:00:00", "district": "Невский", "category": "Содержание МКД", "subcategory": "Неисправный лифт", "answers": [{"at": "2021-01-03", "by": "СПб ГКУ ЖА Невского района"}]}
{"id": 3, "created_at": "2021-01-03T10:00:00", "district": "Кировский", "category": "Содержание МКД", "subcategory": "Неисправный лифт", "answers": [{"at": "2021-01-04", "by": "СПб ГКУ ЖА Кировского района"}]}
{"id": 4, "created_at": "2021-01-04T10:00:00", "district": "Невский", "category": "Содержание МКД", "subcategory": "Неисправный лифт", "answers": [{"at": "2021-01-05", "by": "СПб ГКУ ЖА Невского района"}]}
{"id": 5, "created_at": "2021-01-05T10:00:00", "district": "Кировский", "category": "Содержание МКД", "subcategory": "Неисправный лифт", "answers": [{"at": "2021-01-06", "by": "Администрация Кировского района"}]}
`

func TestAppealsRoutingEvalAndLearn(t *testing.T) {
	file := filepath.Join(t.TempDir(), "portal.jsonl")
	if err := os.WriteFile(file, []byte(portalLines), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runOkno(t, "appeals", "routing", "eval", "--input", file, "--held-out", "0.4")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 appeals to learn from, 2 to test", "routing accuracy: 0.5000 (1 of 2", "Содержание МКД"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval lacks %q:\n%s", want, out)
		}
	}

	data := t.TempDir()
	out, err = runOkno(t, "appeals", "routing", "learn", "--data", data, "--input", file, "--apply")
	if err != nil {
		t.Fatal(err)
	}
	// No demo region is loaded: nothing maps, and the output says why.
	for _, want := range []string{"Неисправный лифт", "СПб ГКУ ЖА Невского района", "rules learned from 5 appeals", "applied: 0 rules", "district Кировский"} {
		if !strings.Contains(out, want) {
			t.Errorf("learn lacks %q:\n%s", want, out)
		}
	}
	out, err = runOkno(t, "appeals", "routing", "show", "--data", data)
	if err != nil || !strings.Contains(out, "0 rules in force") {
		t.Errorf("show: %v\n%s", err, out)
	}

	for _, args := range [][]string{{"appeals", "routing"}, {"appeals", "routing", "eval"}, {"appeals", "routing", "nonsense"}} {
		_, err := runOkno(t, args...)
		var ex exitError
		if !errors.As(err, &ex) || ex.code != 2 {
			t.Errorf("%v: %v, want usage (exit 2)", args, err)
		}
	}
}
