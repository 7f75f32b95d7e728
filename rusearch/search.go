package rusearch

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno/rutext"
)

// Limits on a query: longer input is cut, never an error (a search box
// must answer); CheckQuery tells a caller that wants to refuse it.
const (
	MaxQueryBytes = 400 // about 200 Cyrillic letters
	MaxQueryWords = 10
	MaxLimit      = 100
	maxPrefix     = 30 // completions of a half-typed word
	maxFuzzy      = 20 // typo candidates of a word
)

// How much a match counts relative to the exact word: the word itself
// ranks over its synonyms, completions and typo readings.
const (
	factorExact    = 1.0
	factorSynonym  = 0.9
	factorPrefix   = 0.8
	factorTypo1    = 0.6
	factorTypo2    = 0.45
	proximityBonus = 0.3
)

// Hit is a found document.
type Hit struct {
	ID    string
	Score float64
	// Matched lists the index terms (stems, as rutext.Stem returns them)
	// that matched, for highlighting: a word of the document matches when
	// its stem is listed.
	Matched []string
}

// qword is one word of a query.
type qword struct {
	word    string // normalised
	stem    string
	partial bool // the last word, still being typed
}

// alt is one reading of a slot: terms to find, together, at a factor.
type alt struct {
	terms  []int32
	factor float32
}

// slot is one concept of the query (a word, or a phrase the dictionary
// knows) and the ways a document may match it.
type slot struct {
	alts  []alt
	words int // query words the slot stands for
}

// Search returns up to limit documents matching query, best first (limit
// outside 1..MaxLimit means 10 or MaxLimit). A document matches when it
// has a term of any of the query's words; the more words it has, the
// closer together and the rarer, the higher it ranks.
func (ix *Index) Search(query string, limit int) []Hit {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxLimit)
	words := ix.readQuery(query)
	if len(words) == 0 || len(ix.ids) == 0 {
		return nil
	}
	slots := ix.slots(words)
	return ix.rank(slots, limit)
}

// readQuery splits a query into words, choosing for each
// space-separated piece the keyboard layout under which its words are
// known to the index.
func (ix *Index) readQuery(query string) []qword {
	if len(query) > MaxQueryBytes {
		query = query[:MaxQueryBytes]
		for !utf8.ValidString(query) {
			query = query[:len(query)-1]
		}
	}
	partial := query != "" && !unicode.IsSpace(rune(query[len(query)-1]))
	pieces := strings.Fields(query)
	var out []qword
	for i, p := range pieces {
		last := partial && i == len(pieces)-1
		best, bestQ := ix.pieceWords(p, last)
		if hasLatin(p) {
			if ws, q := ix.pieceWords(rutext.FromLatinLayout(p), last); q > bestQ {
				best, bestQ = ws, q
			}
		}
		if hasCyrillic(p) {
			if ws, q := ix.pieceWords(rutext.ToLatinLayout(p), last); q > bestQ {
				best = ws
			}
		}
		out = append(out, best...)
		if len(out) >= MaxQueryWords {
			return out[:MaxQueryWords]
		}
	}
	return out
}

// pieceWords returns a piece's content words and how well the index knows
// them: exact words and dictionary phrases count 1, completions and typo
// readings less, unknown words count against.
func (ix *Index) pieceWords(p string, partial bool) ([]qword, float64) {
	var out []qword
	q := 0.0
	ws := rutext.Words(p)
	for i, w := range ws {
		if utf8.RuneCountInString(w) < 2 || rutext.IsStop(w) {
			continue
		}
		qw := qword{word: w, stem: rutext.Stem(w), partial: partial && i == len(ws)-1}
		switch {
		case ix.known(qw.stem):
			q++
		case qw.partial && len(ix.completions(qw)) > 0:
			q += factorPrefix
		case len(ix.typos(qw)) > 0:
			q += factorTypo2
		default:
			q -= 0.5
		}
		out = append(out, qw)
	}
	return out, q
}

// known reports whether a stem is an index term or a dictionary phrase.
func (ix *Index) known(stem string) bool {
	_, ok := ix.terms[stem]
	return ok || ix.syn.lookup([]string{stem}) != nil
}

// slots groups the query's words into concepts: the longest phrases the
// dictionary knows first, single words otherwise.
func (ix *Index) slots(words []qword) []slot {
	var out []slot
	for i := 0; i < len(words); {
		n := min(len(words)-i, ix.syn.maxWords)
		for ; n > 0; n-- {
			stems := make([]string, n)
			for k := range n {
				stems[k] = words[i+k].stem
			}
			if syn := ix.syn.lookup(stems); syn != nil {
				s := slot{words: n}
				if n == 1 {
					s = ix.wordSlot(words[i], true)
				} else if ts := ix.lookupTerms(stems); len(ts) > 0 {
					s.alts = append(s.alts, alt{ts, factorExact})
				}
				for _, ph := range syn {
					if ts := ix.lookupTerms(ph); len(ts) > 0 {
						s.alts = append(s.alts, alt{ts, factorSynonym})
					}
				}
				out = append(out, s)
				i += n
				break
			}
		}
		if n == 0 {
			out = append(out, ix.wordSlot(words[i], false))
			i++
		}
	}
	return out
}

// wordSlot is the ways a document may match one word: the word's term,
// completions of a half-typed word, or, for a word the index does not
// know, the terms within its typo distance.
func (ix *Index) wordSlot(w qword, isSynonym bool) slot {
	s := slot{words: 1}
	exact, ok := ix.terms[w.stem]
	if ok {
		s.alts = append(s.alts, alt{[]int32{exact}, factorExact})
	}
	if w.partial {
		for _, t := range ix.completions(w) {
			if t != exact || !ok {
				s.alts = append(s.alts, alt{[]int32{t}, factorPrefix})
			}
		}
	}
	if !ok && !isSynonym && len(s.alts) == 0 {
		for _, c := range ix.typos(w) {
			f := float32(factorTypo1)
			if c.dist > 1 {
				f = factorTypo2
			}
			s.alts = append(s.alts, alt{[]int32{c.term}, f})
		}
	}
	return s
}

// lookupTerms returns the terms of the stems the index has.
func (ix *Index) lookupTerms(stems []string) []int32 {
	var out []int32
	for _, st := range stems {
		if t, ok := ix.terms[st]; ok {
			out = append(out, t)
		}
	}
	return out
}

// completions returns the terms of document words starting with a
// half-typed word (two letters at least).
func (ix *Index) completions(w qword) []int32 {
	if utf8.RuneCountInString(w.word) < 2 {
		return nil
	}
	i, _ := slices.BinarySearchFunc(ix.words, w.word, func(s surface, p string) int {
		return strings.Compare(s.word, p)
	})
	var out []int32
	for ; i < len(ix.words) && strings.HasPrefix(ix.words[i].word, w.word) && len(out) < maxPrefix; i++ {
		if !slices.Contains(out, ix.words[i].term) {
			out = append(out, ix.words[i].term)
		}
	}
	return out
}

type candidate struct {
	term int32
	dist int
}

// typos returns the terms nearest a word the index does not know, within
// edit distance 1 for words of 4 letters or more and 2 for 8 or more
// (a swap of neighbouring letters counts 1), found through the deletion
// neighbourhood.
func (ix *Index) typos(w qword) []candidate {
	n := utf8.RuneCountInString(w.word)
	maxDist := 0
	switch {
	case n >= 8:
		maxDist = 2
	case n >= 4:
		maxDist = 1
	}
	r := []rune(w.stem)
	if maxDist == 0 || len(r) < 3 || !isLetters(r) {
		return nil
	}
	var out []candidate
	best := maxDist + 1
	seen := map[int32]bool{}
	for _, k := range deletions(r, maxDist) {
		for _, t := range ix.deletes[k] {
			if seen[t] {
				continue
			}
			seen[t] = true
			d := distance(r, []rune(ix.termText[t]), maxDist)
			switch {
			case d < best:
				best, out = d, append(out[:0], candidate{t, d})
			case d == best && len(out) < maxFuzzy:
				out = append(out, candidate{t, d})
			}
		}
	}
	if len(out) == 0 && n <= maxSurfaceTypo {
		out = ix.surfaceTypos(w)
	}
	return out
}

// maxSurfaceTypo bounds the words surfaceTypos tries (its cost grows with
// the alphabet times the length).
const maxSurfaceTypo = 14

// russianLetters are the letters a typo may put in a word's place.
var russianLetters = []rune("абвгдежзийклмнопрстуфхцчшщъыьэюя")

// surfaceTypos finds a term one edit away from the word as typed rather
// than from its stem. The stemmer strips an ending only after the word's
// first vowel, so a typo in that vowel leaves the ending on ("штрвфы"
// stems to itself, two edits from "штраф"): substituting, deleting or
// swapping one letter and stemming again finds "штрафы" → "штраф". It
// runs only when the stem has no neighbour, so its cost (about 35 stems
// per letter) is paid by misspelt words alone.
func (ix *Index) surfaceTypos(w qword) []candidate {
	r := []rune(w.word)
	var out []candidate
	seen := map[int32]bool{}
	try := func(e []rune) {
		t, ok := ix.terms[rutext.Stem(string(e))]
		if ok && !seen[t] && len(out) < maxFuzzy {
			seen[t] = true
			out = append(out, candidate{t, 1})
		}
	}
	e := make([]rune, 0, len(r))
	for i := range r {
		e = append(append(e[:0], r[:i]...), r[i+1:]...)
		try(e)
		if i+1 < len(r) {
			e = append(e[:0], r...)
			e[i], e[i+1] = e[i+1], e[i]
			try(e)
		}
		for _, c := range russianLetters {
			if c != r[i] {
				e = append(e[:0], r...)
				e[i] = c
				try(e)
			}
		}
	}
	return out
}

// distance is the optimal string alignment distance between a and b (a
// swap of neighbouring letters is one edit), or max+1 when it exceeds max.
func distance(a, b []rune, maxD int) int {
	if abs(len(a)-len(b)) > maxD {
		return maxD + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > maxD {
			return maxD + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], maxD+1)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func hasLatin(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune("[];',.`{}:\"<>~", r)) {
			return true
		}
	}
	return false
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// scored is a document's running score.
type scored struct {
	doc     int32
	score   float32
	matched int
}

// rank scores every document that matches a slot: per slot the best of
// its readings (BM25F of the terms times the reading's factor, a phrase
// scaled by the share of its terms present), summed over slots, scaled by
// the share of slots matched, and raised for matched slots that stand
// close together in the same part of the document.
func (ix *Index) rank(slots []slot, limit int) []Hit {
	n := len(ix.ids)
	total := make([]float32, n)
	count := make([]uint8, n)
	best := make([]float32, n)
	choice := make([][]int8, len(slots)) // slot → doc → alt+1
	phrase := map[int32]float32{}
	present := map[int32]int{}
	var touched []int32
	for si, s := range slots {
		choice[si] = make([]int8, n)
		touched = touched[:0]
		for ai, a := range s.alts {
			if ai >= 127 {
				break
			}
			consider := func(d int32, v float32) {
				if best[d] == 0 {
					touched = append(touched, d)
				}
				if v > best[d] {
					best[d] = v
					choice[si][d] = int8(ai + 1)
				}
			}
			if len(a.terms) == 1 {
				f := a.factor * float32(s.words)
				for _, p := range ix.postings[a.terms[0]] {
					consider(p.doc, p.score*f)
				}
				continue
			}
			clear(phrase)
			clear(present)
			for _, t := range a.terms {
				for _, p := range ix.postings[t] {
					phrase[p.doc] += p.score
					present[p.doc]++
				}
			}
			// A phrase counts as the words it stands for, scaled by the
			// share of its terms present: "права" read as "водительское
			// удостоверение" weighs one word, not two.
			scale := a.factor * float32(s.words) / float32(len(a.terms)*len(a.terms))
			for d, v := range phrase {
				consider(d, v*scale*float32(present[d]))
			}
		}
		for _, d := range touched {
			total[d] += best[d]
			count[d]++
			best[d] = 0
		}
	}
	var cands []scored
	for d := range total {
		if count[d] > 0 {
			cands = append(cands, scored{int32(d), total[d] * float32(count[d]) / float32(len(slots)), int(count[d])})
		}
	}
	byScore := func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.doc, b.doc)
	}
	slices.SortFunc(cands, byScore)
	// The proximity bonus can reorder only near neighbours: compute it for
	// the head of the list.
	head := cands[:min(len(cands), max(3*limit, 30))]
	if len(slots) > 1 {
		for i := range head {
			head[i].score *= float32(1 + proximityBonus*ix.proximity(slots, choice, head[i].doc))
		}
		slices.SortFunc(head, byScore)
	}
	hits := make([]Hit, 0, min(limit, len(head)))
	for _, c := range head[:min(limit, len(head))] {
		hits = append(hits, Hit{ID: ix.ids[c.doc], Score: float64(c.score), Matched: ix.matched(slots, choice, c.doc)})
	}
	return hits
}

// proximity is from 0 to 1: the share of neighbouring query slots whose
// matches in the document are close (1 for adjacent words, less with
// each word between).
func (ix *Index) proximity(slots []slot, choice [][]int8, d int32) float64 {
	sum := 0.0
	for si := 1; si < len(slots); si++ {
		a, b := ix.positions(slots[si-1], choice[si-1][d], d), ix.positions(slots[si], choice[si][d], d)
		gap := int32(fieldGap)
		for _, p := range a {
			for _, q := range b {
				gap = min(gap, max(q-p, p-q))
			}
		}
		if gap >= 1 && gap <= 4 {
			sum += 1 / float64(gap)
		}
	}
	return sum / float64(len(slots)-1)
}

// positions returns where the chosen reading of a slot stands in d.
func (ix *Index) positions(s slot, choice int8, d int32) []int32 {
	if choice == 0 {
		return nil
	}
	var out []int32
	for _, t := range s.alts[choice-1].terms {
		if p, ok := ix.posting(t, d); ok {
			out = append(out, p.pos...)
		}
	}
	return out
}

// posting finds term t's posting for document d.
func (ix *Index) posting(t, d int32) (posting, bool) {
	ps := ix.postings[t]
	i, ok := slices.BinarySearchFunc(ps, d, func(p posting, d int32) int { return cmp.Compare(p.doc, d) })
	if !ok {
		return posting{}, false
	}
	return ps[i], true
}

// matched lists the terms through which d matched.
func (ix *Index) matched(slots []slot, choice [][]int8, d int32) []string {
	var out []string
	for si, s := range slots {
		c := choice[si][d]
		if c == 0 {
			continue
		}
		for _, t := range s.alts[c-1].terms {
			if _, ok := ix.posting(t, d); ok && !slices.Contains(out, ix.termText[t]) {
				out = append(out, ix.termText[t])
			}
		}
	}
	return out
}
