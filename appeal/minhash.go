package appeal

import (
	"math"
	"slices"
	"strings"
)

// Near-duplicate search at scale: MinHash signatures of each text's
// shingles (its stemmed words and neighbouring word pairs, as Similarity
// sees them), banded into an LSH index so that only texts sharing a band
// are compared, then each candidate pair verified — estimated Jaccard at
// least the threshold and the points within the radius — and joined with
// union-find; two texts naming different numbers are never joined, and
// texts of a word or two only when much closer. With 128 hashes in 32 bands of 4 rows, a pair of Jaccard
// similarity J becomes a candidate with probability 1 − (1 − J⁴)³²:
// 0.87 at J = 0.4, 0.9996 at J = 0.6, 0.07 at J = 0.2, so a threshold of
// 0.5 loses about 1 pair in 100 and compares few unrelated ones.

// The signature's shape: minhashK hashes in minhashBands bands.
const (
	minhashK     = 128
	minhashBands = 32
	minhashRows  = minhashK / minhashBands
)

// minHasher holds the hash functions h_i(x) = high 32 bits of a_i·x + b_i
// (multiply-add-shift hashing, a_i odd). They are fixed (seeded by a
// constant): signatures stay comparable between runs and machines.
type minHasher struct {
	a, b [minhashK]uint64
}

func newMinHasher() *minHasher {
	var m minHasher
	state := uint64(0x6f6b6e6f2d6d6800) // "okno-mh"
	for i := range minhashK {
		m.a[i] = splitmix(&state) | 1
		m.b[i] = splitmix(&state)
	}
	return &m
}

// splitmix is SplitMix64: a fixed, well-mixed sequence from a seed.
func splitmix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// shingleHashes appends to dst the 64-bit hashes of tokens' shingles —
// every word and every pair of neighbouring words — without repeats.
func shingleHashes(tokens []string, dst []uint64) []uint64 {
	dst = dst[:0]
	var prev uint64
	for i, t := range tokens {
		h := fnv64(t)
		dst = append(dst, h)
		if i > 0 {
			// A pair is its words' hashes mixed, not re-hashed text.
			s := prev*0x9e3779b97f4a7c15 ^ (h + 0x632be59bd9b4e019)
			dst = append(dst, splitmix(&s))
		}
		prev = h
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// fnv64 is FNV-1a of s.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// signature writes the MinHash signature of a set of shingle hashes into
// sig (minhashK values). An empty set gives all-ones, which matches
// nothing but another empty set; callers skip empty texts.
func (m *minHasher) signature(hs []uint64, sig []uint32) {
	for i := range minhashK {
		sig[i] = math.MaxUint32
	}
	for _, x := range hs {
		for i := range minhashK {
			if v := uint32((m.a[i]*x + m.b[i]) >> 32); v < sig[i] {
				sig[i] = v
			}
		}
	}
}

// estimateJaccard is the share of equal positions of two signatures: an
// unbiased estimate of their sets' Jaccard similarity (standard error
// √(J(1−J)/128) ≤ 0.045).
func estimateJaccard(a, b []uint32) float64 {
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// bandKey hashes one band of a signature.
func bandKey(band []uint32, b int) uint64 {
	h := uint64(b)*0x9e3779b97f4a7c15 + 0x2545f4914f6cdd1d
	for _, v := range band {
		h ^= uint64(v)
		h *= 0xff51afd7ed558ccd
		h ^= h >> 33
	}
	return h
}

// A text of fewer than shortText words is short: two short texts are
// near-duplicates only within the radius divided by shortRadiusDiv
// ("Надписи на знаке" a kilometre apart are two signs).
const (
	shortText      = 3
	shortRadiusDiv = 5
)

// numbersKey is a hash of the set of numbers in text (runs of digits),
// 0 when there are none: two texts naming different numbers ("5 этаж",
// "12 этаж", "у 1-го подъезда") are about different things however alike
// their words. Tokens drops one-digit words, so it reads the text itself.
func numbersKey(text string) uint64 {
	var ns []uint64
	for f := range strings.FieldsFuncSeq(text, func(r rune) bool { return r < '0' || r > '9' }) {
		ns = append(ns, fnv64(strings.TrimLeft(f, "0")))
	}
	if len(ns) == 0 {
		return 0
	}
	slices.Sort(ns)
	ns = slices.Compact(ns)
	h := uint64(1)
	for _, v := range ns {
		h = h*0x9e3779b97f4a7c15 ^ v
	}
	return h | 1
}

// unionFind joins items into groups.
type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
	}
	return u
}

func (u *unionFind) find(i int32) int32 {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]] // path halving
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int32) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		if ra < rb {
			u.parent[rb] = ra
		} else {
			u.parent[ra] = rb
		}
	}
}

// dupItem is a text to group: its tokens, the key of its numbers
// (numbersKey) and its point.
type dupItem struct {
	Tokens   []string
	Numbers  uint64
	Lat, Lon float64
}

// dupParams are the verification's thresholds.
type dupParams struct {
	Threshold float64 // estimated Jaccard at least this
	Radius    float64 // metres between the points at most this
}

// dupResult is what grouping found: groups of item indexes (each sorted,
// groups by their first item), and per group the mean estimated
// similarity of the pairs that joined it.
type dupResult struct {
	Groups     [][]int
	Similarity []float64
	Candidates int // pairs compared
	Pairs      int // pairs verified and joined
}

// groupDuplicates groups items whose texts are near-duplicates and whose
// points are within the radius. Items without tokens stay alone.
func groupDuplicates(items []dupItem, p dupParams) dupResult {
	n := len(items)
	mh := newMinHasher()
	sigs := make([]uint32, n*minhashK)
	has := make([]bool, n)
	var hs []uint64
	for i, it := range items {
		hs = shingleHashes(it.Tokens, hs)
		if len(hs) == 0 {
			continue
		}
		has[i] = true
		mh.signature(hs, sigs[i*minhashK:(i+1)*minhashK])
	}
	sig := func(i int32) []uint32 { return sigs[int(i)*minhashK : (int(i)+1)*minhashK] }

	// What tells two similar texts apart: their numbers (a house, an
	// entrance, a floor), and for texts of a word or two, which say
	// little, a place much closer than the radius.
	short := make([]bool, n)
	for i, it := range items {
		short[i] = len(it.Tokens) < shortText
	}
	uf := newUnionFind(n)
	var res dupResult
	simSum := make([]float64, n) // by the item that joined, summed per group later
	joined := make([]int32, 0, n)
	// radiusDeg bounds the latitude difference of points within Radius.
	radiusDeg := p.Radius / metresPerDegree
	buckets := map[uint64][]int32{}
	for b := range minhashBands {
		clear(buckets)
		for i := range n {
			if has[i] {
				k := bandKey(sigs[i*minhashK+b*minhashRows:i*minhashK+(b+1)*minhashRows], b)
				buckets[k] = append(buckets[k], int32(i))
			}
		}
		for _, members := range buckets {
			if len(members) < 2 {
				continue
			}
			// A sweep by latitude: only points close enough north-south
			// are compared, which keeps a bucket of a thousand copies of
			// "яма" across the city from costing a million comparisons.
			slices.SortFunc(members, func(a, b int32) int {
				switch la, lb := items[a].Lat, items[b].Lat; {
				case la < lb:
					return -1
				case la > lb:
					return 1
				}
				return int(a - b)
			})
			for x, i := range members {
				for _, j := range members[x+1:] {
					if items[j].Lat-items[i].Lat > radiusDeg {
						break
					}
					if uf.find(i) == uf.find(j) {
						continue
					}
					res.Candidates++
					if ni, nj := items[i].Numbers, items[j].Numbers; ni != 0 && nj != 0 && ni != nj {
						continue
					}
					radius := p.Radius
					if short[i] || short[j] {
						radius /= shortRadiusDiv
					}
					if distance(items[i].Lat, items[i].Lon, items[j].Lat, items[j].Lon) > radius {
						continue
					}
					sim := estimateJaccard(sig(i), sig(j))
					if sim < p.Threshold {
						continue
					}
					uf.union(i, j)
					res.Pairs++
					simSum[i] += sim
					joined = append(joined, i)
				}
			}
		}
	}

	byRoot := map[int32]int{}
	var all [][]int
	for i := range n {
		r := uf.find(int32(i))
		g, ok := byRoot[r]
		if !ok {
			g = len(all)
			byRoot[r] = g
			all = append(all, nil)
		}
		all[g] = append(all[g], i)
	}
	simOf := make([]float64, len(all))
	edges := make([]int, len(all))
	for _, i := range joined {
		g := byRoot[uf.find(i)]
		simOf[g] += simSum[i]
		simSum[i] = 0
		edges[g]++
	}
	for g, members := range all {
		if len(members) >= 2 {
			res.Groups = append(res.Groups, members)
			res.Similarity = append(res.Similarity, simOf[g]/float64(max(edges[g], 1)))
		}
	}
	return res
}
