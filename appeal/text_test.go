package appeal_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno/appeal"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"Во дворе у детской площадки куча мусора", []string{"двор", "детск", "площадк", "куч", "мусор"}},
		{"ЯМЫ, ямой; яма!!! ямах", []string{"ям", "ям", "ям", "ям"}},
		{"Дороги разбиты, асфальтирование не проводилось годами", []string{"дорог", "разбит", "асфальтирован", "провод", "год"}},
		{"отопление отопления отоплением", []string{"отоплен", "отоплен", "отоплен"}},
		{"Протекает крыша, течёт вода", []string{"протека", "крыш", "течет", "вод"}},
		{"Управляющая компания бездействует", []string{"управля", "компан", "бездейств"}},
		{"красивейший", []string{"красив"}},
		{"<p>Мусор&nbsp;не&amp;вывозят</p><script>x()</script>", []string{"мусор", "вывоз"}},
		{"Ёлка у дома 5а, кв. 12", []string{"елк", "дом", "5а", "кв", "12"}},
		{"Здравствуйте! Прошу, пожалуйста, убрать снег", []string{"убра", "снег"}},
		{"глубина < 20 см, ширина > 50 см", []string{"глубин", "20", "см", "ширин", "50", "см"}},
		{"street lights broken", []string{"street", "lights", "broken"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, appeal.Tokens(tt.text)); diff != "" {
			t.Errorf("Tokens(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestTokensBounded(t *testing.T) {
	long := strings.Repeat("мусор ", 100000)
	if n := len(appeal.Tokens(long)); n > 3000 {
		t.Errorf("%d tokens from a huge text: the input is not bounded", n)
	}
}

func TestSimilarity(t *testing.T) {
	tok := appeal.Tokens
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"Яма на дороге у дома 5", "Яма на дороге у дома 5", 1, 1},
		{"Яма на дороге у дома 5", "", 0, 0},
		{"Яма на дороге у дома 5", "Ямы на дорогах у дома 5", 1, 1},
		{"Во дворе у детской площадки куча мусора", "Во дворе у площадки куча мусора и пакеты", 0.4, 0.6},
		{"не горит фонарь у дома", "у дома горит фонарь", 0.3, 0.7},
		{"Яма на дороге", "В квартире холодно, батареи еле тёплые", 0, 0},
	}
	for _, tt := range tests {
		got := appeal.Similarity(tok(tt.a), tok(tt.b))
		if got < tt.min || got > tt.max {
			t.Errorf("Similarity(%q, %q) = %.3f, want within [%.2f, %.2f]", tt.a, tt.b, got, tt.min, tt.max)
		}
		if back := appeal.Similarity(tok(tt.b), tok(tt.a)); back != got {
			t.Errorf("Similarity is not symmetric: %.3f and %.3f", got, back)
		}
	}
}
