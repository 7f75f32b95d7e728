package instant

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
)

// Reading form data. Rules read the fields they need by a few names each
// (a form may nest them one level, in an object such as "vehicle"), so a
// declaration's author may name fields naturally; each rule's doc comment
// lists the names it reads.

// maxKey bounds a registry key a citizen types.
const maxKey = 64

// field returns the first non-empty string value among names, at the top
// of data or one object deep, with its JSON pointer.
func field(data map[string]any, names ...string) (ptr, value string) {
	for _, n := range names {
		if s, ok := data[n].(string); ok && strings.TrimSpace(s) != "" {
			return "/" + n, strings.TrimSpace(s)
		}
	}
	for _, k := range sortedKeys(data) {
		obj, ok := data[k].(map[string]any)
		if !ok {
			continue
		}
		for _, n := range names {
			if s, ok := obj[n].(string); ok && strings.TrimSpace(s) != "" {
				return "/" + k + "/" + n, strings.TrimSpace(s)
			}
		}
	}
	return "/" + names[0], ""
}

// document returns a document's number as one key: a whole field among
// names (see field), or a series and a number typed apart, in fields
// <prefix>Series and <prefix>Number side by side (at the top of data or one
// object deep; prefix "" is "series" and "number").
func document(data map[string]any, names, prefixes []string) (ptr, key string) {
	if ptr, key = field(data, names...); key != "" {
		return ptr, key
	}
	pair := func(obj map[string]any, base string) (string, string, bool) {
		for _, p := range prefixes {
			sn, nn := p+"Series", p+"Number"
			if p == "" {
				sn, nn = "series", "number"
			}
			series, _ := obj[sn].(string)
			number, _ := obj[nn].(string)
			if strings.TrimSpace(series+number) != "" {
				return base + "/" + sn, strings.TrimSpace(series) + strings.TrimSpace(number), true
			}
		}
		return "", "", false
	}
	if ptr, key, ok := pair(data, ""); ok {
		return ptr, key
	}
	for _, k := range sortedKeys(data) {
		if obj, ok := data[k].(map[string]any); ok {
			if ptr, key, ok := pair(obj, "/"+k); ok {
				return ptr, key
			}
		}
	}
	return ptr, ""
}

// sortedKeys gives an object's keys in order, so reading a form does not
// depend on map order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// number reads a number a form holds as a JSON number or as text typed
// with a decimal comma ("123,45").
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		s := strings.ReplaceAll(strings.TrimSpace(x), ",", ".")
		s = strings.ReplaceAll(s, " ", "")
		if s == "" || len(s) > 32 {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return 0, false
}

// latinToCyrillic maps the Latin letters that look like Cyrillic ones, as
// people type a vehicle certificate's series on a Latin keyboard.
var latinToCyrillic = map[rune]rune{'A': 'А', 'B': 'В', 'E': 'Е', 'K': 'К', 'M': 'М', 'H': 'Н', 'O': 'О',
	'P': 'Р', 'C': 'С', 'T': 'Т', 'Y': 'У', 'X': 'Х'}

// NormalizeKey is how registry keys (document numbers, accounts) are
// compared: upper case, Latin look-alikes as Cyrillic letters, without
// spaces, dashes, dots or the № sign. Registries index their keys the
// same way.
func NormalizeKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '.' || r == '№' || r == '_' || r == '/':
			continue
		case latinToCyrillic[r] != 0:
			b.WriteRune(latinToCyrillic[r])
		case r == 'Ё':
			b.WriteRune('Е')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// digits keeps the digits of s.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// keyProblem checks a key a citizen typed: its length after
// normalisation. The declaration checks formats; this only keeps garbage
// away from registries.
func keyProblem(fe *okno.FieldErrors, ptr, key string, min, max int) {
	if n := len([]rune(key)); n < min || n > max || n > maxKey {
		fe.Add(ptr, "instant.key_format")
	}
}

// plain is a text that reads the same in every language.
func plain(s string) Text { return Text{"ru": s} }

// both is a text in Russian and English.
func both(ru, en string) Text { return Text{"ru": ru, "en": en} }

// rub formats kopecks as roubles: "1 500,00 ₽", "1,500.00 ₽".
func rub(kopecks int64) Text {
	neg := kopecks < 0
	if neg {
		kopecks = -kopecks
	}
	whole, cents := strconv.FormatInt(kopecks/100, 10), kopecks%100
	group := func(sep string) string {
		var b strings.Builder
		for i, r := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteString(sep)
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	sign := ""
	if neg {
		sign = "−"
	}
	c := strconv.FormatInt(cents+100, 10)[1:]
	return Text{"ru": sign + group("\u00a0") + "," + c + "\u00a0₽", "en": sign + group(",") + "." + c + "\u00a0₽"}
}

// date formats a day in the region's time zone.
func (s *Service) date(t time.Time) Text {
	return plain(t.In(s.d.Location).Format("02.01.2006"))
}

// dateTime formats a moment in the region's time zone.
func (s *Service) dateTime(t time.Time) Text {
	return plain(t.In(s.d.Location).Format("02.01.2006 15:04"))
}

// daysText says "N days" in both languages.
func daysText(n int) Text {
	ru := map[i18n.Form]string{i18n.One: "день", i18n.Few: "дня"}[i18n.PluralForm(i18n.Russian, n)]
	if ru == "" {
		ru = "дней"
	}
	en := "days"
	if n == 1 {
		en = "day"
	}
	return Text{"ru": strconv.Itoa(n) + " " + ru, "en": strconv.Itoa(n) + " " + en}
}

// day is the date of t in loc at midnight, for counting whole days.
func day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// daysBetween counts calendar days from a's date to b's in loc.
func daysBetween(a, b time.Time, loc *time.Location) int {
	return int(math.Round(day(b, loc).Sub(day(a, loc)).Hours() / 24))
}

func itoa(n int) string { return strconv.Itoa(n) }
