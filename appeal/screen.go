package appeal

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno/ruid"
)

// Screening looks at an appeal's text before a moderator does and flags
// what they must check: obscene words, other people's personal data, and
// the marks of spam (links, shouting, repeated characters). It decides
// nothing: the moderator publishes or rejects. It is pure; the "same text
// again from the same author" check needs the database and lives in
// Submit.

// The kinds of flag.
const (
	FlagObscenity    = "obscenity"
	FlagPersonalData = "personal_data"
	FlagSpam         = "spam"
	FlagLink         = "link"
	FlagCaps         = "caps"
	FlagRepeated     = "repeated"
	FlagCategory     = "category"
)

// Screen returns what screening finds in text, in a stable order: at most
// one flag of each kind. Flags never carry personal data: a personal-data
// flag names the kinds found (phone, email, snils, inn, passport), not the
// values.
func Screen(text string) []Flag {
	var flags []Flag
	if words := obsceneWords(text); len(words) > 0 {
		flags = append(flags, Flag{Kind: FlagObscenity, Args: words})
	}
	if kinds := personalKinds(text); len(kinds) > 0 {
		flags = append(flags, Flag{Kind: FlagPersonalData, Args: kinds})
	}
	// An e-mail address is personal data, not a link: its domain must not
	// count twice.
	if linkRE.MatchString(emailRE.ReplaceAllString(text, " ")) {
		flags = append(flags, Flag{Kind: FlagLink})
	}
	if shouting(text) {
		flags = append(flags, Flag{Kind: FlagCaps})
	}
	if repeated(text) {
		flags = append(flags, Flag{Kind: FlagRepeated})
	}
	return flags
}

// Obscenity. Russian obscene vocabulary (мат) is built on a few roots that
// take prefixes and endings freely; the same letters also occur inside
// innocent words ("хлеб", "употреблять", "оскорблять", "страхуйте",
// "команда", "мандат", "бляха", "мудрый", "Херсон"). So each word is matched
// whole against patterns that anchor the root at the word's start or after
// one of the prefixes it really takes, never as a bare substring.
var obscenePatterns = func() []*regexp.Regexp {
	const prefix = `(?:на|по|за|от|отъ|оть|до|вы|у|о|об|объ|обь|при|про|пере|под|подъ|раз|разъ|рас|из|изъ|съ|сь|вз|взъ|недо|долбо|ни|не|наи)?`
	var res []*regexp.Regexp
	for _, p := range []string{
		`^` + prefix + `ху[йяеиюё]`,
		`пизд`,
		`^` + prefix + `[её]б`,
		`^бля$`, `^бля[дт]`,
		`^муд(?:ак|ач|ил|озвон|ень|оеб|охал)`,
		`^пид(?:о|а|е)?р`,
		`^залуп`,
		`^манд(?:а|ы|е|у|ой|ища)$`, `^мандавош`,
		`^шлюх`,
		`^(?:сука|суки|сукой|суке|сукам|суками)$`, `^сукин`, `^сучар`,
		`^г[ао]ндон`,
		`^` + `(?:на|по|ни)?` + `хер(?:а|ня|ни|ню|ней|ов|ом|ово|овый|ов[аоы]|ас)?$`,
		`^херн`,
	} {
		res = append(res, regexp.MustCompile(p))
	}
	return res
}()

// lookalikes are Latin letters typed in place of Cyrillic ones to slip a
// word past a filter ("xуй", "бляtь" is out of reach, but "xyй" is not).
var lookalikes = strings.NewReplacer("a", "а", "c", "с", "e", "е", "k", "к", "o", "о", "p", "р", "x", "х", "y", "у",
	"ё", "е", "3", "з", "0", "о", "6", "б")

// obsceneWords returns the obscene words of text, lower-cased, at most
// five, each once.
func obsceneWords(text string) []string {
	var found []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !hasCyrillic(w) {
			continue
		}
		norm := lookalikes.Replace(w)
		for _, re := range obscenePatterns {
			if re.MatchString(norm) {
				if !slices.Contains(found, w) {
					found = append(found, w)
				}
				break
			}
		}
		if len(found) == 5 {
			break
		}
	}
	return found
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// Personal data. Each pattern finds a candidate; the ruid validator
// decides (a СНИЛС must pass its checksum, a phone must be a real +7
// number), so a bus route or a cadastral number is not flagged.
var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	phoneRE = regexp.MustCompile(`(?:\+7|\b[78])[\s\-]*\(?\d{3}\)?[\s\-]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}\b|\b9\d{2}[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}\b`)
	snilsRE = regexp.MustCompile(`\b\d{3}[\s\-]?\d{3}[\s\-]?\d{3}[\s\-]?\d{2}\b`)
	innRE   = regexp.MustCompile(`\b\d{12}\b`)
	// A passport number is ten digits, too much like other numbers on its
	// own: it counts written as "45 06 123456" or after the word.
	passportRE = regexp.MustCompile(`(?i)(?:паспорт\S*|серия)\D{0,20}(\d{2}\s?\d{2})\D{0,10}(\d{6})\b|\b\d{2} \d{2} \d{6}\b`)
)

// piSpan is one piece of personal data found in a text.
type piSpan struct {
	start, end int
	kind       string
	mask       string
}

// personalSpans finds personal data in text, in order, not overlapping.
func personalSpans(text string) []piSpan {
	var spans []piSpan
	taken := func(a, b int) bool {
		for _, s := range spans {
			if a < s.end && b > s.start {
				return true
			}
		}
		return false
	}
	add := func(re *regexp.Regexp, kind string, check func(string) (string, bool)) {
		for _, m := range re.FindAllStringIndex(text, 20) {
			if taken(m[0], m[1]) {
				continue
			}
			if mask, ok := check(text[m[0]:m[1]]); ok {
				spans = append(spans, piSpan{m[0], m[1], kind, mask})
			}
		}
	}
	add(emailRE, "email", func(s string) (string, bool) {
		e, err := ruid.Email(s)
		return ruid.MaskEmail(e), err == nil
	})
	add(phoneRE, "phone", func(s string) (string, bool) {
		p, err := ruid.Phone(s)
		return ruid.MaskPhone(p), err == nil
	})
	add(passportRE, "passport", func(s string) (string, bool) {
		d := digits(s)
		if len(d) != 10 {
			return "", false
		}
		p, err := ruid.Passport(d)
		// The word before the number stays: only the number is masked.
		return s[:strings.IndexAny(s, "0123456789")] + ruid.MaskPassport(p), err == nil
	})
	add(snilsRE, "snils", func(s string) (string, bool) {
		d, err := ruid.SNILS(s)
		return ruid.MaskSNILS(d), err == nil
	})
	add(innRE, "inn", func(s string) (string, bool) {
		_, err := ruid.PersonINN(s)
		return strings.Repeat("*", len(s)), err == nil
	})
	slices.SortFunc(spans, func(a, b piSpan) int { return a.start - b.start })
	return spans
}

func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// personalKinds lists the kinds of personal data in text, each once.
func personalKinds(text string) []string {
	var kinds []string
	for _, s := range personalSpans(text) {
		if !slices.Contains(kinds, s.kind) {
			kinds = append(kinds, s.kind)
		}
	}
	return kinds
}

// MaskPersonal returns text with phone numbers, e-mail addresses and
// identity numbers masked ("+7 *** ***-**-67", "i***@mail.ru"), for the
// public text of an appeal. Everything else is kept as written.
func MaskPersonal(text string) string {
	spans := personalSpans(text)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, s := range spans {
		b.WriteString(text[last:s.start])
		b.WriteString(s.mask)
		last = s.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// Spam marks.
var linkRE = regexp.MustCompile(`(?i)https?://|\bwww\.|\b[a-z0-9\-]{2,}\.(?:ru|com|net|org|info|su|xyz|top|online|site|shop|biz|io|me|pro|club)\b|\S+\.рф(?:$|[^\p{L}])|t\.me/`)

// shouting reports whether a text of some length is written mostly in
// capitals.
func shouting(text string) bool {
	letters, upper := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters >= 20 && upper*10 >= letters*7
}

// repeated reports whether text repeats a character (not a digit or a
// space) more than six times in a row, or one word five times running.
func repeated(text string) bool {
	var prev rune
	run := 0
	for _, r := range text {
		if r == prev && !unicode.IsSpace(r) && !unicode.IsDigit(r) {
			run++
			if run >= 7 {
				return true
			}
		} else {
			prev, run = r, 1
		}
	}
	words := strings.Fields(strings.ToLower(text))
	same := 1
	for i := 1; i < len(words); i++ {
		if words[i] == words[i-1] && utf8.RuneCountInString(words[i]) > 1 {
			same++
			if same >= 5 {
				return true
			}
		} else {
			same = 1
		}
	}
	return false
}
