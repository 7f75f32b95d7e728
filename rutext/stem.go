package rutext

// The Russian stemmer: the Snowball algorithm's steps (Porter-style
// suffix stripping within the word's RV and R2 regions), written here so
// that no dependency is needed. ё is folded to е before it runs.

// Stem returns the stem of a normalised word (lower case, ё folded to е,
// as Words returns it). Words that are not entirely Cyrillic (numbers,
// "5а", Latin words) come back unchanged, and so does a word whose stem
// would be shorter than two letters.
func Stem(word string) string {
	var buf [64]rune
	w := buf[:0]
	for _, r := range word {
		if r < 'а' || r > 'я' {
			return word
		}
		w = append(w, r)
	}
	st := stem(w)
	if len(st) < 2 || len(st) == len(w) {
		return word
	}
	return string(st)
}

// Suffix groups of the Snowball Russian stemmer. "After а/я" groups match
// only when the letter before the suffix is а or я (which stays).
var (
	gerundAfterA = runes("вшись", "вши", "в")
	gerund       = runes("ившись", "ывшись", "ивши", "ывши", "ив", "ыв")
	reflexive    = runes("ся", "сь")
	adjective    = runes("ими", "ыми", "его", "ого", "ему", "ому", "ее", "ие", "ые", "ое", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею")
	participleA  = runes("ем", "нн", "вш", "ющ", "щ")
	participle   = runes("ивш", "ывш", "ующ")
	verbAfterA   = runes("ете", "йте", "ешь", "нно", "ла", "на", "ли", "ем", "ло", "но", "ет", "ют", "ны", "ть", "й", "л", "н")
	verb         = runes("ейте", "уйте", "ила", "ыла", "ена", "ите", "или", "ыли", "ило", "ыло", "ено", "ует", "уют", "ены", "ить", "ыть", "ишь", "ей", "уй", "ил", "ыл", "им", "ым", "ен", "ят", "ит", "ыт", "ую", "ю")
	noun         = runes("иями", "ями", "ами", "ией", "иям", "ием", "иях", "ев", "ов", "ие", "ье", "еи", "ии", "ей", "ой", "ий", "ям", "ем", "ам", "ом", "ах", "ях", "ию", "ью", "ия", "ья", "а", "е", "и", "й", "о", "у", "ы", "ь", "ю", "я")
	superlative  = runes("ейше", "ейш")
	derivational = runes("ость", "ост")
	suffixNN     = []rune("нн")
)

// runes converts a suffix group once, so that matching never decodes.
func runes(group ...string) [][]rune {
	out := make([][]rune, len(group))
	for i, s := range group {
		out[i] = []rune(s)
	}
	return out
}

func isVowel(r rune) bool {
	switch r {
	case 'а', 'е', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я':
		return true
	}
	return false
}

// stem returns the stem of a lower-case Cyrillic word (a prefix of w).
func stem(w []rune) []rune {
	// RV: after the first vowel. R1: after the first non-vowel that
	// follows a vowel; R2: the same within R1.
	rv := len(w)
	for i, r := range w {
		if isVowel(r) {
			rv = i + 1
			break
		}
	}
	r1 := region(w, 0)
	r2 := region(w, r1)
	word := w

	// Step 1.
	if n, ok := strip(word, rv, gerundAfterA, true); ok {
		word = word[:n]
	} else if n, ok := strip(word, rv, gerund, false); ok {
		word = word[:n]
	} else {
		if n, ok := strip(word, rv, reflexive, false); ok {
			word = word[:n]
		}
		if n, ok := strip(word, rv, adjective, false); ok {
			word = word[:n]
			if n, ok := strip(word, rv, participleA, true); ok {
				word = word[:n]
			} else if n, ok := strip(word, rv, participle, false); ok {
				word = word[:n]
			}
		} else if n, ok := strip(word, rv, verbAfterA, true); ok {
			word = word[:n]
		} else if n, ok := strip(word, rv, verb, false); ok {
			word = word[:n]
		} else if n, ok := strip(word, rv, noun, false); ok {
			word = word[:n]
		}
	}
	// Step 2.
	if len(word) > rv && word[len(word)-1] == 'и' {
		word = word[:len(word)-1]
	}
	// Step 3.
	if n, ok := strip(word, max(r2, rv), derivational, false); ok {
		word = word[:n]
	}
	// Step 4.
	switch {
	case hasSuffix(word, rv, suffixNN):
		word = word[:len(word)-1]
	default:
		if n, ok := strip(word, rv, superlative, false); ok {
			word = word[:n]
			if hasSuffix(word, rv, suffixNN) {
				word = word[:len(word)-1]
			}
		} else if len(word) > rv && word[len(word)-1] == 'ь' {
			word = word[:len(word)-1]
		}
	}
	return word
}

// region returns where the region after from starts: after the first
// non-vowel following a vowel.
func region(w []rune, from int) int {
	for i := from + 1; i < len(w); i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			return i + 1
		}
	}
	return len(w)
}

// strip finds the longest suffix of group that lies within w[start:] (and,
// with afterA, follows а or я) and returns the length of w without it.
func strip(w []rune, start int, group [][]rune, afterA bool) (int, bool) {
	best := -1
	for _, suf := range group {
		if !hasSuffix(w, start, suf) {
			continue
		}
		n := len(w) - len(suf)
		if afterA && (n-1 < start || (w[n-1] != 'а' && w[n-1] != 'я')) {
			continue
		}
		if best < 0 || n < best {
			best = n
		}
	}
	return best, best >= 0
}

// hasSuffix reports whether w ends with suf lying entirely within w[start:].
func hasSuffix(w []rune, start int, suf []rune) bool {
	n := len(w) - len(suf)
	if n < start || n < 0 {
		return false
	}
	for i, r := range suf {
		if w[n+i] != r {
			return false
		}
	}
	return true
}
