package rutext

import "strings"

// The Russian ЙЦУКЕН and the Latin QWERTY layouts share keys: text typed
// with the wrong layout switched on ("gjcj,bt" for "пособие") is the
// right text with every key read in the other layout.

const (
	latinKeys    = "`qwertyuiop[]asdfghjkl;'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>"
	cyrillicKeys = "ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ"
)

var latinToCyrillic, cyrillicToLatin = func() (*strings.Replacer, *strings.Replacer) {
	lat, cyr := []rune(latinKeys), []rune(cyrillicKeys)
	if len(lat) != len(cyr) {
		panic("rutext: keyboard layouts differ in length")
	}
	var l2c, c2l []string
	for i := range lat {
		l2c = append(l2c, string(lat[i]), string(cyr[i]))
		c2l = append(c2l, string(cyr[i]), string(lat[i]))
	}
	return strings.NewReplacer(l2c...), strings.NewReplacer(c2l...)
}()

// FromLatinLayout reads s as typed on a QWERTY keyboard when the Russian
// layout was meant: "gjcj,bt" becomes "пособие". Keys that are the same in
// both layouts (digits, spaces) stay.
func FromLatinLayout(s string) string { return latinToCyrillic.Replace(s) }

// ToLatinLayout reads s as typed on a ЙЦУКЕН keyboard when the Latin
// layout was meant: "пщщпду" becomes "google".
func ToLatinLayout(s string) string { return cyrillicToLatin.Replace(s) }
