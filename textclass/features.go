package textclass

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// MaxTextBytes bounds the text looked at for one prediction or training
// example: appeals are limited to 4,000 characters, so anything past 16 KiB
// is noise that would only cost time.
const MaxTextBytes = 16 << 10

// normalize lowercases the text, folds ё to е and turns everything that is
// not a letter into a word break, so that "Ёлка!!!", "елка" and "ЕЛКА 12"
// produce the same words. Digits go too: house numbers and dates say little
// about the category and would only spread the hash table thin.
func normalize(text string) []string {
	if len(text) > MaxTextBytes {
		// A rune cut in half becomes U+FFFD, which is not a letter: a word break.
		text = text[:MaxTextBytes]
	}
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range text {
		switch {
		case r == 'ё' || r == 'Ё':
			b.WriteRune('е')
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return words
}

// Feature kinds are mixed into the hash so that the word "мусор" and the
// character trigram "мус" never land in the same bucket by construction.
const (
	kindWord   = 0x9e3779b97f4a7c15
	kindBigram = 0xc2b2ae3d27d4eb4f
	kindChar   = 0x165667b19e3779f9
	kindStem   = 0x27d4eb2f165667c5
	kindStem2  = 0x85ebca77c2b2ae63
)

// fnv folds s into h with FNV-1a, 64 bits.
func fnv(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return h
}

// mix finalises a hash (the splitmix64 finaliser) so that the low bits used
// as the bucket are well spread.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

const fnvOffset = 0xcbf29ce484222325

// featurizer turns a text into a sparse vector of hashed feature counts.
// It keeps scratch buffers, so one featurizer serves one goroutine.
type featurizer struct {
	features
	mask   uint32
	counts map[uint32]float32
	runes  []rune
}

// features say which features a model uses; they are saved with it.
type features struct {
	bits, minN, maxN int
	stem             int // length of the word prefixes used as stems; 0: none
}

func newFeaturizer(fs features) *featurizer {
	return &featurizer{features: fs, mask: 1<<fs.bits - 1, counts: make(map[uint32]float32, 256)}
}

// sparse is a feature vector: bucket indices, sorted, with their values.
type sparse struct {
	idx []uint32
	val []float32
}

// count fills f.counts with raw term counts of the text's features: word
// unigrams and bigrams, the same of the words' stems (their first f.stem
// letters: a crude stemmer that makes "трубы", "трубой" and "трубах" one
// feature), and character n-grams of each word padded with spaces (so
// prefixes and suffixes, the Russian endings, are features too).
func (f *featurizer) count(text string) {
	clear(f.counts)
	words := normalize(text)
	prev := ""
	prevStem := ""
	for _, w := range words {
		if f.stem > 0 {
			st := prefix(w, f.stem)
			f.counts[uint32(mix(fnv(fnv(fnvOffset, st), "")^kindStem))&f.mask]++
			if prevStem != "" {
				f.counts[uint32(mix(fnv(fnv(fnv(fnvOffset, prevStem), " "), st)^kindStem2))&f.mask]++
			}
			prevStem = st
		}
		f.counts[uint32(mix(fnv(fnv(fnvOffset, w), "")^kindWord))&f.mask]++
		if prev != "" {
			f.counts[uint32(mix(fnv(fnv(fnv(fnvOffset, prev), " "), w)^kindBigram))&f.mask]++
		}
		prev = w
		f.runes = append(f.runes[:0], ' ')
		f.runes = append(f.runes, []rune(w)...)
		f.runes = append(f.runes, ' ')
		for n := f.minN; n <= f.maxN; n++ {
			for i := 0; i+n <= len(f.runes); i++ {
				h := uint64(fnvOffset)
				for _, r := range f.runes[i : i+n] {
					h ^= uint64(r)
					h *= 0x100000001b3
				}
				f.counts[uint32(mix(h^kindChar^uint64(n)))&f.mask]++
			}
		}
	}
}

// vector returns the text's TF-IDF vector: sublinear term frequency
// (1 + ln tf) times the inverse document frequency, normalised to unit
// length. A nil idf means raw sublinear tf (used while counting documents).
func (f *featurizer) vector(text string, idf []float32) sparse {
	f.count(text)
	v := sparse{idx: make([]uint32, 0, len(f.counts)), val: make([]float32, 0, len(f.counts))}
	for k := range f.counts {
		v.idx = append(v.idx, k)
	}
	slices.Sort(v.idx)
	var norm float64
	for _, k := range v.idx {
		x := 1 + float32(math.Log(float64(f.counts[k])))
		if idf != nil {
			x *= idf[k]
		}
		v.val = append(v.val, x)
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range v.val {
			v.val[i] *= inv
		}
	}
	return v
}

// prefix is the first n letters of w.
func prefix(w string, n int) string {
	for i := range w {
		if n == 0 {
			return w[:i]
		}
		n--
	}
	return w
}
