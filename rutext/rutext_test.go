package rutext_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno/rutext"
)

func TestWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"Ёлка у дома 5а, кв. 12", []string{"елка", "у", "дома", "5а", "кв", "12"}},
		{"<p>Мусор&nbsp;не&amp;вывозят</p>", []string{"мусор", "не", "вывозят"}},
		{"a < b > c", []string{"a", "b", "c"}},
		{"Санкт-Петербург", []string{"санкт", "петербург"}},
		{"\xffбитый\xfeтекст", []string{"битый", "текст"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, rutext.Words(tt.text)); diff != "" {
			t.Errorf("Words(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
	if got, want := rutext.Normalize("  Ребёнок,  РОДЫ!"), "ребенок роды"; got != want {
		t.Errorf("Normalize = %q, want %q", got, want)
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ word, want string }{
		{"пособие", "пособ"},
		{"пособия", "пособ"},
		{"пособием", "пособ"},
		{"рождении", "рожден"},
		{"рождения", "рожден"},
		{"заграничного", "заграничн"},
		{"заграничный", "заграничн"},
		{"удостоверения", "удостоверен"},
		{"красивейший", "красив"},
		{"отопление", "отоплен"},
		{"ям", "ям"},
		{"5а", "5а"},
		{"street", "street"},
		{"я", "я"},
	}
	for _, tt := range tests {
		if got := rutext.Stem(tt.word); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	got := rutext.Tokens("Пособие при рождении ребёнка, и в 2026 году")
	want := []string{"пособ", "рожден", "ребенк", "2026", "год"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokens (-want +got):\n%s", diff)
	}
}

func TestIsStop(t *testing.T) {
	for w, want := range map[string]bool{"и": true, "при": true, "еще": true, "the": true, "пособие": false, "ип": false} {
		if got := rutext.IsStop(w); got != want {
			t.Errorf("IsStop(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestLayout(t *testing.T) {
	tests := []struct{ latin, cyrillic string }{
		{"gjcj,bt", "пособие"},
		{"pfuhfybxysq gfcgjhn", "заграничный паспорт"},
		{"DSHE<RF", "ВЫРУБКА"},
		{"`krf", "ёлка"},
		{"2026", "2026"},
	}
	for _, tt := range tests {
		if got := rutext.FromLatinLayout(tt.latin); got != tt.cyrillic {
			t.Errorf("FromLatinLayout(%q) = %q, want %q", tt.latin, got, tt.cyrillic)
		}
		if got := rutext.ToLatinLayout(tt.cyrillic); got != tt.latin {
			t.Errorf("ToLatinLayout(%q) = %q, want %q", tt.cyrillic, got, tt.latin)
		}
	}
}

func FuzzTokens(f *testing.F) {
	f.Add("Пособие при рождении <b>ребёнка</b> &amp; 5а")
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range rutext.Tokens(s) {
			if tok == "" {
				t.Fatalf("empty token from %q", s)
			}
		}
		rutext.Normalize(s)
		rutext.FromLatinLayout(s)
		rutext.ToLatinLayout(s)
	})
}

func BenchmarkTokens(b *testing.B) {
	text := "Во дворе у детской площадки куча мусора, не вывозят уже неделю. Просим принять меры."
	b.ReportAllocs()
	for b.Loop() {
		rutext.Tokens(text)
	}
}
