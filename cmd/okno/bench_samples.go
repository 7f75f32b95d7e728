package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

// sample is one appeal to send: text, place and, from --input, the
// reason's name as the source names it.
type sample struct {
	Text     string
	Lat, Lon float64
	Reason   string
}

// maxSamples bounds what is kept of --input: enough variety, bounded
// memory.
const maxSamples = 100000

// loadSamples reads texts and places from path, or makes synthetic ones.
func loadSamples(path string) ([]sample, error) {
	if path == "" {
		return syntheticSamples(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rd io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rd = zr
	}
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	var out []sample
	for sc.Scan() && len(out) < maxSamples {
		var rec struct {
			Text        string `json:"text"`
			Lat         string `json:"lat"`
			Lon         string `json:"lon"`
			Subcategory string `json:"subcategory"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		lat, err1 := strconv.ParseFloat(rec.Lat, 64)
		lon, err2 := strconv.ParseFloat(rec.Lon, 64)
		if err1 != nil || err2 != nil || len([]rune(rec.Text)) < 10 || len([]rune(rec.Text)) > 4000 {
			continue
		}
		out = append(out, sample{Text: rec.Text, Lat: lat, Lon: lon, Reason: strings.ToLower(rec.Subcategory)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no usable records", path)
	}
	return out, nil
}

// syntheticSamples are made-up appeals, the same every run.
func syntheticSamples() []sample {
	words := []string{"яма", "на", "дороге", "во", "дворе", "не", "убран", "снег", "сломан", "фонарь",
		"переполнены", "контейнеры", "протекает", "крыша", "парадная", "грязная", "нет", "отопления"}
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]sample, 1000)
	for i := range out {
		var sb strings.Builder
		for j := 0; j < 12+r.IntN(30); j++ {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[r.IntN(len(words))])
		}
		// Inside the city's built-up core, where every district is.
		out[i] = sample{Text: "Проверка нагрузки: " + sb.String(), Lat: 59.85 + r.Float64()*0.15, Lon: 30.20 + r.Float64()*0.25}
	}
	return out
}
