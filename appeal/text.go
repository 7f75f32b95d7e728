package appeal

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text normalisation shared by the nearby-duplicates search (Nearby) and
// analytics (MinHash over the same tokens). Keep it stable: changing what
// Tokens returns changes which appeals count as duplicates and makes stored
// signatures stale.

// maxTokenText bounds the bytes Tokens looks at: appeals are at most 4,000
// characters (8 KiB of Cyrillic); anything beyond is not an appeal's text.
const maxTokenText = 16 << 10

// Tokens splits text into normalised words: HTML tags and entities go,
// letters are lower-cased with ё folded to е, anything that is neither a
// letter nor a digit breaks words, stop words and one-letter words are
// dropped, and Russian words are reduced to their stems (a Snowball-style
// suffix stripper) so that "ямы", "ямой" and "яма" are one token. Numbers
// are kept: a house number tells two reports apart.
func Tokens(text string) []string {
	if len(text) > maxTokenText {
		text = text[:maxTokenText] // a rune cut in half decodes as U+FFFD: a word break
	}
	var out []string
	word := make([]rune, 0, 32)
	flush := func() {
		if len(word) > 0 {
			if t, ok := token(word); ok {
				out = append(out, t)
			}
			word = word[:0]
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '<':
			// A tag: skip to its end. A lone "<" (a "less than") is a break.
			if j := strings.IndexByte(text[i:], '>'); j > 0 && isTagStart(text[i+1:]) {
				flush()
				i += j + 1
				continue
			}
		case c == '&':
			// An entity (&amp; &#1071; &nbsp;) is a word break.
			if j := strings.IndexByte(text[i:], ';'); j > 1 && j <= 10 && isEntity(text[i+1:i+j]) {
				flush()
				i += j + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == 'ё' || r == 'Ё':
			word = append(word, 'е')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word = append(word, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// isTagStart reports whether s (what follows "<") starts a tag or a
// comment: a letter, "/" or "!".
func isTagStart(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c == '/' || c == '!' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isEntity reports whether s (between "&" and ";") names a character
// entity.
func isEntity(s string) bool {
	if s[0] == '#' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// token turns a lower-cased word into its token, or ok=false for a word
// that says nothing.
func token(w []rune) (string, bool) {
	if len(w) < 2 {
		return "", false
	}
	s := string(w)
	if stopWords[s] {
		return "", false
	}
	if !isCyrillic(w) {
		return s, true
	}
	st := stem(w)
	if len(st) < 2 {
		return s, true
	}
	return string(st), true
}

func isCyrillic(w []rune) bool {
	for _, r := range w {
		if r < 'а' || r > 'я' {
			return false
		}
	}
	return true
}

// Similarity is the Jaccard similarity of two token lists' shingles —
// their words and their pairs of neighbouring words together — from 0
// (nothing shared) to 1 (the same words in the same order). Words alone
// would call "не горит фонарь у дома" and "у дома горит фонарь, не
// выключается" alike; pairs reward the same phrasing.
func Similarity(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	sa, sb := shingles(a), shingles(b)
	inter := 0
	for k := range sa {
		if sb[k] {
			inter++
		}
	}
	union := len(sa) + len(sb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// shingles is the set of a token list's words and word pairs.
func shingles(ts []string) map[string]bool {
	m := make(map[string]bool, 2*len(ts))
	for i, t := range ts {
		m[t] = true
		if i > 0 {
			m[ts[i-1]+" "+t] = true
		}
	}
	return m
}

// stopWords are words too common in appeals to tell two apart: Russian
// function words and the politeness every appeal starts with.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только ее её мне было
		вот от меня еще ещё нет о об из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь опять
		уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без
		будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти
		мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше
		тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть
		том нельзя такой им более всегда конечно всю между это также который которые которая которое уже очень
		просим прошу пожалуйста здравствуйте добрый день уважаемые уважаемый спасибо заранее
		the a an and or of to in on at is are for with`) {
		m[strings.ReplaceAll(w, "ё", "е")] = true
	}
	return m
}()

// The Russian stemmer: the Snowball algorithm's steps (Porter-style
// suffix stripping within the word's RV and R2 regions), written here so
// that analytics and duplicates need no dependency. ё is folded to е
// before it runs.

// Suffix groups of the Snowball Russian stemmer. "After а/я" groups match
// only when the letter before the suffix is а or я (which stays).
var (
	gerundAfterA  = []string{"вшись", "вши", "в"}
	gerund        = []string{"ившись", "ывшись", "ивши", "ывши", "ив", "ыв"}
	reflexive     = []string{"ся", "сь"}
	adjective     = []string{"ими", "ыми", "его", "ого", "ему", "ому", "ее", "ие", "ые", "ое", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею"}
	participleA   = []string{"ем", "нн", "вш", "ющ", "щ"}
	participle    = []string{"ивш", "ывш", "ующ"}
	verbAfterA    = []string{"ете", "йте", "ешь", "нно", "ла", "на", "ли", "ем", "ло", "но", "ет", "ют", "ны", "ть", "й", "л", "н"}
	verb          = []string{"ейте", "уйте", "ила", "ыла", "ена", "ите", "или", "ыли", "ило", "ыло", "ено", "ует", "уют", "ены", "ить", "ыть", "ишь", "ей", "уй", "ил", "ыл", "им", "ым", "ен", "ят", "ит", "ыт", "ую", "ю"}
	noun          = []string{"иями", "ями", "ами", "ией", "иям", "ием", "иях", "ев", "ов", "ие", "ье", "еи", "ии", "ей", "ой", "ий", "ям", "ем", "ам", "ом", "ах", "ях", "ию", "ью", "ия", "ья", "а", "е", "и", "й", "о", "у", "ы", "ь", "ю", "я"}
	superlative   = []string{"ейше", "ейш"}
	derivational  = []string{"ость", "ост"}
	runeSuffixes  = map[string][]rune{}
	stemmerGroups = [][]string{gerundAfterA, gerund, reflexive, adjective, participleA, participle, verbAfterA, verb, noun, superlative, derivational}
)

func init() {
	for _, g := range stemmerGroups {
		for _, s := range g {
			runeSuffixes[s] = []rune(s)
		}
	}
}

func isVowel(r rune) bool {
	switch r {
	case 'а', 'е', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я':
		return true
	}
	return false
}

// stem returns the stem of a lower-case Cyrillic word.
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
	case hasSuffix(word, rv, []rune("нн")):
		word = word[:len(word)-1]
	default:
		if n, ok := strip(word, rv, superlative, false); ok {
			word = word[:n]
			if hasSuffix(word, rv, []rune("нн")) {
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
func strip(w []rune, start int, group []string, afterA bool) (int, bool) {
	best := -1
	for _, s := range group {
		suf := runeSuffixes[s]
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
