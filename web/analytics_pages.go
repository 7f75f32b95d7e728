package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/i18n"
)

// analyticsGroupsPage is the data of /analytics/groups.
type analyticsGroupsPage struct {
	Tabs   []analyticsTab
	Groups []groupLine
}

type groupLine struct {
	appeal.Group
	URL        string
	Period     string
	Similarity string
}

func groupLineOf(l i18n.Localizer, g appeal.Group) groupLine {
	p := g.FirstAt.Format("02.01.2006")
	if last := g.LastAt.Format("02.01.2006"); last != p {
		p += " — " + last
	}
	return groupLine{Group: g, URL: "/analytics/groups/" + strconv.FormatInt(g.ID, 10), Period: p, Similarity: anPercent(l, g.Similarity)}
}

// analyticsGroups lists the groups of near-duplicate appeals, largest
// first (computed by the recurring job or `okno appeals analytics groups`).
func (s *Server) analyticsGroups(w http.ResponseWriter, r *http.Request) error {
	an, err := s.analytics()
	if err != nil {
		return err
	}
	l, actor := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	q := r.URL.Query()
	dq, _ := analyticsFilter(q, s.analyticsToday())
	gs, err := an.Groups(r.Context(), actor, appeal.GroupQuery{TerritoryID: dq.TerritoryID, CategoryID: dq.CategoryID, Limit: 100})
	if err != nil {
		return err
	}
	data := analyticsGroupsPage{Tabs: analyticsTabs(l, "/analytics/groups", q)}
	for _, g := range gs {
		data.Groups = append(data.Groups, groupLineOf(l, g))
	}
	return s.render(w, http.StatusOK, "analytics-groups", s.view(w, r, "web.analytics.groups.title", data))
}

// analyticsGroupPage is the data of /analytics/groups/{id}.
type analyticsGroupPage struct {
	Tabs   []analyticsTab
	Group  groupLine
	Form   Form
	Hidden []Option
}

// analyticsGroup shows one group's appeals and the form that proposes an
// initiative from it.
func (s *Server) analyticsGroup(w http.ResponseWriter, r *http.Request) error {
	an, err := s.analytics()
	if err != nil {
		return err
	}
	l, actor := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	id, err := anID(r)
	if err != nil {
		return err
	}
	g, err := an.GroupByID(r.Context(), actor, id)
	if err != nil {
		return err
	}
	title := g.CategoryTitle
	if g.TerritoryName != "" {
		title += ": " + g.TerritoryName
	}
	values := url.Values{"title": {title}, "source": {"group"}, "group": {strconv.FormatInt(g.ID, 10)}}
	data := analyticsGroupPage{Tabs: analyticsTabs(l, "", nil), Group: groupLineOf(l, g), Form: initiativeForm(l, values, nil), Hidden: initiativeHidden(values)}
	return s.render(w, http.StatusOK, "analytics-group", s.view(w, r, "web.analytics.group.title", data))
}

// initiativeForm is the form that proposes an initiative; the list of
// appeals is asked only when they are the source.
func initiativeForm(l i18n.Localizer, values url.Values, err error) Form {
	fields := []Field{
		{Name: "title", Label: l.T("web.analytics.initiative.title_field"), Required: true},
		{Name: "description", Type: "textarea", Label: l.T("web.analytics.initiative.description"), Hint: l.T("web.analytics.initiative.description_hint")},
	}
	if src := values.Get("source"); src == "" || src == "appeals" {
		fields = append(fields, Field{Name: "appeals", Label: l.T("web.analytics.initiative.appeals"), Hint: l.T("web.analytics.initiative.appeals_hint")})
	}
	f := NewForm(l, values, err, fields...)
	// The source (a group, a spike) is no field of the form: its problem
	// heads the summary in its own words rather than a general one.
	if err != nil {
		if _, msgs := l.Error(err); msgs["source"] != "" {
			f.Errors = []FieldMessage{{Message: msgs["source"]}}
			for _, fd := range f.Fields {
				if fd.Error != "" {
					f.Errors = append(f.Errors, FieldMessage{ID: fd.ID(), Message: fd.Error})
				}
			}
		}
	}
	return f
}

// initiativeHidden is what the initiative form carries unseen: its source.
func initiativeHidden(values url.Values) []Option {
	var out []Option
	for _, k := range []string{"source", "group", "territory", "category", "day"} {
		if v := values.Get(k); v != "" {
			out = append(out, Option{Value: v, Label: k})
		}
	}
	return out
}

// analyticsSpikesPage is the data of /analytics/spikes.
type analyticsSpikesPage struct {
	Tabs   []analyticsTab
	Form   Form
	Day    string
	Spikes []spikeLine
	Quiet  []spikeLine
}

type spikeLine struct {
	appeal.Spike
	Baseline string
	PValue   string
	Title    string // the initiative's suggested title
	Day      string
}

// analyticsSpikes tests a day (today by default) for spikes of distinct
// authors per district and category.
func (s *Server) analyticsSpikes(w http.ResponseWriter, r *http.Request) error {
	an, err := s.analytics()
	if err != nil {
		return err
	}
	l, actor := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	q := r.URL.Query()
	var sq appeal.SpikeQuery
	var qerr error
	day := strings.TrimSpace(q.Get("day"))
	if day != "" {
		t, err := time.Parse(anDateLayout, day)
		if err != nil {
			var fe okno.FieldErrors
			fe.Add("day", "web.analytics.bad_date")
			qerr = fe.Err()
		}
		sq.Day = t
	} else {
		sq.Day = s.analyticsToday()
		day = sq.Day.Format(anDateLayout)
	}
	dq, _ := analyticsFilter(q, s.analyticsToday())
	sq.TerritoryID, sq.CategoryID, sq.All = dq.TerritoryID, dq.CategoryID, true
	var spikes []appeal.Spike
	if qerr == nil {
		spikes, qerr = an.Spikes(r.Context(), actor, sq)
		if qerr != nil && !userError(qerr) {
			return qerr
		}
	}
	status := http.StatusOK
	if qerr != nil {
		if okno.ErrorCodeOf(qerr) == okno.EFORBIDDEN {
			return qerr
		}
		status = formStatus(qerr)
	}
	data := analyticsSpikesPage{Tabs: analyticsTabs(l, "/analytics/spikes", q), Day: day,
		Form: NewForm(l, url.Values{"day": {day}}, qerr, Field{Name: "day", Type: "date", Label: l.T("web.analytics.spikes.day")})}
	for _, sp := range spikes {
		line := spikeLine{Spike: sp, Baseline: strconv.FormatFloat(sp.Baseline, 'f', 2, 64), PValue: strconv.FormatFloat(sp.PValue, 'g', 2, 64),
			Title: l.T("web.analytics.spikes.initiative", sp.CategoryTitle, sp.TerritoryName, sp.Day.Format("02.01.2006")), Day: sp.Day.Format(anDateLayout)}
		if sp.Spike {
			data.Spikes = append(data.Spikes, line)
		} else if len(data.Quiet) < 50 {
			data.Quiet = append(data.Quiet, line)
		}
	}
	return s.render(w, status, "analytics-spikes", s.view(w, r, "web.analytics.spikes.title", data))
}

// analyticsEfficiencyPage is the data of /analytics/efficiency.
type analyticsEfficiencyPage struct {
	Tabs   []analyticsTab
	Filter Form
	Rows   []efficiencyLine
}

type efficiencyLine struct {
	appeal.Efficiency
	OnTime, Reopen, Median string
}

// analyticsEfficiency shows what became of each organisation's appeals
// filed in the period.
func (s *Server) analyticsEfficiency(w http.ResponseWriter, r *http.Request) error {
	an, err := s.analytics()
	if err != nil {
		return err
	}
	l, actor := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	q := r.URL.Query()
	dq, ferr := analyticsFilter(q, s.analyticsToday())
	var es []appeal.Efficiency
	if ferr == nil {
		es, ferr = an.Efficiency(r.Context(), actor, dq.Period)
		if ferr != nil && !userError(ferr) {
			return ferr
		}
	}
	status := http.StatusOK
	if ferr != nil {
		if okno.ErrorCodeOf(ferr) == okno.EFORBIDDEN {
			return ferr
		}
		status = formStatus(ferr)
	}
	form, err := s.filterForm(r.Context(), l, q, districtField(ferr), dq)
	if err != nil {
		return err
	}
	data := analyticsEfficiencyPage{Tabs: analyticsTabs(l, "/analytics/efficiency", q), Filter: form}
	for _, e := range es {
		data.Rows = append(data.Rows, efficiencyLine{Efficiency: e, OnTime: anPercent(l, e.OnTimeShare), Reopen: anPercent(l, e.ReopenRate),
			Median: anDuration(l, e.MedianAnswer)})
	}
	return s.render(w, status, "analytics-efficiency", s.view(w, r, "web.analytics.efficiency.title", data))
}

// analyticsInitiativesPage is the data of /analytics/initiatives: the
// project map and list.
type analyticsInitiativesPage struct {
	Tabs        []analyticsTab
	Banner      *Banner
	Initiatives []initiativeLine
	MapData     string // JSON for analytics.js: the initiatives' points
	Form        Form
	Hidden      []Option
	Statuses    []Option
}

type initiativeLine struct {
	appeal.Initiative
	StatusText string
	Created    string
}

// analyticsInitiatives shows the project map: initiatives proposed from
// groups and spikes, on a map and in a list, with their status.
func (s *Server) analyticsInitiatives(w http.ResponseWriter, r *http.Request) error {
	var banner *Banner
	if r.URL.Query().Get("created") != "" {
		banner = &Banner{Title: stateFrom(r.Context()).loc.T("web.analytics.initiative.created"), Success: true}
	}
	return s.renderInitiatives(w, r, http.StatusOK, nil, nil, banner)
}

func (s *Server) renderInitiatives(w http.ResponseWriter, r *http.Request, status int, values url.Values, formErr error, banner *Banner) error {
	an, err := s.analytics()
	if err != nil {
		return err
	}
	l, actor := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	list, err := an.Initiatives(r.Context(), actor, appeal.InitiativeQuery{Limit: 500})
	if err != nil {
		return err
	}
	if values == nil {
		values = url.Values{"source": {"appeals"}}
	}
	data := analyticsInitiativesPage{Tabs: analyticsTabs(l, "/analytics/initiatives", nil), Banner: banner, Form: initiativeForm(l, values, formErr),
		Hidden: initiativeHidden(values)}
	for _, st := range []appeal.InitiativeStatus{appeal.InitiativeProposed, appeal.InitiativeAccepted, appeal.InitiativeRejected} {
		data.Statuses = append(data.Statuses, Option{Value: string(st), Label: l.T("web.analytics.initiative.status." + string(st))})
	}
	type point struct {
		ID     int64   `json:"id"`
		Lat    float64 `json:"lat"`
		Lon    float64 `json:"lon"`
		Title  string  `json:"title"`
		Status string  `json:"status"`
		N      int     `json:"appeals"`
	}
	var points []point
	for _, in := range list {
		data.Initiatives = append(data.Initiatives, initiativeLine{Initiative: in, StatusText: l.T("web.analytics.initiative.status." + string(in.Status)),
			Created: in.CreatedAt.Format("02.01.2006")})
		points = append(points, point{ID: in.ID, Lat: in.Lat, Lon: in.Lon, Title: in.Title, Status: string(in.Status), N: in.Appeals})
	}
	b, _ := json.Marshal(points)
	data.MapData = string(b)
	return s.render(w, status, "analytics-initiatives", s.view(w, r, "web.analytics.initiatives.title", data))
}

// analyticsInitiativeCreate proposes an initiative from a group, a spike
// or a list of appeals (the form's source says which).
func (s *Server) analyticsInitiativeCreate(w http.ResponseWriter, r *http.Request) error {
	an, err := s.analytics()
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	actor := okno.ActorFrom(r.Context())
	in := appeal.InitiativeInput{Title: r.PostForm.Get("title"), Description: r.PostForm.Get("description")}
	var fe okno.FieldErrors
	switch r.PostForm.Get("source") {
	case "group":
		in.GroupID, _ = strconv.ParseInt(r.PostForm.Get("group"), 10, 64)
	case "spike":
		terr, _ := strconv.ParseInt(r.PostForm.Get("territory"), 10, 64)
		cat, _ := strconv.ParseInt(r.PostForm.Get("category"), 10, 64)
		day, _ := time.Parse(anDateLayout, r.PostForm.Get("day"))
		in.Spike = &appeal.SpikeRef{TerritoryID: terr, CategoryID: cat, Day: day}
	default:
		for f := range strings.FieldsFuncSeq(r.PostForm.Get("appeals"), func(c rune) bool { return c == ',' || c == ' ' || c == ';' || c == '\n' || c == '\r' }) {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id <= 0 {
				fe.Add("appeals", "web.analytics.initiative.bad_appeals")
				break
			}
			in.CaseIDs = append(in.CaseIDs, id)
			if len(in.CaseIDs) > 5000 {
				break
			}
		}
	}
	err = fe.Err()
	if err == nil {
		var ini appeal.Initiative
		ini, err = an.CreateInitiative(r.Context(), actor, in)
		if err == nil {
			return seeOther(w, r, "/analytics/initiatives?created="+strconv.FormatInt(ini.ID, 10))
		}
	}
	if !userError(err) || okno.ErrorCodeOf(err) == okno.EFORBIDDEN {
		return err
	}
	return s.renderInitiatives(w, r, formStatus(err), r.PostForm, err, nil)
}

// analyticsInitiativeStatus accepts or rejects an initiative.
func (s *Server) analyticsInitiativeStatus(w http.ResponseWriter, r *http.Request) error {
	an, err := s.analytics()
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	id, err := anID(r)
	if err != nil {
		return err
	}
	if _, err := an.SetInitiativeStatus(r.Context(), okno.ActorFrom(r.Context()), id, appeal.InitiativeStatus(r.PostForm.Get("status"))); err != nil {
		return err
	}
	return seeOther(w, r, "/analytics/initiatives")
}
