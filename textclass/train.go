// Package textclass is a small pure-Go text classifier for short Russian
// texts such as citizens' appeals: it suggests a category while the citizen
// types and flags appeals whose category looks wrong to moderators. A
// deployment trains it on its own history (officials' final categories are
// the labels), so it needs no external service and no model download.
//
// Features are word unigrams and bigrams, the same of word stems (their first
// five letters), and character n-grams within words (which cover Russian
// endings without a real stemmer), hashed into a fixed table and weighted by
// TF-IDF; the model is multinomial logistic regression trained by averaged
// stochastic gradient descent. Training is deterministic for a given seed
// and input order. The options were tuned on a validation slice of the
// training part of the Saint Petersburg history, never on its held-out part
// (see TestSPbValidation and docs/BENCHMARKS.md).
package textclass

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/okno/okno"
)

// Example is one labelled text to learn from.
type Example struct {
	Text  string
	Label string
}

// Input limits: a deployment's whole history fits, a runaway file does not.
const (
	MaxExamples    = 5_000_000
	MaxLabels      = 1000
	MaxLabelBytes  = 1000
	minBits        = 10
	maxBits        = 24
	maxEpochs      = 100
	maxCharNgram   = 8
	defaultBits    = 18
	defaultEpochs  = 16
	defaultRate    = 1
	defaultMinN    = 3
	defaultMaxN    = 6
	defaultWeightP = 0.3
	defaultStem    = 5
	maxStem        = 20
)

// Options tune training. The zero value gives the defaults that were
// measured on the Saint Petersburg appeals (see the evaluation test).
type Options struct {
	// Bits is log2 of the hash table size (default 18; 10..24). More bits
	// mean fewer collisions and a bigger model.
	Bits int
	// MinN and MaxN bound the character n-grams (default 3..6).
	MinN, MaxN int
	// Epochs is the number of passes over the data (default 16).
	Epochs int
	// LearnRate is the SGD step (default 1).
	LearnRate float64
	// ClassWeightPower weights each example by (mean class size / its
	// class size)^power, so rare categories are not drowned by common
	// ones: 0 means the default, 0.3; 1 is full balancing. A negative
	// value turns it off.
	ClassWeightPower float64
	// Stem is the length of the word prefixes that serve as stems (word
	// and bigram features of "трубы", "трубой" → "труб"); 0 means the
	// default, 5; negative turns them off.
	Stem int
	// Seed makes the shuffling, and so the model, reproducible.
	Seed uint64
}

func (o Options) withDefaults() Options {
	if o.Bits == 0 {
		o.Bits = defaultBits
	}
	if o.MinN == 0 && o.MaxN == 0 {
		o.MinN, o.MaxN = defaultMinN, defaultMaxN
	}
	if o.Epochs == 0 {
		o.Epochs = defaultEpochs
	}
	if o.LearnRate == 0 {
		o.LearnRate = defaultRate
	}
	if o.ClassWeightPower == 0 {
		o.ClassWeightPower = defaultWeightP
	}
	if o.Stem == 0 {
		o.Stem = defaultStem
	}
	if o.ClassWeightPower < 0 {
		o.ClassWeightPower = 0
	}
	return o
}

func (o Options) validate() error {
	var fe okno.FieldErrors
	if o.Bits < minBits || o.Bits > maxBits {
		fe.Add("bits", "textclass.bits_range", minBits, maxBits)
	}
	if o.MinN < 1 || o.MaxN < o.MinN || o.MaxN > maxCharNgram {
		fe.Add("ngrams", "textclass.ngram_range", maxCharNgram)
	}
	if o.Epochs < 1 || o.Epochs > maxEpochs {
		fe.Add("epochs", "textclass.epochs_range", maxEpochs)
	}
	if o.Stem > maxStem {
		fe.Add("stem", "textclass.stem_range", maxStem)
	}
	if !(o.LearnRate > 0 && o.LearnRate <= 100) {
		fe.Add("learn_rate", "textclass.rate_range")
	}
	if o.ClassWeightPower > 2 || math.IsNaN(o.ClassWeightPower) {
		fe.Add("class_weight_power", "textclass.weight_range")
	}
	return fe.Err()
}

// Train learns a model from labelled examples. It needs at least two
// distinct labels; examples with empty text still count (they teach the
// bias). The result depends only on the examples, their order and opts.
func Train(examples []Example, opts Options) (*Model, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if len(examples) > MaxExamples {
		return nil, okno.Errorf(okno.EINVALID, "textclass.too_many_examples", MaxExamples)
	}
	m := &Model{features: features{bits: opts.Bits, minN: opts.MinN, maxN: opts.MaxN, stem: max(opts.Stem, 0)}}
	index := map[string]int{}
	ys := make([]int, len(examples))
	for i, ex := range examples {
		if ex.Label == "" {
			return nil, okno.Errorf(okno.EINVALID, "textclass.empty_label", i+1)
		}
		if len(ex.Label) > MaxLabelBytes {
			return nil, okno.Errorf(okno.EINVALID, "textclass.label_too_long", i+1, MaxLabelBytes)
		}
		y, ok := index[ex.Label]
		if !ok {
			if len(m.labels) == MaxLabels {
				return nil, okno.Errorf(okno.EINVALID, "textclass.too_many_labels", MaxLabels)
			}
			y = len(m.labels)
			index[ex.Label] = y
			m.labels = append(m.labels, ex.Label)
		}
		ys[i] = y
	}
	if len(m.labels) < 2 {
		return nil, okno.Errorf(okno.EINVALID, "textclass.need_two_labels")
	}
	if len(m.labels)<<m.bits > MaxModelCells {
		// Load would refuse such a model: say so before training it.
		return nil, okno.Errorf(okno.EINVALID, "textclass.model_too_large", MaxModelCells)
	}
	xs := m.featurizeAll(examples)
	m.fit(xs, ys, opts)
	return m, nil
}

// featurizeAll computes document frequencies, the IDF table, and then the
// TF-IDF vectors of all examples, on all cores. Each example's vector
// depends only on its text, so the result does not depend on scheduling.
func (m *Model) featurizeAll(examples []Example) []sparse {
	size := 1 << m.bits
	raw := make([]sparse, len(examples))
	parallel(len(examples), func(f *featurizer, i int) {
		raw[i] = f.vector(examples[i].Text, nil)
	}, m)
	df := make([]int32, size)
	for _, v := range raw {
		for _, k := range v.idx {
			df[k]++
		}
	}
	m.docs = len(examples)
	m.idf = make([]float32, size)
	for k := range m.idf {
		m.idf[k] = idfOf(m.docs, int(df[k]))
	}
	xs := make([]sparse, len(examples))
	parallel(len(examples), func(f *featurizer, i int) {
		xs[i] = f.vector(examples[i].Text, m.idf)
	}, m)
	return xs
}

// idfOf is the smoothed inverse document frequency, as in scikit-learn.
func idfOf(docs, df int) float32 {
	return float32(math.Log(float64(1+docs)/float64(1+df)) + 1)
}

// parallel runs fn for 0..n-1 on all cores, one featurizer per worker.
func parallel(n int, fn func(f *featurizer, i int), m *Model) {
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			f := newFeaturizer(m.features)
			for i := w; i < n; i += workers {
				fn(f, i)
			}
		})
	}
	wg.Wait()
}

// fit runs averaged SGD on the softmax loss. Weights are laid out bucket by
// bucket, all classes of one bucket side by side, so one feature's update
// touches one cache line or two. Averaging uses the two-accumulator trick:
// the average of all iterates is w - u/t, with u += t·Δ at each step.
func (m *Model) fit(xs []sparse, ys []int, opts Options) {
	k := len(m.labels)
	size := 1 << m.bits
	w := make([]float32, size*k)
	u := make([]float32, size*k)
	b := make([]float64, k)
	ub := make([]float64, k)
	weights := classWeights(ys, k, opts.ClassWeightPower)
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x6f6b6e6f))
	scores := make([]float64, k)
	t := 1.0
	for range opts.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			x, y := xs[i], ys[i]
			score(w, b, x, k, scores)
			step := opts.LearnRate * weights[y]
			softmax(scores)
			for c := range k {
				g := scores[c]
				if c == y {
					g--
				}
				d := -step * g
				if math.Abs(d) < skipStep {
					continue
				}
				b[c] += d
				ub[c] += t * d
				for j, f := range x.idx {
					delta := float32(d) * x.val[j]
					w[int(f)*k+c] += delta
					u[int(f)*k+c] += float32(t) * delta
				}
			}
			t++
		}
	}
	for i := range w {
		w[i] -= u[i] / float32(t)
	}
	m.w = w
	m.b = make([]float32, k)
	for c := range k {
		m.b[c] = float32(b[c] - ub[c]/t)
	}
}

// classWeights returns each class's example weight.
func classWeights(ys []int, k int, power float64) []float64 {
	n := make([]float64, k)
	for _, y := range ys {
		n[y]++
	}
	mean := float64(len(ys)) / float64(k)
	out := make([]float64, k)
	for c := range k {
		out[c] = 1
		if n[c] > 0 && power > 0 {
			out[c] = math.Pow(mean/n[c], power)
		}
	}
	return out
}

// score writes the linear scores of x for all k classes into out.
func score(w []float32, b []float64, x sparse, k int, out []float64) {
	for c := range k {
		out[c] = b[c]
	}
	for j, f := range x.idx {
		row := w[int(f)*k : int(f)*k+k]
		v := float64(x.val[j])
		for c, wc := range row {
			out[c] += v * float64(wc)
		}
	}
}

// softmax turns scores into probabilities in place.
func softmax(s []float64) {
	top := slices.Max(s)
	var sum float64
	for i, v := range s {
		s[i] = math.Exp(v - top)
		sum += s[i]
	}
	for i := range s {
		s[i] /= sum
	}
}

// skipStep is the smallest update worth making: the softmax gives tiny
// gradients to classes the model already rules out, and skipping them
// makes training several times faster at no measured cost in quality.
const skipStep = 1e-3
