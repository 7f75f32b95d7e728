package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCalendarCommands shows a year of the embedded facts, imports a year
// the facts lack, shows it, and refuses a bad file with a Russian message.
func TestCalendarCommands(t *testing.T) {
	data := t.TempDir()
	out, err := runOkno(t, "calendar", "show", "--data", data, "2026")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2026-01-09 weekend from 2026-01-03\n", "2026-04-30 short\n", "2026: 247 working days\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar show 2026 lacks %q:\n%s", want, out)
		}
	}

	file := filepath.Join(t.TempDir(), "2028.xml")
	xml := `<calendar year="2028"><holidays><holiday id="1" title="Новогодние каникулы"/></holidays>` +
		`<days><day d="01.03" t="1" h="1"/><day d="01.10" t="1" f="01.01"/></days></calendar>`
	if err := os.WriteFile(file, []byte(xml), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err = runOkno(t, "calendar", "import", "--data", data, file); err != nil {
		t.Fatal(err)
	}
	if want := "2028: imported, 2 days differ from the five-day week\n"; out != want {
		t.Errorf("calendar import said %q, want %q", out, want)
	}
	if out, err = runOkno(t, "calendar", "show", "--data", data, "2028"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "2028-01-10 weekend from 2028-01-01   [changed ") || !strings.Contains(out, " by system]") ||
		strings.Contains(out, "no holidays are known") {
		t.Errorf("calendar show 2028 after the import:\n%s", out)
	}

	if err := os.WriteFile(file, []byte(`<calendar year="2028"><days><day d="01.32" t="1"/></days></calendar>`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = runOkno(t, "calendar", "import", "--data", data, file)
	var ex exitError
	if !errors.As(err, &ex) || ex.code != 1 || !strings.Contains(ex.msg, "days[0].d") || !strings.Contains(ex.msg, "ММ.ДД") {
		t.Errorf("a bad file: %v", err)
	}
	if _, err = runOkno(t, "calendar", "show", "--data", data, "двадцать"); !errors.As(err, &ex) || ex.code != 2 {
		t.Errorf("show with no year: %v, want a usage error", err)
	}
}
