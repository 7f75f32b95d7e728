package appeal

import (
	"strings"
	"unicode/utf8"

	"github.com/okno/okno/rutext"
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
// letter nor a digit breaks words, stop words (rutext's and the politeness
// every appeal starts with) and one-letter words are dropped, and Russian
// words are reduced to their stems (rutext.Stem) so that "ямы", "ямой" and
// "яма" are one token. Numbers are kept: a house number tells two reports
// apart.
func Tokens(text string) []string {
	if len(text) > maxTokenText {
		text = text[:maxTokenText] // a rune cut in half decodes as U+FFFD: a word break
	}
	var out []string
	for _, w := range rutext.Words(text) {
		if utf8.RuneCountInString(w) < 2 || rutext.IsStop(w) || politeWords[w] {
			continue
		}
		out = append(out, rutext.Stem(w))
	}
	return out
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

// politeWords are words too common in appeals to tell two apart beyond
// rutext's function words: the politeness every appeal starts with.
var politeWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("просим прошу пожалуйста здравствуйте добрый день уважаемые уважаемый спасибо заранее") {
		m[w] = true
	}
	return m
}()
