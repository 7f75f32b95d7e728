package textclass_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/textclass"
)

// tiny is a toy history of appeals with three categories.
var tiny = []textclass.Example{
	{"Яма на дороге у дома 5", "Дороги"},
	{"Глубокая яма на проезжей части", "Дороги"},
	{"Разбит асфальт, ямы во дворе", "Дороги"},
	{"Не убран снег на тротуаре", "Уборка"},
	{"Снег и наледь на тротуаре, не чистят", "Уборка"},
	{"Мусор во дворе не вывозят", "Уборка"},
	{"В квартире нет отопления, батареи холодные", "Отопление"},
	{"Холодные батареи в подъезде", "Отопление"},
	{"Отопление не работает третий день", "Отопление"},
}

func trainTiny(t testing.TB) *textclass.Model {
	t.Helper()
	m, err := textclass.Train(tiny, textclass.Options{Bits: 12, Epochs: 20, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPredict(t *testing.T) {
	m := trainTiny(t)
	for _, tc := range []struct{ text, want string }{
		{"ЯМА на дороге!!!", "Дороги"},
		{"снег на тротуаре", "Уборка"},
		{"батареи холодные, отопления нет", "Отопление"},
		{"Отоплёние", "Отопление"}, // ё folds to е
	} {
		got, conf := m.Predict(tc.text)
		if got != tc.want || conf <= 1.0/3 || conf > 1 {
			t.Errorf("Predict(%q) = %q, %.3f; want %q with confidence above chance", tc.text, got, conf, tc.want)
		}
	}
}

func TestTop(t *testing.T) {
	m := trainTiny(t)
	top := m.Top("яма на дороге", 10)
	if len(top) != 3 || top[0].Label != "Дороги" {
		t.Fatalf("Top = %+v; want 3 labels, Дороги first", top)
	}
	var sum float64
	for i, p := range top {
		sum += p.Confidence
		if i > 0 && p.Confidence > top[i-1].Confidence {
			t.Errorf("Top not sorted: %+v", top)
		}
	}
	if sum < 0.999 || sum > 1.001 {
		t.Errorf("confidences sum to %f, want 1", sum)
	}
	if got := m.Top("яма", 0); got != nil {
		t.Errorf("Top(k=0) = %+v, want nil", got)
	}
	if got := m.Top("яма", 1); len(got) != 1 {
		t.Errorf("Top(k=1) = %+v, want one", got)
	}
}

func TestDeterministicAndRoundTrip(t *testing.T) {
	save := func(m *textclass.Model) []byte {
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b := save(trainTiny(t)), save(trainTiny(t))
	if !bytes.Equal(a, b) {
		t.Fatal("two trainings with the same seed gave different models")
	}
	m := trainTiny(t)
	loaded, err := textclass.Load(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.Labels(), loaded.Labels()); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	for _, ex := range append(tiny, textclass.Example{Text: "что-то совсем другое"}) {
		if diff := cmp.Diff(m.Top(ex.Text, 3), loaded.Top(ex.Text, 3)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", ex.Text, diff)
		}
	}
	if got := save(loaded); !bytes.Equal(a, got) {
		t.Error("saving a loaded model changed the bytes")
	}
}

func TestTrainRejects(t *testing.T) {
	for _, tc := range []struct {
		name     string
		examples []textclass.Example
		opts     textclass.Options
		key      string
	}{
		{"none", nil, textclass.Options{}, "textclass.need_two_labels"},
		{"one label", tiny[:3], textclass.Options{}, "textclass.need_two_labels"},
		{"empty label", []textclass.Example{{"a", "x"}, {"b", ""}}, textclass.Options{}, "textclass.empty_label"},
		{"long label", []textclass.Example{{"a", "x"}, {"b", strings.Repeat("я", 600)}}, textclass.Options{}, "textclass.label_too_long"},
		{"bits", tiny, textclass.Options{Bits: 30}, "okno.invalid_fields"},
		{"ngrams", tiny, textclass.Options{MinN: 4, MaxN: 2}, "okno.invalid_fields"},
		{"too large", tiny, textclass.Options{Bits: 23}, "textclass.model_too_large"},
		{"epochs", tiny, textclass.Options{Epochs: 1000}, "okno.invalid_fields"},
		{"stem", tiny, textclass.Options{Stem: 99}, "okno.invalid_fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := textclass.Train(tc.examples, tc.opts)
			e := okno.AsError(err)
			if e == nil || e.Code != okno.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if tc.key != "okno.invalid_fields" && e.Key != tc.key {
				t.Errorf("key = %q, want %q", e.Key, tc.key)
			}
		})
	}
}

func TestLoadRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := trainTiny(t).Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flip := func(i int, v byte) []byte { b := bytes.Clone(good); b[i] = v; return b }
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not a model", []byte("hello, world, this is not a model at all")},
		{"old version", flip(8, 1)},
		{"flags", flip(16, 0x80)},
		{"stem", flip(15, 99)},
		{"bits", flip(12, 40)},
		{"truncated", good[:len(good)-3]},
		{"trailing", append(bytes.Clone(good), 0)},
		{"nan bias", func() []byte {
			b := bytes.Clone(good)
			off := 8 + 4 + 5 + 4 + 2
			for range 3 {
				off += 2 + int(b[off]) | int(b[off+1])<<8
			}
			copy(b[off:], []byte{0, 0, 0xc0, 0x7f})
			return b
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := textclass.Load(bytes.NewReader(tc.data))
			if m != nil || !okno.IsCode(err, okno.EINVALID) || okno.AsError(err).Key != "textclass.bad_model" {
				t.Errorf("Load = %v, %v; want textclass.bad_model", m, err)
			}
		})
	}
}

func FuzzPredict(f *testing.F) {
	m := trainTiny(f)
	for _, ex := range tiny {
		f.Add(ex.Text)
	}
	f.Add("")
	f.Add("\xff\xfe ёЁ 123 <script>")
	f.Fuzz(func(t *testing.T, text string) {
		label, conf := m.Predict(text)
		if label == "" || !(conf > 0 && conf <= 1) {
			t.Fatalf("Predict(%q) = %q, %v", text, label, conf)
		}
	})
}

func FuzzLoad(f *testing.F) {
	var buf bytes.Buffer
	if err := trainTiny(f).Save(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("OKNOTXC1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := textclass.Load(bytes.NewReader(data))
		if err == nil {
			m.Predict("яма на дороге")
		}
	})
}

func TestTimeSplit(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2021, 3, d, 0, 0, 0, 0, time.UTC) }
	texts := map[int]string{
		17: "  текст 1 ", // repeats a training text: dropped
		19: "текст 18",   // repeats a held-out text: kept once
	}
	var all []textclass.Dated
	for d := 20; d >= 1; d-- { // given out of order: the split sorts by time
		text, ok := texts[d]
		if !ok {
			text = fmt.Sprintf("текст %d", d)
		}
		all = append(all, textclass.Dated{Example: textclass.Example{Text: text, Label: "a"}, At: at(d)})
	}
	train, test := textclass.TimeSplit(all)
	var got []string
	for _, ex := range test {
		got = append(got, ex.Text)
	}
	if len(train) != 16 || train[0].Text != "текст 1" || train[15].Text != "текст 16" {
		t.Errorf("train = %+v; want days 1..16 in time order", train)
	}
	if diff := cmp.Diff([]string{"текст 18", "текст 20"}, got); diff != "" {
		t.Errorf("held out (-want +got):\n%s", diff)
	}
}

func TestEvaluate(t *testing.T) {
	m := trainTiny(t)
	s := m.Evaluate([]textclass.Example{
		{Text: "яма на дороге", Label: "Дороги"},
		{Text: "снег на тротуаре", Label: "Уборка"},
		{Text: "яма на дороге", Label: "Уборка"}, // a wrong label: one error
		{Text: "батареи холодные", Label: "Отопление"},
	})
	if s.Examples != 4 || s.Accuracy != 0.75 {
		t.Errorf("Evaluate = %+v; want accuracy 3/4", s)
	}
	// Дороги: P 1/2 R 1 F1 2/3; Уборка: P 1 R 1/2 F1 2/3; Отопление 1.
	if want := (2.0/3 + 2.0/3 + 1) / 3; math.Abs(s.MacroF1-want) > 1e-9 {
		t.Errorf("macro-F1 = %v, want %v", s.MacroF1, want)
	}
	if len(s.Labels) != 3 || s.Labels[2].Label != "Отопление" || s.Labels[0].F1 > s.Labels[2].F1 {
		t.Errorf("labels = %+v; want worst first", s.Labels)
	}
}

func TestSaveFile(t *testing.T) {
	m := trainTiny(t)
	path := filepath.Join(t.TempDir(), "m.model")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveFile(path); err != nil { // over an existing file
		t.Fatal(err)
	}
	got, err := textclass.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.Top("яма", 3), got.Top("яма", 3)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %d files, want the model alone", len(entries))
	}
	if _, err := textclass.LoadFile(path + ".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile of a missing file = %v, want fs.ErrNotExist", err)
	}
}
