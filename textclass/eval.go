package textclass

import (
	"cmp"
	hashfnv "hash/fnv"
	"slices"
	"strings"
	"time"
)

// Dated is an example with the time it was filed, for TimeSplit, and its
// record's id, for IDSplit.
type Dated struct {
	Example
	At time.Time
	ID string
}

// IDSplit is the split published results on this kind of data use: a
// random 20% held out, drawn by the record's id (FNV-1a of ID, remainder
// 0 of 5) so that it is the same on every run and machine. Unlike
// TimeSplit it keeps held-out texts that also occur in training, as a
// random split of a portal's export does; it is the comparable figure,
// TimeSplit the honest one for a deployment.
func IDSplit(all []Dated) (train, test []Example) {
	for _, d := range all {
		h := hashfnv.New32a()
		h.Write([]byte(d.ID))
		if h.Sum32()%5 == 0 {
			test = append(test, d.Example)
		} else {
			train = append(train, d.Example)
		}
	}
	return train, test
}

// TimeSplit is the documented evaluation split. Examples are ordered by
// time (ties keep input order) and the last 20% are held out: a deployment
// trains on the past and predicts the future, so a time split is the honest
// measure (a random split would let a burst of near-identical appeals sit
// on both sides). Then every held-out example whose text, trimmed, also
// occurs in the training part is dropped, and within the held-out part only
// the first example of each text is kept: the figures are about texts the
// model has never seen, and a prolific author's copies count once. The
// training part keeps its duplicates, as a deployment's history would.
func TimeSplit(all []Dated) (train, test []Example) {
	all = slices.Clone(all)
	slices.SortStableFunc(all, func(a, b Dated) int { return a.At.Compare(b.At) })
	cut := len(all) * 8 / 10
	seen := map[string]bool{}
	for _, d := range all[:cut] {
		train = append(train, d.Example)
		seen[strings.TrimSpace(d.Text)] = true
	}
	for _, d := range all[cut:] {
		t := strings.TrimSpace(d.Text)
		if seen[t] {
			continue
		}
		seen[t] = true
		test = append(test, d.Example)
	}
	return train, test
}

// Scores are a model's figures on labelled texts.
type Scores struct {
	Examples int
	Accuracy float64
	// MacroF1 is the unweighted mean of each label's F1, over the labels
	// present in the truth or the predictions: a rare category counts as
	// much as a common one.
	MacroF1 float64
	// Labels are the per-label figures, worst F1 first.
	Labels []LabelScore
}

// LabelScore is one label's figures.
type LabelScore struct {
	Label     string
	F1        float64
	Precision float64
	Recall    float64
	Support   int // examples of the label in the truth
}

// Evaluate predicts every example's label and scores the predictions.
func (m *Model) Evaluate(test []Example) Scores {
	type counts struct{ tp, fp, fn int }
	by := map[string]*counts{}
	get := func(l string) *counts {
		c := by[l]
		if c == nil {
			c = &counts{}
			by[l] = c
		}
		return c
	}
	s := Scores{Examples: len(test)}
	right := 0
	for _, ex := range test {
		got, _ := m.Predict(ex.Text)
		if got == ex.Label {
			right++
			get(got).tp++
			continue
		}
		get(got).fp++
		get(ex.Label).fn++
	}
	if len(test) == 0 {
		return s
	}
	s.Accuracy = float64(right) / float64(len(test))
	for l, c := range by {
		ls := LabelScore{Label: l, Support: c.tp + c.fn}
		if d := 2*c.tp + c.fp + c.fn; d > 0 {
			ls.F1 = 2 * float64(c.tp) / float64(d)
		}
		if c.tp+c.fp > 0 {
			ls.Precision = float64(c.tp) / float64(c.tp+c.fp)
		}
		if c.tp+c.fn > 0 {
			ls.Recall = float64(c.tp) / float64(c.tp+c.fn)
		}
		s.MacroF1 += ls.F1
		s.Labels = append(s.Labels, ls)
	}
	s.MacroF1 /= float64(len(s.Labels))
	slices.SortFunc(s.Labels, func(a, b LabelScore) int {
		return cmp.Or(cmp.Compare(a.F1, b.F1), strings.Compare(a.Label, b.Label))
	})
	return s
}
