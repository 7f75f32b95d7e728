package rusearch

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/okno/okno/rutext"
)

// Synonyms is a dictionary of phrases that mean the same thing to someone
// searching: abbreviations ("ип"), everyday words ("права", "загранник")
// and the official names they stand for. It is data: the catalogue may
// load its own; DefaultSynonyms is a small Russian one.
type Synonyms struct {
	// rules maps a phrase's stems, joined by spaces, to the phrases (as
	// stems) a query saying it also looks for.
	rules map[string][][]string
	// maxWords is the longest phrase that has rules, in words.
	maxWords int
}

// Limits on a dictionary: it is loaded at start-up, but a wrong file
// should fail clearly rather than use the memory up.
const (
	maxSynonymRules  = 10000
	maxSynonymPhrase = 6 // words in a phrase
)

//go:embed synonyms.txt
var defaultSynonyms string

// DefaultSynonyms returns the shipped Russian dictionary (synonyms.txt).
func DefaultSynonyms() *Synonyms {
	s, err := ParseSynonyms(defaultSynonyms)
	if err != nil {
		panic("rusearch: the shipped synonyms.txt is wrong: " + err.Error())
	}
	return s
}

// ParseSynonyms reads a dictionary, one rule a line; blank lines and lines
// starting with "#" are skipped. "a, b => c, d" makes a query saying a or b
// also look for c and d (one way); "a, b, c" makes the phrases equivalent
// (each looks for the others). Phrases are normalised and stemmed as the
// documents are, so "Загранник" and "загранника" are one key, and stop
// words drop out.
func ParseSynonyms(text string) (*Synonyms, error) {
	s := &Synonyms{rules: map[string][][]string{}}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if n >= maxSynonymRules {
			return nil, fmt.Errorf("rusearch: synonyms: more than %d lines", maxSynonymRules)
		}
		from, to, oneWay := strings.Cut(line, "=>")
		left, err := phrases(from)
		if err != nil {
			return nil, fmt.Errorf("rusearch: synonyms line %d: %w", n+1, err)
		}
		if !oneWay {
			if len(left) < 2 {
				return nil, fmt.Errorf("rusearch: synonyms line %d: a group needs two phrases or \"=>\"", n+1)
			}
			for _, a := range left {
				for _, b := range left {
					if a.key != b.key {
						s.add(a, b.stems)
					}
				}
			}
			continue
		}
		right, err := phrases(to)
		if err != nil {
			return nil, fmt.Errorf("rusearch: synonyms line %d: %w", n+1, err)
		}
		for _, a := range left {
			for _, b := range right {
				if a.key != b.key {
					s.add(a, b.stems)
				}
			}
		}
	}
	return s, nil
}

type phrase struct {
	key   string
	stems []string
}

// phrases splits a comma-separated list of phrases into their stems.
func phrases(list string) ([]phrase, error) {
	var out []phrase
	for _, p := range strings.Split(list, ",") {
		stems := rutext.Tokens(p)
		if len(stems) == 0 {
			return nil, fmt.Errorf("empty phrase %q", strings.TrimSpace(p))
		}
		if len(stems) > maxSynonymPhrase {
			return nil, fmt.Errorf("phrase %q is longer than %d words", strings.TrimSpace(p), maxSynonymPhrase)
		}
		out = append(out, phrase{key: strings.Join(stems, " "), stems: stems})
	}
	return out, nil
}

func (s *Synonyms) add(from phrase, to []string) {
	for _, have := range s.rules[from.key] {
		if strings.Join(have, " ") == strings.Join(to, " ") {
			return
		}
	}
	s.rules[from.key] = append(s.rules[from.key], to)
	s.maxWords = max(s.maxWords, len(from.stems))
}

// lookup returns what the phrase of stems also means, or nil.
func (s *Synonyms) lookup(stems []string) [][]string {
	if s == nil || len(s.rules) == 0 {
		return nil
	}
	return s.rules[strings.Join(stems, " ")]
}
