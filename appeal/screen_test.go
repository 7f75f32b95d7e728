package appeal_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno/appeal"
)

func TestScreenObscenity(t *testing.T) {
	// Each row: a text and whether screening must call it obscene. The
	// innocent rows are the traps a substring filter falls into.
	tests := []struct {
		text    string
		obscene bool
	}{
		{"Хватит это терпеть, нахуй такую управляющую компанию", true},
		{"Опять всё похуй этим дворникам", true},
		{"Пиздец какой-то с дорогами", true},
		{"Заебали уже с этой ямой", true},
		{"Ебаные коммунальщики", true},
		{"Бля, опять нет воды", true},
		{"Блядство, а не ремонт", true},
		{"Эти мудаки не убирают снег", true},
		{"Дворник-долбоеб опять не пришёл", true},
		{"Нихуя не сделано", true},
		{"Сука, третий месяц без света", true},
		{"Обманули, xуй вам а не ремонт", true}, // a Latin x in place of the Cyrillic one
		{"Прошу употреблять меры по уборке", false},
		{"Страхуйте свои машины, дорога опасная", false},
		{"Застрахуйте детскую площадку от вандалов", false},
		{"Оскорблять сотрудников не нужно, просто уберите мусор", false},
		{"Хлеб в магазине у дома просрочен, хлебный отдел грязный", false},
		{"Требую оскорбления прекратить, учеба детей страдает", false},
		{"Бригада сделала работу хуже, чем было", false},
		{"Хулиганы сломали скамейку, художник расписал стену", false},
		{"Команда дворников не приходила, мандат депутата истёк", false},
		{"На двери подъезда бляха с номером дома сорвана", false},
		{"Мудрый совет: почистите крышу от сосулек", false},
		{"Херсонская улица, дом 12: нет света", false},
		{"Сук дерева висит над дорогой, небо затянуто", false},
		{"Погребение листвы в погребе, колебание температуры", false},
		{"Ребенок упал на площадке, себе сломал руку", false},
		{"Употребление алкоголя во дворе, гребля на пруду", false},
		{"Выхухоль в пруду парка", false},
		{"Ебонитовая палочка", true}, // rare: obscene-looking words are flagged, the moderator decides
	}
	for _, tt := range tests {
		got := false
		for _, f := range appeal.Screen(tt.text) {
			if f.Kind == appeal.FlagObscenity {
				got = true
			}
		}
		if got != tt.obscene {
			t.Errorf("Screen(%q) obscene = %v, want %v", tt.text, got, tt.obscene)
		}
	}
}

func TestScreenPersonalDataAndSpam(t *testing.T) {
	tests := []struct {
		text string
		want []appeal.Flag
	}{
		{"Яма на дороге у дома 12 по улице Ленина, корпус 3", nil},
		{"Сосед из кв. 5, телефон +7 (916) 123-45-67, шумит", []appeal.Flag{{Kind: "personal_data", Args: []string{"phone"}}}},
		{"Пишите на ivan.petrov@mail.ru или звоните 89161234567", []appeal.Flag{{Kind: "personal_data", Args: []string{"email", "phone"}}}},
		{"Его СНИЛС 112-233-445 95 и ИНН 500100732259", []appeal.Flag{{Kind: "personal_data", Args: []string{"snils", "inn"}}}},
		{"СНИЛС с ошибкой 112-233-445 96 — не СНИЛС", nil},
		{"паспорт 45 06 123456 выдан", []appeal.Flag{{Kind: "personal_data", Args: []string{"passport"}}}},
		{"Автобус 1234567890 не ходит", nil},
		{"Подробнее на https://spam.example/buy", []appeal.Flag{{Kind: "link"}}},
		{"Заходите на дешевыеокна.рф", []appeal.Flag{{Kind: "link"}}},
		{"ПОЧЕМУ НИКТО НЕ УБИРАЕТ СНЕГ У НАШЕГО ДОМА", []appeal.Flag{{Kind: "caps"}}},
		{"У ДОМА ЯМА", nil}, // short: a heading, not shouting
		{"Помогите!!!!!!!!!! Нет воды", []appeal.Flag{{Kind: "repeated"}}},
		{"мусор мусор мусор мусор мусор", []appeal.Flag{{Kind: "repeated"}}},
		{"Телефон 2000000 и 100 метров", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, appeal.Screen(tt.text)); diff != "" {
			t.Errorf("Screen(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestMaskPersonal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Яма у дома 5", "Яма у дома 5"},
		{"Звоните +7 916 123-45-67 вечером", "Звоните +7 *** ***-**-67 вечером"},
		{"Почта ivan@mail.ru, тел. 8(916)1234567.", "Почта i***@mail.ru, тел. +7 *** ***-**-67."},
		{"СНИЛС 112-233-445 95", "СНИЛС ***-***-*** 95"},
		{"ИНН 500100732259", "ИНН ************"},
		{"паспорт 4506 123456", "паспорт 45 ** ****56"},
		{"<b>+79161234567</b>", "<b>+7 *** ***-**-67</b>"},
	}
	for _, tt := range tests {
		if got := appeal.MaskPersonal(tt.in); got != tt.want {
			t.Errorf("MaskPersonal(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
