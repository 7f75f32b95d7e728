package textclass_test

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/textclass"
)

// FuzzLoadModel reads any bytes as a model file, as LoadFile does with a
// file an administrator points the server at. A refusal is always EINVALID
// textclass.bad_model; a model it accepts predicts one of its labels with
// a confidence in (0, 1], and survives Save and Load unchanged.
func FuzzLoadModel(f *testing.F) {
	var buf bytes.Buffer
	if err := trainTiny(f).Save(&buf); err != nil {
		f.Fatal(err)
	}
	good := buf.Bytes()
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(append(slices.Clone(good), "trailing"...))
	nan := slices.Clone(good)
	copy(nan[len(nan)-8:], []byte{0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x7f}) // NaN and +Inf weights
	f.Add(nan)
	f.Add([]byte("OKNOTXC1\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := textclass.Load(bytes.NewReader(data))
		if err != nil {
			if m != nil || !okno.IsCode(err, okno.EINVALID) || okno.AsError(err).Key != "textclass.bad_model" {
				t.Fatalf("Load = %v, %v; want textclass.bad_model", m, err)
			}
			return
		}
		labels := m.Labels()
		for _, text := range []string{"", "яма на дороге", "\xff"} {
			label, conf := m.Predict(text)
			if !slices.Contains(labels, label) || math.IsNaN(conf) || conf <= 0 || conf > 1 {
				t.Fatalf("Predict(%q) = %q, %v; labels %q", text, label, conf, labels)
			}
		}
		var saved bytes.Buffer
		if err := m.Save(&saved); err != nil {
			t.Fatalf("Save: %v", err)
		}
		back, err := textclass.Load(bytes.NewReader(saved.Bytes()))
		if err != nil {
			t.Fatalf("Load(Save(m)): %v", err)
		}
		var again bytes.Buffer
		if err := back.Save(&again); err != nil || !bytes.Equal(again.Bytes(), saved.Bytes()) {
			t.Fatalf("the model changed in a round trip (%v)", err)
		}
	})
}
