package catalog

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/rusearch"
)

// List limits.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Weights of a service's texts in the search index, relative to the
// title's rusearch.TitleWeight: the summary says what the service is in
// other words; the category, the situations and the body are how people
// group it; who may apply and the result are long and mention much, so
// they only break ties.
const (
	summaryWeight   = 1.0
	groupWeight     = 0.6
	orgWeight       = 0.4
	cardTextWeight  = 0.2
	documentsWeight = 0.15
)

// view is the published catalogue as lists and searches read it: built
// from the database in one piece and swapped atomically, so a reader
// never sees a list from one edit and an index from another.
type view struct {
	services   []Summary // by title, then ID
	sortKeys   []string  // services[i]'s position key
	byCode     map[string]int
	situations []Situation                // in order; Services: the published ones
	inSit      map[string]map[string]bool // situation → service codes
	agencies   []AgencyEntry              // bodies with published services, by name
	index      *rusearch.Index
}

// current returns the view, rebuilding it first when an edit made it stale.
// Edits only mark it stale, so loading a catalogue of thousands of services
// one Put at a time rebuilds it once, at the first read.
func (s *Catalog) current(ctx context.Context) (*view, error) {
	if v := s.view.Load(); v != nil && !s.stale.Load() {
		return v, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.view.Load(); v != nil && !s.stale.Load() {
		return v, nil
	}
	s.stale.Store(false) // an edit committing while we read marks it again
	v, err := s.build(ctx)
	if err != nil {
		s.stale.Store(true)
		return nil, err
	}
	s.view.Store(v)
	return v, nil
}

// indexed is what the view reads of a published service.
type indexed struct {
	Summary
	keywords []string
	card     Card
}

func (s *Catalog) build(ctx context.Context) (*view, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT id, code, title, summary, keywords, level, recipients, kind, org_id, category, card
		FROM services WHERE published = ?`, true)
	if err != nil {
		return nil, fmt.Errorf("catalog: load: %w", err)
	}
	var all []indexed
	for rows.Next() {
		var (
			x                                      indexed
			title, summary, keywords, recips, card string
		)
		if err := rows.Scan(&x.ID, &x.Code, &title, &summary, &keywords, &x.Level, &recips, &x.Kind, &x.OrgID, &x.Category, &card); err != nil {
			rows.Close()
			return nil, err
		}
		if err := unmarshalTexts(title, &x.Title, summary, &x.Summary.Summary, keywords, &x.keywords, recips, &x.Recipients, card, &x.card); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	catTitle := map[string]Text{}
	for _, c := range cats {
		catTitle[c.Code] = c.Title
	}
	sits, err := s.allSituations(ctx)
	if err != nil {
		return nil, err
	}
	orgs := map[int64][2]string{} // short name, full name
	for i := range all {
		names, ok := orgs[all[i].OrgID]
		if !ok {
			o, err := s.d.Orgs.Get(ctx, all[i].OrgID)
			if err != nil {
				return nil, fmt.Errorf("catalog: service %s: %w", all[i].Code, err)
			}
			names = [2]string{o.ShortName, o.Name}
			if names[0] == "" {
				names[0] = o.Name
			}
			orgs[all[i].OrgID] = names
		}
		all[i].OrgName = names[0]
	}

	v := &view{byCode: map[string]int{}, inSit: map[string]map[string]bool{}}
	sort.Slice(all, func(i, j int) bool {
		a, b := sortKey(all[i].Summary), sortKey(all[j].Summary)
		return a < b
	})
	published := map[string]bool{}
	for i, x := range all {
		v.services = append(v.services, x.Summary)
		v.sortKeys = append(v.sortKeys, sortKey(x.Summary))
		v.byCode[x.Code] = i
		published[x.Code] = true
	}
	count := map[int64]int{}
	for _, x := range all {
		count[x.OrgID]++
	}
	for id, n := range count {
		v.agencies = append(v.agencies, AgencyEntry{OrgID: id, Name: orgs[id][0], Services: n})
	}
	sort.Slice(v.agencies, func(i, j int) bool {
		a, b := v.agencies[i], v.agencies[j]
		return a.Name < b.Name || a.Name == b.Name && a.OrgID < b.OrgID
	})
	sitTitles := map[string][]string{} // service → titles of its situations
	for _, st := range sits {
		set := map[string]bool{}
		codes := st.Services[:0:0]
		for _, c := range st.Services {
			if published[c] {
				codes = append(codes, c)
				set[c] = true
				sitTitles[c] = append(sitTitles[c], st.Title["ru"])
			}
		}
		st.Services = codes
		v.situations = append(v.situations, st)
		v.inSit[st.Code] = set
	}

	docs := make([]rusearch.Doc, 0, len(all))
	for _, x := range all {
		d := rusearch.Doc{ID: x.Code, Title: x.Title["ru"], Keywords: x.keywords}
		add := func(text string, w float64) {
			if strings.TrimSpace(text) != "" {
				d.Fields = append(d.Fields, rusearch.Field{Text: text, Weight: w})
			}
		}
		add(x.Summary.Summary["ru"], summaryWeight)
		add(catTitle[x.Category]["ru"], groupWeight)
		add(strings.Join(sitTitles[x.Code], ". "), groupWeight)
		add(orgs[x.OrgID][0]+". "+orgs[x.OrgID][1], orgWeight)
		add(x.card.WhoMay["ru"]+" "+x.card.Result["ru"], cardTextWeight)
		var docTitles []string
		for _, doc := range x.card.Documents {
			docTitles = append(docTitles, doc.Title["ru"])
		}
		add(strings.Join(docTitles, ". "), documentsWeight)
		docs = append(docs, d)
	}
	if v.index, err = rusearch.New(docs, rusearch.Options{}); err != nil {
		return nil, fmt.Errorf("catalog: search index: %w", err)
	}
	return v, nil
}

// sortKey orders services by their Russian title as people read it (case
// and ё folded), then by ID so that equal titles still page stably.
func sortKey(x Summary) string {
	return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(x.Title["ru"], "ё", "е"), "Ё", "Е")) + "\x00" + fmt.Sprintf("%020d", x.ID)
}

// allSituations reads every life situation with every service it names.
func (s *Catalog) allSituations(ctx context.Context) ([]Situation, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT code, title, summary, position FROM service_situations ORDER BY position, code`)
	if err != nil {
		return nil, err
	}
	var out []Situation
	idx := map[string]int{}
	for rows.Next() {
		var st Situation
		var title, summary string
		if err := rows.Scan(&st.Code, &title, &summary, &st.Position); err != nil {
			rows.Close()
			return nil, err
		}
		if err := unmarshalTexts(title, &st.Title, summary, &st.Summary); err != nil {
			rows.Close()
			return nil, err
		}
		idx[st.Code] = len(out)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.d.DB.QueryContext(ctx, `SELECT situation_code, service_code FROM situation_services ORDER BY situation_code, position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sc, c string
		if err := rows.Scan(&sc, &c); err != nil {
			return nil, err
		}
		if i, ok := idx[sc]; ok {
			out[i].Services = append(out[i].Services, c)
		}
	}
	return out, rows.Err()
}

// matches reports whether a service passes q's filters.
func (v *view) matches(x Summary, q Query) bool {
	switch {
	case q.Category != "" && x.Category != q.Category,
		q.Level != "" && x.Level != q.Level,
		q.OrgID != 0 && x.OrgID != q.OrgID,
		q.Situation != "" && !v.inSit[q.Situation][x.Code]:
		return false
	}
	if q.Recipient == "" {
		return true
	}
	for _, r := range x.Recipients {
		if r == q.Recipient {
			return true
		}
	}
	return false
}

// List returns published services matching q, by title, a page at a time:
// the cursor is the last service's position key (keyset paging over the
// view, so an edit between pages neither repeats nor skips a service).
func (s *Catalog) List(ctx context.Context, q Query) (Page[Summary], error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	start := 0
	v, err := s.current(ctx)
	if err != nil {
		return Page[Summary]{}, err
	}
	if q.After != "" {
		after, err := decodeCursor(q.After)
		if err != nil {
			return Page[Summary]{}, err
		}
		start = sort.SearchStrings(v.sortKeys, after)
		if start < len(v.sortKeys) && v.sortKeys[start] == after {
			start++
		}
	}
	var p Page[Summary]
	last := 0
	for i := start; i < len(v.services); i++ {
		if !v.matches(v.services[i], q) {
			continue
		}
		if len(p.Items) == limit {
			p.Next = encodeCursor(v.sortKeys[last])
			break
		}
		p.Items = append(p.Items, v.services[i])
		last = i
	}
	return p, nil
}

func encodeCursor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) > 4*MaxTitle+32 {
		return "", okno.Invalid(okno.FieldError{Field: "after", Key: "catalog.cursor_bad"})
	}
	return string(b), nil
}

// Search finds published services for a query as people type it; q's
// filters (level, recipient, category, situation, body) narrow the
// results. A query longer than the engine reads is refused (EINVALID).
func (s *Catalog) Search(ctx context.Context, text string, q Query, limit int) ([]Hit, error) {
	if err := rusearch.CheckQuery(text); err != nil {
		return nil, okno.Invalid(okno.FieldError{Field: "q", Key: "catalog.query_long", Args: []any{rusearch.MaxQueryWords}})
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, rusearch.MaxLimit)
	v, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	// Ask for the most the engine gives when filtering, so that filters
	// narrow the best matches rather than a first page of them.
	ask := limit
	if q != (Query{Limit: q.Limit, After: q.After}) {
		ask = rusearch.MaxLimit
	}
	var out []Hit
	for _, h := range v.index.Search(text, ask) {
		i, ok := v.byCode[h.ID]
		if !ok || !v.matches(v.services[i], q) {
			continue
		}
		out = append(out, Hit{Summary: v.services[i], Score: h.Score, Matched: h.Matched})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}
