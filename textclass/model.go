package textclass

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"

	"github.com/okno/okno"
)

// Model is a trained classifier. It is safe for concurrent use by many
// goroutines: prediction only reads it.
type Model struct {
	features
	labels []string
	docs   int       // training documents, for the IDF of unseen buckets
	idf    []float32 // 1<<bits
	w      []float32 // (1<<bits) × len(labels), bucket-major
	b      []float32 // len(labels)

	pool sync.Pool // *featurizer
}

// Prediction is one candidate label with the model's probability for it.
type Prediction struct {
	Label      string
	Confidence float64
}

// Labels returns the labels the model knows, in the order first seen in
// training, so a caller can check them against the category tree.
func (m *Model) Labels() []string { return slices.Clone(m.labels) }

// Predict returns the most likely label for text and its probability
// (0..1). Empty or unrecognisable text gives the most common label with a
// low confidence, so callers decide by confidence, never by text length.
func (m *Model) Predict(text string) (label string, confidence float64) {
	p := m.probabilities(text)
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	return m.labels[best], p[best]
}

// Top returns the k most likely labels, best first (all of them when k
// exceeds their number; none when k < 1). Ties keep training order, so the
// answer is deterministic.
func (m *Model) Top(text string, k int) []Prediction {
	if k < 1 {
		return nil
	}
	p := m.probabilities(text)
	out := make([]Prediction, len(p))
	for c := range p {
		out[c] = Prediction{Label: m.labels[c], Confidence: p[c]}
	}
	slices.SortStableFunc(out, func(a, b Prediction) int {
		switch {
		case a.Confidence > b.Confidence:
			return -1
		case a.Confidence < b.Confidence:
			return 1
		}
		return 0
	})
	return out[:min(k, len(out))]
}

func (m *Model) probabilities(text string) []float64 {
	f, _ := m.pool.Get().(*featurizer)
	if f == nil {
		f = newFeaturizer(m.features)
	}
	x := f.vector(text, m.idf)
	m.pool.Put(f)
	k := len(m.labels)
	out := make([]float64, k)
	for c := range k {
		out[c] = float64(m.b[c])
	}
	for j, i := range x.idx {
		row := m.w[int(i)*k : int(i)*k+k]
		v := float64(x.val[j])
		for c, wc := range row {
			out[c] += v * float64(wc)
		}
	}
	softmax(out)
	return out
}

// The file format, version 2, little-endian:
//
//	magic "OKNOTXC1", uint32 version
//	uint8 bits, minN, maxN, stem, flags (reserved, 0); uint32 docs;
//	uint16 label count
//	per label: uint16 length, bytes
//	per label: float32 bias
//	uint32 row count; per row (buckets strictly increasing): uint32
//	bucket, float32 idf, label-count float32 weights
//
// Only buckets seen in training are stored: the rest have zero weights and
// the IDF of a term never seen, which docs gives back.
const (
	magic         = "OKNOTXC1"
	formatVersion = 2
)

// Save writes the model in the compact binary format that Load reads.
func (m *Model) Save(w io.Writer) error {
	bw := bufio.NewWriter(w)
	le := binary.LittleEndian
	buf := []byte(magic)
	buf = le.AppendUint32(buf, formatVersion)
	buf = append(buf, byte(m.bits), byte(m.minN), byte(m.maxN), byte(m.stem), 0)
	buf = le.AppendUint32(buf, uint32(m.docs))
	buf = le.AppendUint16(buf, uint16(len(m.labels)))
	for _, l := range m.labels {
		buf = le.AppendUint16(buf, uint16(len(l)))
		buf = append(buf, l...)
	}
	for _, b := range m.b {
		buf = le.AppendUint32(buf, math.Float32bits(b))
	}
	k := len(m.labels)
	unseen := idfOf(m.docs, 0)
	var rows []uint32
	for i := range 1 << m.bits {
		if m.idf[i] != unseen || slices.ContainsFunc(m.w[i*k:i*k+k], func(v float32) bool { return v != 0 }) {
			rows = append(rows, uint32(i))
		}
	}
	buf = le.AppendUint32(buf, uint32(len(rows)))
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("textclass: save: %w", err)
	}
	for _, i := range rows {
		buf = le.AppendUint32(buf[:0], i)
		buf = le.AppendUint32(buf, math.Float32bits(m.idf[i]))
		for _, v := range m.w[int(i)*k : int(i)*k+k] {
			buf = le.AppendUint32(buf, math.Float32bits(v))
		}
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("textclass: save: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("textclass: save: %w", err)
	}
	return nil
}

// MaxModelCells bounds the weight table a file may ask Load to allocate
// (buckets × labels): 2^24 cells is 64 MiB.
const MaxModelCells = 1 << 24

// Load reads a model written by Save. It checks every count and value
// against the limits before allocating, so a corrupt or hostile file gives
// an error, never a panic or a huge allocation.
func Load(r io.Reader) (*Model, error) {
	m, err := load(bufio.NewReader(r))
	if err != nil {
		return nil, okno.Wrap(okno.EINVALID, "textclass.bad_model", err)
	}
	return m, nil
}

func load(r *bufio.Reader) (*Model, error) {
	le := binary.LittleEndian
	head := make([]byte, len(magic)+4+5+4+2)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if string(head[:len(magic)]) != magic {
		return nil, errors.New("not a textclass model")
	}
	p := head[len(magic):]
	if v := le.Uint32(p); v != formatVersion {
		return nil, fmt.Errorf("format version %d, want %d", v, formatVersion)
	}
	m := &Model{features: features{bits: int(p[4]), minN: int(p[5]), maxN: int(p[6]), stem: int(p[7])},
		docs: int(le.Uint32(p[9:]))}
	k := int(le.Uint16(p[13:]))
	if m.bits < minBits || m.bits > maxBits || m.minN < 1 || m.maxN < m.minN || m.maxN > maxCharNgram || m.stem > maxStem || p[8] != 0 {
		return nil, fmt.Errorf("bad parameters bits=%d n=%d..%d stem=%d flags=%#x", m.bits, m.minN, m.maxN, m.stem, p[8])
	}
	if k < 2 || k > MaxLabels || k<<m.bits > MaxModelCells || m.docs > MaxExamples {
		return nil, fmt.Errorf("bad sizes: %d labels, %d bits, %d documents", k, m.bits, m.docs)
	}
	seen := map[string]bool{}
	for range k {
		var n [2]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return nil, fmt.Errorf("label: %w", err)
		}
		l := make([]byte, le.Uint16(n[:]))
		if len(l) == 0 || len(l) > MaxLabelBytes {
			return nil, fmt.Errorf("label length %d", len(l))
		}
		if _, err := io.ReadFull(r, l); err != nil {
			return nil, fmt.Errorf("label: %w", err)
		}
		if seen[string(l)] {
			return nil, fmt.Errorf("duplicate label %q", l)
		}
		seen[string(l)] = true
		m.labels = append(m.labels, string(l))
	}
	var err error
	if m.b, err = readFloats(r, k); err != nil {
		return nil, fmt.Errorf("biases: %w", err)
	}
	if err := m.loadRows(r); err != nil {
		return nil, err
	}
	return m, nil
}

// loadRows reads the stored buckets into full tables.
func (m *Model) loadRows(r *bufio.Reader) error {
	k := len(m.labels)
	size := 1 << m.bits
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return fmt.Errorf("row count: %w", err)
	}
	rows := int(binary.LittleEndian.Uint32(n[:]))
	if rows > size {
		return fmt.Errorf("%d rows for %d buckets", rows, size)
	}
	m.idf = make([]float32, size)
	unseen := idfOf(m.docs, 0)
	for i := range m.idf {
		m.idf[i] = unseen
	}
	m.w = make([]float32, size*k)
	last := -1
	for range rows {
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return fmt.Errorf("row: %w", err)
		}
		i := int(binary.LittleEndian.Uint32(n[:]))
		if i <= last || i >= size {
			return fmt.Errorf("bucket %d out of order or range", i)
		}
		last = i
		vals, err := readFloats(r, k+1)
		if err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
		if vals[0] < 0 {
			return fmt.Errorf("row %d: negative idf", i)
		}
		m.idf[i] = vals[0]
		copy(m.w[i*k:i*k+k], vals[1:])
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return errors.New("trailing data after the model")
	}
	return nil
}

// readFloats reads n little-endian float32 values, refusing NaN and
// infinities, which would poison every prediction.
func readFloats(r io.Reader, n int) ([]float32, error) {
	buf := make([]byte, 4*n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	out := make([]float32, n)
	for i := range out {
		v := math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 1e6 {
			return nil, fmt.Errorf("value %g out of range", v)
		}
		out[i] = v
	}
	return out, nil
}
