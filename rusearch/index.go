// Package rusearch is the catalogue's search engine: an in-memory index
// over documents (a title, keywords and a few weighted text fields) that
// understands Russian queries as people type them — any word form
// (stemming), ё or е, typos, the wrong keyboard layout, synonyms and
// abbreviations from a dictionary, and the last word half typed.
//
// The engine never reads storage: the caller loads the documents (from
// SQLite or PostgreSQL alike) and builds an Index, so results do not
// depend on the database. An Index is immutable and safe for any number
// of concurrent readers; Engine swaps a rebuilt one in atomically.
package rusearch

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/okno/okno/rutext"
)

// Doc is one searchable document: a service, an agency, a life situation.
type Doc struct {
	ID       string   // returned in hits; unique within an index
	Title    string   // weighs TitleWeight
	Keywords []string // weigh KeywordWeight; each is its own phrase
	Fields   []Field  // further text: a summary, who may apply
}

// Field is a text of a document with its weight relative to the title's
// TitleWeight (a summary 1, a long description 0.5).
type Field struct {
	Text   string
	Weight float64
}

// Weights of a document's parts, and the BM25 constants.
const (
	TitleWeight   = 3.0
	KeywordWeight = 2.0
	bm25K1        = 1.2
	bm25B         = 0.75
	// fieldGap separates the positions of a document's parts (and of its
	// keywords) so that words of two parts are never "near".
	fieldGap = 1 << 12
)

// Options tune an index.
type Options struct {
	// Synonyms is the dictionary queries are expanded with; nil means
	// DefaultSynonyms. Pass an empty &Synonyms{} for none.
	Synonyms *Synonyms
}

// Index is an immutable search index. Build it with New.
type Index struct {
	ids      []string
	terms    map[string]int32 // stem → term
	termText []string         // term → stem
	postings [][]posting      // term → postings sorted by document
	deletes  map[string][]int32
	words    []surface // sorted by word, for prefix completion
	syn      *Synonyms
}

// posting is one term in one document: its precomputed BM25F score and
// where it stands (for the proximity bonus).
type posting struct {
	doc   int32
	score float32
	pos   []int32
}

// surface is a word as it appears in documents, with its term.
type surface struct {
	word string
	term int32
}

// New indexes docs. IDs must be unique and non-empty.
func New(docs []Doc, opt Options) (*Index, error) {
	ix := &Index{
		ids:     make([]string, len(docs)),
		terms:   map[string]int32{},
		deletes: map[string][]int32{},
		syn:     opt.Synonyms,
	}
	if ix.syn == nil {
		ix.syn = DefaultSynonyms()
	}
	seen := make(map[string]bool, len(docs))
	surfaces := map[string]int32{}

	// Per document and field slot (0 title, 1 keywords, 2+ fields): term
	// counts and lengths, then BM25F with per-slot average lengths.
	type occurrence struct {
		tf  []float64 // by field slot
		pos []int32
	}
	type docTerms struct {
		occ  map[int32]*occurrence
		lens []float64
	}
	parsed := make([]docTerms, len(docs))
	var slotLen []float64
	for d, doc := range docs {
		if doc.ID == "" {
			return nil, fmt.Errorf("rusearch: document %d has no ID", d)
		}
		if seen[doc.ID] {
			return nil, fmt.Errorf("rusearch: duplicate document ID %q", doc.ID)
		}
		seen[doc.ID] = true
		ix.ids[d] = doc.ID
		texts := []string{doc.Title, ""}
		for _, f := range doc.Fields {
			texts = append(texts, f.Text)
		}
		for len(slotLen) < len(texts) {
			slotLen = append(slotLen, 0)
		}
		dt := docTerms{occ: map[int32]*occurrence{}, lens: make([]float64, len(texts))}
		add := func(slot int, base int32, text string) int32 {
			p := base
			for _, w := range rutext.Words(text) {
				if utf8.RuneCountInString(w) < 2 || rutext.IsStop(w) {
					continue
				}
				stem := rutext.Stem(w)
				t, ok := ix.terms[stem]
				if !ok {
					t = int32(len(ix.termText))
					ix.terms[stem] = t
					ix.termText = append(ix.termText, stem)
					ix.postings = append(ix.postings, nil)
				}
				if _, ok := surfaces[w]; !ok {
					surfaces[w] = t
				}
				o := dt.occ[t]
				if o == nil {
					o = &occurrence{tf: make([]float64, len(texts))}
					dt.occ[t] = o
				}
				o.tf[slot]++
				o.pos = append(o.pos, p)
				dt.lens[slot]++
				p++
			}
			return p
		}
		for slot, text := range texts {
			base := int32(slot) * fieldGap * 8
			if slot == 1 {
				for k, kw := range doc.Keywords {
					add(1, base+int32(k%8)*fieldGap, kw)
				}
				continue
			}
			add(slot, base, text)
		}
		for slot := range texts {
			slotLen[slot] += dt.lens[slot]
		}
		parsed[d] = dt
	}
	n := float64(max(len(docs), 1))
	for i := range slotLen {
		slotLen[i] = max(slotLen[i]/n, 1)
	}
	for d, dt := range parsed {
		weights := []float64{TitleWeight, KeywordWeight}
		for _, f := range docs[d].Fields {
			weights = append(weights, f.Weight)
		}
		for t, o := range dt.occ {
			tf := 0.0
			for slot, c := range o.tf {
				if c > 0 {
					tf += weights[slot] * c / (1 - bm25B + bm25B*dt.lens[slot]/slotLen[slot])
				}
			}
			ix.postings[t] = append(ix.postings[t], posting{doc: int32(d), score: float32(tf * (bm25K1 + 1) / (tf + bm25K1)), pos: o.pos})
		}
	}
	for t, ps := range ix.postings {
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for i := range ps {
			ps[i].score *= float32(idf)
			slices.Sort(ps[i].pos)
		}
		slices.SortFunc(ps, func(a, b posting) int { return int(a.doc - b.doc) })
		ix.indexDeletes(int32(t))
	}
	ix.words = make([]surface, 0, len(surfaces))
	for w, t := range surfaces {
		ix.words = append(ix.words, surface{w, t})
	}
	slices.SortFunc(ix.words, func(a, b surface) int { return strings.Compare(a.word, b.word) })
	return ix, nil
}

// Len returns the number of documents indexed.
func (ix *Index) Len() int { return len(ix.ids) }

// indexDeletes adds a term's deletion neighbourhood (SymSpell): the term
// with one letter and, for longer terms, two letters removed. A query word
// within edit distance d of a term shares a key with it once each has up
// to d letters removed.
func (ix *Index) indexDeletes(t int32) {
	r := []rune(ix.termText[t])
	if len(r) < 3 || !isLetters(r) {
		return
	}
	maxDel := 1
	if len(r) >= 4 {
		maxDel = 2
	}
	for _, k := range deletions(r, maxDel) {
		if ts := ix.deletes[k]; len(ts) == 0 || ts[len(ts)-1] != t {
			ix.deletes[k] = append(ts, t)
		}
	}
}

// deletions returns w itself and every string made by removing up to n
// letters from it (duplicates possible).
func deletions(w []rune, n int) []string {
	out := []string{string(w)}
	level := [][]rune{w}
	for range n {
		var next [][]rune
		for _, s := range level {
			for i := range s {
				d := make([]rune, 0, len(s)-1)
				d = append(append(d, s[:i]...), s[i+1:]...)
				next = append(next, d)
				out = append(out, string(d))
			}
		}
		level = next
	}
	return out
}

func isLetters(r []rune) bool {
	for _, c := range r {
		if c >= '0' && c <= '9' {
			return false
		}
	}
	return true
}

// Engine serves searches from the current index while a new one is
// built: Swap replaces it atomically, readers never wait.
type Engine struct {
	ix atomic.Pointer[Index]
}

// NewEngine returns an engine serving ix (nil: no results until Swap).
func NewEngine(ix *Index) *Engine {
	e := &Engine{}
	e.ix.Store(ix)
	return e
}

// Swap makes ix the index searches use from now on.
func (e *Engine) Swap(ix *Index) { e.ix.Store(ix) }

// Index returns the index in use, or nil.
func (e *Engine) Index() *Index { return e.ix.Load() }

// Search searches the current index (see Index.Search).
func (e *Engine) Search(query string, limit int) []Hit {
	ix := e.ix.Load()
	if ix == nil {
		return nil
	}
	return ix.Search(query, limit)
}
