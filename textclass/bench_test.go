package textclass_test

import (
	"bytes"
	"testing"

	"github.com/okno/okno/textclass"
)

// BenchmarkPredictSPb measures one prediction with the default model
// trained on the Saint Petersburg time split (bar: under 1 ms a text).
func BenchmarkPredictSPb(b *testing.B) {
	train, test := timeSplit(b, readAppeals(b))
	m, err := textclass.Train(train, textclass.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Predict(test[i%len(test)].Text)
		i++
	}
}

// BenchmarkTrainSPb measures training the default model on the 43,118
// appeals of the time split (bar: under 60 s).
func BenchmarkTrainSPb(b *testing.B) {
	train, _ := timeSplit(b, readAppeals(b))
	for b.Loop() {
		if _, err := textclass.Train(train, textclass.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadSPb measures reading a saved default model, and reports
// its size.
func BenchmarkLoadSPb(b *testing.B) {
	train, _ := timeSplit(b, readAppeals(b))
	m, err := textclass.Train(train, textclass.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := textclass.Load(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "model-bytes")
}
