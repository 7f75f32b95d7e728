package appeal

// Learning the routing table from a region's history: which body answers
// appeals of each reason in each district. Pure functions over the
// portal's export (the format of ../shared/data/spb-appeals-dev.jsonl.gz):
// no database, so the figure is reproducible anywhere.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strconv"
	"strings"
)

// PortalRecord is what learning reads of one appeal of a portal export.
type PortalRecord struct {
	ID          int64          `json:"id"`
	CreatedAt   string         `json:"created_at"` // ISO, sortable as text
	District    string         `json:"district"`   // "Приморский"
	Category    string         `json:"category"`
	Subcategory string         `json:"subcategory"`
	Answers     []PortalAnswer `json:"answers"`
}

// PortalAnswer is one official answer of a portal record.
type PortalAnswer struct {
	At string `json:"at"`
	By string `json:"by"` // the answering organisation's name
}

// FirstAnswerBy is the body that answered first ("" when unanswered): the
// body the appeal was (in the end) routed to.
func (r PortalRecord) FirstAnswerBy() string {
	by, at := "", ""
	for _, a := range r.Answers {
		if a.By != "" && (by == "" || a.At < at) {
			by, at = a.By, a.At
		}
	}
	return by
}

// Limits of ReadPortalRecords: a line of the export is a few kilobytes.
const (
	maxPortalLine    = 4 << 20
	maxPortalRecords = 5_000_000
)

// ReadPortalRecords reads JSON lines, gzip-compressed or not (told by the
// first bytes). A malformed line is an error naming it.
func ReadPortalRecords(r io.Reader) ([]PortalRecord, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("appeal: portal records: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), maxPortalLine)
	var out []PortalRecord
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if len(out) == maxPortalRecords {
			return nil, fmt.Errorf("appeal: portal records: more than %d", maxPortalRecords)
		}
		var rec PortalRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("appeal: portal records: line %d: %w", line, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("appeal: portal records: %w", err)
	}
	return out, nil
}

// SplitByTime orders records by creation time (then id) and holds out the
// last share of them for testing: the split the classifier uses too, so
// both figures are measured on the same later appeals.
func SplitByTime(recs []PortalRecord, heldOut float64) (train, test []PortalRecord) {
	s := append([]PortalRecord(nil), recs...)
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].CreatedAt != s[j].CreatedAt {
			return s[i].CreatedAt < s[j].CreatedAt
		}
		return s[i].ID < s[j].ID
	})
	cut := len(s) - int(float64(len(s))*heldOut)
	return s[:cut], s[cut:]
}

// SplitByID holds out a random fifth of the records, drawn by id (FNV-1a
// of the decimal id, remainder 0 of 5: the classifier's textclass.IDSplit)
// — the kind of split the baselines quoted for this data use.
func SplitByID(recs []PortalRecord) (train, test []PortalRecord) {
	for _, r := range recs {
		h := fnv.New32a()
		h.Write([]byte(strconv.FormatInt(r.ID, 10)))
		if h.Sum32()%5 == 0 {
			test = append(test, r)
		} else {
			train = append(train, r)
		}
	}
	return train, test
}

// LearnedRoute is one rule learned from history, in the portal's names:
// Reason "" is every reason of the category, District "" anywhere.
type LearnedRoute struct {
	Category string
	Reason   string
	District string
	Body     string  // the answering organisation's name
	Support  int     // answered appeals the rule was learned from
	Share    float64 // of them, answered by Body
}

// LearnedTable is a routing table in the portal's names; Pick resolves in
// the order Service.Resolve does.
type LearnedTable struct {
	Rules []LearnedRoute
	index map[[3]string]string
}

// Dominance is the share of a key's answers one body must give for a
// fallback rule (reason anywhere, category in a district) to be learned:
// below it the fallback would mostly be wrong, and the next one is used.
const Dominance = 0.5

// MinSupport is how many answered appeals a fallback rule must be learned
// from: one appeal in one district says nothing about the city.
const MinSupport = 5

type tally struct {
	n         int
	by        map[string]int
	districts map[string]bool
}

func (t *tally) add(body, district string) {
	if t.by == nil {
		t.by, t.districts = map[string]int{}, map[string]bool{}
	}
	t.n++
	t.by[body]++
	t.districts[district] = true
}

// top is the body with most answers (ties: the name first in order, so
// learning is deterministic).
func (t *tally) top() (string, int) {
	best, n := "", 0
	for b, k := range t.by {
		if k > n || k == n && b < best {
			best, n = b, k
		}
	}
	return best, n
}

// LearnRoutes learns, for each (reason, district), the body that most often
// gave the first answer; for a reason anywhere and a category in a district
// where one body dominates; and for each category anywhere as the last
// resort, so every reason routes somewhere. Rules that the less specific
// ones would resolve the same way are left out, to keep the table short.
func LearnRoutes(recs []PortalRecord) *LearnedTable {
	counts := map[[3]string]*tally{}
	count := func(k [3]string, body, district string) {
		t := counts[k]
		if t == nil {
			t = &tally{}
			counts[k] = t
		}
		t.add(body, district)
	}
	for _, r := range recs {
		body := r.FirstAnswerBy()
		if body == "" || r.Category == "" {
			continue
		}
		c, s := taxTitleKey(r.Category), taxTitleKey(r.Subcategory)
		d := strings.TrimSpace(r.District)
		count([3]string{c, s, d}, body, d)
		count([3]string{c, s, ""}, body, d)
		if d != "" {
			count([3]string{c, "", d}, body, d)
		}
		count([3]string{c, "", ""}, body, d)
	}
	t := &LearnedTable{index: map[[3]string]string{}}
	// Fallbacks first: the specific rules are pruned against them.
	for k, c := range counts {
		fallback := k[1] == "" || k[2] == ""
		if !fallback {
			continue
		}
		body, n := c.top()
		dominant := float64(n) >= Dominance*float64(c.n) && c.n >= MinSupport
		if k[2] == "" {
			// Anywhere: only a body that answers across districts.
			dominant = dominant && len(c.districts) > 1
		}
		if k[1] == "" && k[2] == "" || dominant {
			t.index[k] = body
		}
	}
	for k, c := range counts {
		if k[1] == "" || k[2] == "" {
			continue
		}
		body, _ := c.top()
		if got, _ := t.pick(k[0], k[1], k[2]); got != body {
			t.index[k] = body
		}
	}
	// A category-in-district rule equal to the category's city-wide one
	// adds nothing either.
	for k, body := range t.index {
		if k[1] == "" && k[2] != "" && t.index[[3]string{k[0], "", ""}] == body {
			delete(t.index, k)
		}
	}
	for k, body := range t.index {
		c := counts[k]
		_, n := c.top()
		t.Rules = append(t.Rules, LearnedRoute{Category: k[0], Reason: k[1], District: k[2], Body: body, Support: c.n, Share: float64(n) / float64(c.n)})
	}
	sort.Slice(t.Rules, func(i, j int) bool {
		a, b := t.Rules[i], t.Rules[j]
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if a.Reason != b.Reason {
			return a.Reason < b.Reason
		}
		return a.District < b.District
	})
	return t
}

// Pick returns the body the table routes an appeal to: reason in the
// district, reason anywhere, category in the district, category anywhere.
func (t *LearnedTable) Pick(category, reason, district string) (string, bool) {
	return t.pick(taxTitleKey(category), taxTitleKey(reason), strings.TrimSpace(district))
}

func (t *LearnedTable) pick(c, s, d string) (string, bool) {
	for _, k := range [][3]string{{c, s, d}, {c, s, ""}, {c, "", d}, {c, "", ""}} {
		if b, ok := t.index[k]; ok {
			return b, true
		}
	}
	return "", false
}

// CategoryScore is the figure of one category.
type CategoryScore struct {
	Category string
	Total    int
	Correct  int
}

// RoutingScore is how often the table alone picks the body that answered.
type RoutingScore struct {
	Rules      int // rules of the learned table
	Total      int // test appeals with an answer
	Correct    int // of them, answered first by the table's pick
	NoRule     int // of them, with no rule (a category unseen in training)
	Accuracy   float64
	ByCategory []CategoryScore // most appeals first
}

// EvalRouting learns the table from train and scores it on test: the
// share of test appeals with an answer whose first answering body is the
// table's pick.
func EvalRouting(train, test []PortalRecord) RoutingScore {
	t := LearnRoutes(train)
	sc := RoutingScore{Rules: len(t.Rules)}
	per := map[string]*CategoryScore{}
	for _, r := range test {
		body := r.FirstAnswerBy()
		if body == "" {
			continue
		}
		cs := per[r.Category]
		if cs == nil {
			cs = &CategoryScore{Category: r.Category}
			per[r.Category] = cs
		}
		sc.Total++
		cs.Total++
		got, ok := t.Pick(r.Category, r.Subcategory, r.District)
		if !ok {
			sc.NoRule++
		}
		if got == body {
			sc.Correct++
			cs.Correct++
		}
	}
	if sc.Total > 0 {
		sc.Accuracy = float64(sc.Correct) / float64(sc.Total)
	}
	for _, cs := range per {
		sc.ByCategory = append(sc.ByCategory, *cs)
	}
	sort.Slice(sc.ByCategory, func(i, j int) bool {
		a, b := sc.ByCategory[i], sc.ByCategory[j]
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		return a.Category < b.Category
	})
	return sc
}
