package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// importHistory is three lines of the portal's export: one answered by a
// demo body, one nobody answered (the routing table or its district's
// administration places it), and a broken one.
const importHistory = `{"id": 7001, "created_at": "2020-11-01T10:00:00.5", "district": "Приморский", "address": "Мебельная улица, 47", "lat": "59.9943", "lon": "30.1971", "category": "Содержание МКД", "subcategory": "Неудовлетворительное состояние парадной", "text": "В парадной разбито окно.", "photos": 1, "answers": [{"at": "2020-11-05T16:00:00.1", "by": "СПб ГКУ ЖА Приморского района", "text": "Окно заменено."}], "statuses": [{"at": "2020-11-01T10:00:00.6", "status": "Модерация"}, {"at": "2020-11-02T09:00:00", "status": "Рассмотрение"}, {"at": "2020-11-06T10:00:00", "status": "Получен ответ"}, {"at": "2020-11-07T10:00:00", "status": "Завершено: Пользователь удовлетворен решением проблемы"}], "reroutes": 0, "recategorized": 0}
{"id": 7002, "created_at": "2020-11-03T11:00:00", "district": "Невский", "address": "", "lat": "59.88", "lon": "30.45", "category": "Содержание МКД", "subcategory": "Неудовлетворительное состояние парадной", "text": "Грязно в парадной.", "photos": 0, "answers": [], "statuses": [{"at": "2020-11-03T11:00:00", "status": "Модерация"}, {"at": "2020-11-04T09:00:00", "status": "Рассмотрение"}], "reroutes": 0, "recategorized": 0}
{"id": 7003, "created_at":
`

// TestAppealsImport: `okno appeals import --demo` loads the demo region,
// imports what it can, names the broken line in Russian, and a second
// run imports nothing again.
func TestAppealsImport(t *testing.T) {
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "history.jsonl")
	if err := os.WriteFile(file, []byte(importHistory), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runOkno(t, "appeals", "import", "--data", data, "--demo", file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{
		"read 3, imported 2 (1 still open), skipped 0 (imported before), failed 1",
		"by the answering body 1, ", // the other: the demo's routing table or the district's administration
		"line 3: Строка не является корректным объектом JSON",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = runOkno(t, "appeals", "import", "--data", data, file)
	if err != nil || !strings.Contains(out, "imported 0 (0 still open), skipped 2 (imported before), failed 1") {
		t.Errorf("second run = %v:\n%s", err, out)
	}

	_, err = runOkno(t, "appeals", "import", "--data", data)
	var ex exitError
	if !errors.As(err, &ex) || ex.code != 2 {
		t.Errorf("import without a file = %v, want usage (exit 2)", err)
	}
}
