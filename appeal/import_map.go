package appeal

// The mapping of the import (see import.go): a line of the portal's
// export read and turned into this region's ids — reason, territory,
// organisation — and into the case's timeline.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
)

// importRecord is one line of the portal's export.
type importRecord struct {
	ID          importNumber `json:"id"`
	CreatedAt   string       `json:"created_at"`
	District    string       `json:"district"`
	Address     string       `json:"address"`
	Lat         importNumber `json:"lat"`
	Lon         importNumber `json:"lon"`
	Category    string       `json:"category"`
	Subcategory string       `json:"subcategory"`
	Text        string       `json:"text"`
	Photos      int          `json:"photos"`
	Expected    *string      `json:"expected_answer_at"`
	Answers     []struct {
		At   string `json:"at"`
		By   string `json:"by"`
		Text string `json:"text"`
	} `json:"answers"`
	Statuses []struct {
		At     string `json:"at"`
		Status string `json:"status"`
	} `json:"statuses"`
	Reroutes      int `json:"reroutes"`
	Recategorized int `json:"recategorized"`
	Municipality  *struct {
		Name string `json:"name"`
	} `json:"municipality"`
	CityObject *struct {
		Name string `json:"name"`
	} `json:"city_object"`
}

// importNumber is a number the export writes as a JSON string ("59.99")
// or as a number; it keeps the text, and parse reads it.
type importNumber string

// UnmarshalJSON implements json.Unmarshaler.
func (n *importNumber) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = importNumber(strings.TrimSpace(s))
		return nil
	}
	*n = importNumber(b)
	return nil
}

// importStatuses maps the portal's statuses (normalised: see normTitle)
// to the appeal process's states. Every status in Saint Petersburg's
// export of 2020–2021 is here, with the closing ones the portal is known
// to use besides.
var importStatuses = map[string]string{
	"модерация":                   "moderation",
	"на модерации":                "moderation",
	"рассмотрение":                "review",
	"на рассмотрении":             "review",
	"возвращено в работу":         "review",
	"промежуточный ответ":         "interim",
	"получен промежуточный ответ": "interim",
	"получен ответ":               "answered",
	"завершено: пользователь удовлетворен решением проблемы":    "closed_fixed",
	"завершено: народный контролер подтвердил решение проблемы": "closed_fixed",
	"завершено: автоматически":                                  "closed_auto",
	"завершено: пользователь не удовлетворен решением проблемы": "closed_not_fixed",
	"завершено: проблема не решена":                             "closed_not_fixed",
	"проблема не решена":                                        "closed_not_fixed",
	"отклонено":                                                 "rejected",
	"отклонено модератором":                                     "rejected",
}

// answerStates are the states an answer of the body leads to.
func importAnswerState(state string) bool { return state == "answered" || state == "interim" }

// importTimeLayout is the portal's time: Moscow local time, no zone.
const importTimeLayout = "2006-01-02T15:04:05.999999999"

// importMapper turns the portal's names into this region's ids. One
// goroutine uses it: the import's reader.
type importMapper struct {
	s        *Service
	opts     ImportOptions
	unmapped map[string]int // statuses not in importStatuses, by name
	loc      *time.Location
	process  string
	reasons  map[string]importReason // normTitle(category) + "\x00" + normTitle(reason)
	other    map[string]importReason // normTitle(category) → its "other" reason
	// districts maps normTitle(name without "район") → territory id.
	districts map[string]int64
	districtL map[int64]bool     // the district-level territories
	routes    map[[2]int64]int64 // (reason, territory) → the routing table's organisation
	routeIDs  map[[2]int64]int64 // … and its rule
}

type importReason struct {
	category, reason int64
	legal            *calendar.Period
	subject          string
}

func (s *Service) newImportMapper(ctx context.Context, opts ImportOptions) (*importMapper, error) {
	m := &importMapper{s: s, opts: opts, unmapped: map[string]int{}, loc: calendar.DefaultLocation(), process: ProcessName,
		reasons: map[string]importReason{}, other: map[string]importReason{},
		districts: map[string]int64{}, districtL: map[int64]bool{},
		routes: map[[2]int64]int64{}, routeIDs: map[[2]int64]int64{}}
	if s.d.Calendars != nil {
		m.loc = s.d.Calendars.Current().Location()
	}
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		return nil, fmt.Errorf("appeal: import: taxonomy: %w", err)
	}
	for _, c := range tax.Categories {
		for _, r := range c.Reasons {
			legal := r.Legal
			if legal == nil {
				legal = c.Legal
			}
			ir := importReason{category: c.ID, reason: r.ID, legal: legal, subject: r.Title}
			m.reasons[normTitle(c.Title)+"\x00"+normTitle(r.Title)] = ir
			if importIsOther(r) {
				m.other[normTitle(c.Title)] = ir
			}
		}
	}
	if s.d.Territories != nil {
		for after := int64(0); ; {
			ts, err := s.d.Territories.List(ctx, geo.ListQuery{Level: geo.LevelDistrict, AfterID: after, Limit: 1000})
			if err != nil {
				return nil, fmt.Errorf("appeal: import: territories: %w", err)
			}
			if len(ts) == 0 {
				break
			}
			for _, t := range ts {
				m.districts[importDistrictKey(t.Name)] = t.ID
				m.districtL[t.ID] = true
				after = t.ID
			}
		}
	}
	return m, nil
}

// titleQuotes drops the quotes titles are written with.
var titleQuotes = strings.NewReplacer(`"`, "", "«", "", "»", "", "“", "", "”", "")

// normTitle is a title as the import compares it: lower case, ё as е,
// runs of spaces as one, no quotes.
func normTitle(s string) string {
	s = strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "ё", "е"), "Ё", "Е"))
	s = titleQuotes.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// importDistrictKey is a district's name without the word "район": the portal
// says "Приморский", the territory is "Приморский район".
func importDistrictKey(name string) string {
	f := strings.Fields(normTitle(name))
	f = slices.DeleteFunc(f, func(w string) bool { return w == "район" })
	return strings.Join(f, " ")
}

// importShort is s cut to a length a message can quote.
func importShort(s string) string {
	const max = 120
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

// importIsOther says whether a reason is its category's catch-all.
func importIsOther(r Reason) bool {
	t := normTitle(r.Title)
	return strings.HasSuffix(r.Code, "-other") || strings.HasSuffix(r.Code, ".other") ||
		strings.HasPrefix(t, "другое") || strings.HasPrefix(t, "прочее") || strings.HasPrefix(t, "иное")
}

// parse reads and maps one record. A record that cannot be imported is an
// error naming its fields.
func (m *importMapper) parse(ctx context.Context, raw []byte) (importPending, error) {
	var rec importRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return importPending{}, okno.Errorf(okno.EINVALID, "appeal.import_json")
	}
	var p importPending
	var fe okno.FieldErrors
	id, err := strconv.ParseInt(string(rec.ID), 10, 64)
	if err != nil || id <= 0 {
		fe.Add("id", "appeal.import_id_invalid")
		return p, fe.Err()
	}
	p.externalID = m.opts.Source + ":" + strconv.FormatInt(id, 10)
	created, ok := m.time(rec.CreatedAt)
	if !ok {
		fe.Add("created_at", "appeal.import_time_invalid")
	}
	p.lat, err = strconv.ParseFloat(string(rec.Lat), 64)
	if err != nil {
		p.lat = math.NaN()
	}
	p.lon, err = strconv.ParseFloat(string(rec.Lon), 64)
	if err != nil {
		p.lon = math.NaN()
	}
	if !validPoint(p.lat, p.lon) {
		fe.Add("lat", "appeal.import_point_invalid")
	}
	p.text = strings.TrimSpace(rec.Text)
	switch n := utf8.RuneCountInString(p.text); {
	case !utf8.ValidString(p.text) || n == 0:
		fe.Add("text", "appeal.import_text_missing")
	case n > m.s.d.Limits.MaxText:
		fe.Add("text", "appeal.import_text_too_long", m.s.d.Limits.MaxText)
	}
	p.address = strings.TrimSpace(rec.Address)
	if utf8.RuneCountInString(p.address) > maxImportAddress || !utf8.ValidString(p.address) {
		fe.Add("address", "appeal.import_too_long", maxImportAddress)
	}
	for _, c := range []struct {
		field string
		n     int
	}{{"photos", rec.Photos}, {"reroutes", rec.Reroutes}, {"recategorized", rec.Recategorized}} {
		if c.n < 0 || c.n > maxImportCount {
			fe.Add(c.field, "appeal.import_count_invalid", maxImportCount)
		}
	}
	p.photos, p.reroutes, p.recat = rec.Photos, rec.Reroutes, rec.Recategorized
	if len(rec.Answers) > maxImportAnswers {
		fe.Add("answers", "appeal.import_too_many", maxImportAnswers)
	}
	if len(rec.Statuses) > maxImportStatuses {
		fe.Add("statuses", "appeal.import_too_many", maxImportStatuses)
	}
	reason, ok := m.reasons[normTitle(rec.Category)+"\x00"+normTitle(rec.Subcategory)]
	if !ok {
		if reason, ok = m.other[normTitle(rec.Category)]; ok {
			p.other = true
		} else {
			fe.Add("subcategory", "appeal.import_reason_unknown", importShort(rec.Category), importShort(rec.Subcategory))
		}
	}
	if err := fe.Err(); err != nil {
		return p, err
	}
	p.category, p.reason = reason.category, reason.reason
	p.territory = m.territory(ctx, rec.District, p.lat, p.lon)

	events, err := m.timeline(&rec, created, &p)
	if err != nil {
		return p, err
	}
	org, err := m.organisation(ctx, &rec, &p)
	if err != nil {
		return p, err
	}
	p.org = org
	p.authorKey = importAuthorKey(m.s.d.Index, p.externalID)
	data := map[string]any{"text": p.text, "address": p.address, "external_id": p.externalID}
	if rec.Municipality != nil && rec.Municipality.Name != "" {
		data["municipality"] = rec.Municipality.Name
	}
	if rec.CityObject != nil && rec.CityObject.Name != "" {
		data["city_object"] = rec.CityObject.Name
	}
	p.historic = casework.Historic{Process: m.process, OrgID: org, Subject: reason.subject, Data: data,
		LegalClock: reason.legal, Key: p.externalID, CreatedAt: created, Events: events}
	if rec.Expected != nil && *rec.Expected != "" {
		if due, ok := m.time(*rec.Expected); ok && due.After(created) {
			p.historic.LegalDue = due
		}
	}
	return p, nil
}

// maxImportAddress bounds an address in characters.
const maxImportAddress = 1000

// time reads one of the portal's times (Moscow local time; an explicit
// zone is honoured).
func (m *importMapper) time(s string) (time.Time, bool) {
	if t, err := time.ParseInLocation(importTimeLayout, s, m.loc); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// territory is the district the portal names, or the one the point is in.
func (m *importMapper) territory(ctx context.Context, district string, lat, lon float64) int64 {
	if id, ok := m.districts[importDistrictKey(district)]; ok && district != "" {
		return id
	}
	if m.s.d.Territories == nil {
		return 0
	}
	ts, err := m.s.d.Territories.Lookup(ctx, lat, lon)
	if err != nil {
		return 0
	}
	for _, t := range ts {
		if m.districtL[t.ID] {
			return t.ID
		}
	}
	return 0
}

// importStep is a status change or an answer, in time order.
type importStep struct {
	at     time.Time
	state  string // "" for an answer
	answer int    // index into the answers, for an answer
}

// timeline turns the portal's statuses and answers into the case's
// events. The first status is the opening. Each answer goes with the
// status change it brought (the next one into interim or answered: the
// portal records the answer first, its status moments later) as that
// event's comment, signed by the body; an answer with no such change is
// an event of its own that leaves the state as it was.
func (m *importMapper) timeline(rec *importRecord, created time.Time, p *importPending) ([]casework.HistoricEvent, error) {
	var fe okno.FieldErrors
	var steps []importStep
	for i, st := range rec.Statuses {
		at, ok := m.time(st.At)
		if !ok {
			fe.Add(fmt.Sprintf("statuses[%d].at", i), "appeal.import_time_invalid")
			continue
		}
		state, ok := importStatuses[normTitle(st.Status)]
		if !ok {
			m.unmapped[st.Status]++
			continue
		}
		steps = append(steps, importStep{at: at, state: state})
	}
	answerAt := make([]time.Time, len(rec.Answers))
	for i, a := range rec.Answers {
		at, ok := m.time(a.At)
		if !ok {
			fe.Add(fmt.Sprintf("answers[%d].at", i), "appeal.import_time_invalid")
			continue
		}
		answerAt[i] = at
		if utf8.RuneCountInString(a.Text) > maxImportAnswer || utf8.RuneCountInString(a.By) > maxImportBy {
			fe.Add(fmt.Sprintf("answers[%d]", i), "appeal.import_answer_too_long", maxImportAnswer)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(steps, func(a, b importStep) int { return a.at.Compare(b.at) })
	// The opening is the case's own first event: a first status that is
	// moderation (the start) is it.
	if len(steps) > 0 && steps[0].state == "moderation" {
		steps = steps[1:]
	}
	// Pair answers with the changes they brought: for each change into
	// an answering state, the latest unused answer given by then.
	used := make([]bool, len(rec.Answers))
	paired := make([]int, len(steps))
	for i := range paired {
		paired[i] = -1
	}
	for i, st := range steps {
		if !importAnswerState(st.state) {
			continue
		}
		best := -1
		for j := range rec.Answers {
			if !used[j] && !answerAt[j].After(st.at) && (best < 0 || answerAt[j].After(answerAt[best])) {
				best = j
			}
		}
		if best >= 0 {
			used[best], paired[i] = true, best
		}
	}
	for j := range rec.Answers {
		if !used[j] {
			steps = append(steps, importStep{at: answerAt[j], answer: j})
		}
	}
	for i := range steps {
		if steps[i].state != "" {
			steps[i].answer = paired[i]
		}
	}
	slices.SortStableFunc(steps, func(a, b importStep) int { return a.at.Compare(b.at) })

	events := make([]casework.HistoricEvent, 0, len(steps))
	last, state := created, "moderation"
	for _, st := range steps {
		at := st.at
		if at.Before(last) { // the portal's clocks disagree by moments: keep the order
			at = last
		}
		e := casework.HistoricEvent{ToState: st.state, At: at}
		if st.answer >= 0 && (st.state == "" || importAnswerState(st.state)) {
			a := rec.Answers[st.answer]
			e.Comment, e.ActorName = strings.TrimSpace(a.Text), strings.TrimSpace(a.By)
		}
		if st.state != "" {
			// As the live projection counts them (projection.go): published
			// when moderation passes it, answered when the body first
			// answers or closes it, reopened when it leaves an answer or a
			// closing for more work.
			if state == "moderation" && st.state != "moderation" && st.state != "rejected" && p.published.IsZero() {
				p.published = at
			}
			if p.answered.IsZero() && importAnswered(st.state) {
				p.answered = at
			}
			if importAnswered(state) && !importAnswered(st.state) && st.state != "rejected" {
				p.reopened++
			}
			state = st.state
		}
		events = append(events, e)
		last = at
	}
	return events, nil
}

// Bounds of an answer.
const (
	maxImportAnswer = 10000
	maxImportBy     = 300
)

// importAnswered says whether a state of the appeal process means the
// body has answered: an answer, or a closing other than a rejection.
func importAnswered(state string) bool {
	switch state {
	case "answered", "closed_fixed", "closed_auto", "closed_not_fixed":
		return true
	}
	return false
}

// organisation picks the responsible body: the one that answered last,
// else the routing table's, else the district's administration.
func (m *importMapper) organisation(ctx context.Context, rec *importRecord, p *importPending) (int64, error) {
	for i := len(rec.Answers) - 1; i >= 0; i-- {
		if id, ok := m.opts.Orgs[strings.TrimSpace(rec.Answers[i].By)]; ok {
			p.orgBy = orgByAnswer
			return id, nil
		}
	}
	key := [2]int64{p.reason, p.territory}
	id, ok := m.routes[key]
	if !ok {
		r, err := m.s.Resolve(ctx, m.s.d.DB, p.reason, p.territory)
		switch {
		case err == nil:
			id = r.OrgID
			m.routeIDs[key] = r.ID
		case okno.IsCode(err, okno.ENOTFOUND): // no rule
		default:
			return 0, fmt.Errorf("appeal: import: route: %w", err)
		}
		m.routes[key] = id
	}
	if id != 0 {
		p.orgBy = orgByRoute
		p.route = m.routeIDs[key]
		return id, nil
	}
	if id := m.opts.DistrictOrgs[p.territory]; id != 0 && p.territory != 0 {
		p.orgBy = orgByDistrict
		return id, nil
	}
	return 0, okno.FieldErrors{{Field: "answers", Key: "appeal.import_org_unknown"}}.Err()
}

// importAuthorKey is the author key of a historic appeal: the export
// names no author, so each appeal stands for one (the blind index of
// "import:<external id>"), never matching a person's key.
func importAuthorKey(ix Indexer, externalID string) string {
	if ix == nil {
		return "import:" + externalID
	}
	return hex.EncodeToString(ix.BlindIndex("appeal.author", "import:"+externalID))
}
