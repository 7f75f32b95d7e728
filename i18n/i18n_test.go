package i18n

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

// testCatalog builds a catalogue from literal files, so the tests do not
// depend on wording colleagues may change.
func testCatalog(t *testing.T, files map[string]string) *Catalog {
	t.Helper()
	c, err := LoadFS(mapFS(files), "m")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys["m/"+name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

const sample = `{
  "t.apples": {
    "ru": {"one": "%d яблоко", "few": "%d яблока", "many": "%d яблок", "other": "%v яблока"},
    "en": {"one": "%d apple", "other": "%v apples"}
  },
  "t.files": {
    "ru": {"one": "%[2]s: %[1]d файл", "few": "%[2]s: %[1]d файла", "many": "%[2]s: %[1]d файлов"},
    "en": {"one": "%[2]s: %[1]d file", "other": "%[2]s: %[1]d files"}
  },
  "t.hello": {"ru": "Здравствуйте, %s", "en": "Hello, %s"},
  "t.plain": {"ru": "Готово", "en": "Done"},
  "t.bad_snils": {"ru": "СНИЛС из 11 цифр", "en": "SNILS has 11 digits"},
  "error.invalid": {"ru": "Проверьте данные", "en": "Check your data"},
  "error.not_found": {"ru": "Не найдено", "en": "Not found"},
  "error.internal": {"ru": "Извините, сбой", "en": "Sorry, a failure"}
}`

func TestLocalizerT(t *testing.T) {
	c := testCatalog(t, map[string]string{"t.json": sample})
	tests := []struct {
		lang Lang
		key  string
		args []any
		want string
	}{
		{Russian, "t.plain", nil, "Готово"},
		{English, "t.plain", nil, "Done"},
		{Russian, "t.hello", []any{"Анна"}, "Здравствуйте, Анна"},
		{Russian, "t.apples", []any{1}, "1 яблоко"},
		{Russian, "t.apples", []any{3}, "3 яблока"},
		{Russian, "t.apples", []any{11}, "11 яблок"},
		{Russian, "t.apples", []any{21}, "21 яблоко"},
		{Russian, "t.apples", []any{1.5}, "1.5 яблока"},
		{English, "t.apples", []any{1}, "1 apple"},
		{English, "t.apples", []any{2}, "2 apples"},
		{Russian, "t.files", []any{5, "Заявление"}, "Заявление: 5 файлов"},
		{English, "t.files", []any{1, "Application"}, "Application: 1 file"},
		{Russian, "t.missing", nil, "t.missing"},
		{"en-GB", "t.plain", nil, "Done"},
		{"de", "t.plain", nil, "Готово"},
	}
	for _, tt := range tests {
		if got := c.Localizer(tt.lang).T(tt.key, tt.args...); got != tt.want {
			t.Errorf("T(%s, %q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
}

func TestLocalizerError(t *testing.T) {
	c := testCatalog(t, map[string]string{"t.json": sample})
	var fe okno.FieldErrors
	fe.Add("snils", "t.bad_snils")
	fe.Add("count", "t.apples", 2)
	tests := []struct {
		name       string
		err        error
		wantMsg    string
		wantFields map[string]string
	}{
		{"fields", fe.Err(), "Проверьте данные", map[string]string{"snils": "СНИЛС из 11 цифр", "count": "2 яблока"}},
		{"key with args", okno.Errorf(okno.ENOTFOUND, "t.hello", "мир"), "Здравствуйте, мир", nil},
		{"unknown key falls back to code", okno.Errorf(okno.ENOTFOUND, "t.nope"), "Не найдено", nil},
		{"code without message", okno.Errorf(okno.ECONFLICT, "t.nope"), "Извините, сбой", nil},
		{"internal hides key", okno.Wrap(okno.EINTERNAL, "t.hello", errors.New("disk on fire")), "Извините, сбой", nil},
		{"plain error", errors.New("pq: password authentication failed"), "Извините, сбой", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, fields := c.Localizer(Russian).Error(tt.err)
			if msg != tt.wantMsg {
				t.Errorf("message = %q, want %q", msg, tt.wantMsg)
			}
			if diff := cmp.Diff(tt.wantFields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadFSProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing english", map[string]string{"a.json": `{"a.x": {"ru": "х"}}`}, `a.x: missing "en"`},
		{"duplicate across files", map[string]string{
			"a.json": `{"a.x": {"ru": "х", "en": "x"}}`,
			"b.json": `{"a.x": {"ru": "х", "en": "x"}}`,
		}, `key "a.x" is also defined in a.json`},
		{"missing plural form", map[string]string{"a.json": `{"a.n": {"ru": {"one": "%d", "many": "%d"}, "en": {"one": "%d", "other": "%d"}}}`}, `"ru" misses plural form "few"`},
		{"unknown form", map[string]string{"a.json": `{"a.n": {"ru": "х", "en": {"one": "%d", "other": "%d", "two": "%d"}}}`}, `unknown plural form "two"`},
		{"unknown language", map[string]string{"a.json": `{"a.x": {"ru": "х", "en": "x", "de": "x"}}`}, `unknown language "de"`},
		{"empty text", map[string]string{"a.json": `{"a.x": {"ru": "", "en": "x"}}`}, `empty "ru"`},
		{"malformed", map[string]string{"a.json": `{"a.x": `}, `parse m/a.json`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(mapFS(tt.files), "m")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadFS error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"ru": Russian, "RU-ru": Russian, "en": English, "en_GB": English, " en ": English} {
		if got, ok := ParseLang(in); !ok || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q, true", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "de", "english"} {
		if got, ok := ParseLang(in); ok {
			t.Errorf("ParseLang(%q) = %q, true; want false", in, got)
		}
	}
}
