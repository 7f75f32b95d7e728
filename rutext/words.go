package rutext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words splits text into words: HTML tags and character entities go,
// letters are lower-cased with ё folded to е, and anything that is neither
// a letter nor a digit breaks words. Stop words and one-letter words are
// kept: the caller decides (see Tokens). The caller bounds the text's size.
func Words(text string) []string {
	var out []string
	eachWord(text, func(w string) { out = append(out, w) })
	return out
}

// Normalize returns text's words (as Words splits them) joined by single
// spaces: the form two texts are compared in.
func Normalize(text string) string {
	var b strings.Builder
	eachWord(text, func(w string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	})
	return b.String()
}

// Tokens returns text's words without stop words and one-letter words,
// each reduced to its stem: "ямы", "ямой" and "яма" are one token.
// Numbers are kept: a house number tells two texts apart.
func Tokens(text string) []string {
	var out []string
	eachWord(text, func(w string) {
		if utf8.RuneCountInString(w) < 2 || IsStop(w) {
			return
		}
		out = append(out, Stem(w))
	})
	return out
}

// eachWord calls fn with each normalised word of text in order.
func eachWord(text string, fn func(string)) {
	word := make([]byte, 0, 64)
	flush := func() {
		if len(word) > 0 {
			fn(string(word))
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
			word = utf8.AppendRune(word, 'е')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word = utf8.AppendRune(word, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
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

// IsStop reports whether a normalised word (lower case, ё folded) is a
// Russian or English function word that tells two texts apart no better
// than chance.
func IsStop(word string) bool {
	return stopWords[word]
}

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
		the a an and or of to in on at is are for with`) {
		m[strings.ReplaceAll(w, "ё", "е")] = true
	}
	return m
}()
