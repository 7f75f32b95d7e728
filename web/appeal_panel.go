package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
)

// This file holds the appeal panel of the back office's case page: what
// an appeal adds to its case (category and reason, place, supporters,
// what screening flagged), the re-categorisation form, and the reason's
// canned replies beside the answer's comment.

// appealPanel is the panel's data.
type appealPanel struct {
	ID, Version   int64
	Category      string
	Reason        string
	Status        Tag
	Address       string
	Point         string // "59.934280, 30.335099"
	MapURL        string // the point on OpenStreetMap, for a look at the place
	Territory     string
	Org           string
	Anonymous     bool
	Channel       string
	Photos        int
	Supporters    int
	Recategorised int
	Reroutes      int
	Flags         []appealFlagView
	Suggested     string // the classifier's other guess, when it differs
	Open          bool   // the case is open: offer re-categorisation
	Recat         staffFormState
	Reroute       bool
	Replies       []staffReply // the reason's canned replies, listed for when script is off
}

// appealFlagView is one screening flag, in words.
type appealFlagView struct {
	Title, Detail string
}

// replyActions are the actions whose comment is the answer to the
// citizen: the reason's canned replies are offered there.
var replyActions = []string{"answer", "interim_answer", "reply"}

// appealPanelOf builds the panel of case c, and puts the reason's canned
// replies on the answer actions of data; it returns nil for a case of
// another kind, or an appeal case the feature has no record of (opened
// through the case API, not as an appeal). fail is the failed form, whose
// answers and errors the re-categorisation form shows when it is its.
func (s *Server) appealPanelOf(ctx context.Context, l i18n.Localizer, c casework.Case, data *staffCasePage, fail *staffFailure) (*appealPanel, []FieldMessage, error) {
	a, err := s.deps.Appeals.Get(ctx, okno.ActorFrom(ctx), c.ID)
	if okno.IsCode(err, okno.ENOTFOUND) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	tax, err := s.deps.Appeals.Taxonomy(ctx)
	if err != nil {
		return nil, nil, err
	}
	p := &appealPanel{ID: c.ID, Version: c.Version, Category: a.CategoryTitle, Reason: a.ReasonTitle,
		Status: statusTag(l, a.Status), Address: a.Address, Territory: a.TerritoryName, Org: a.OrgName,
		Anonymous: a.Anonymous, Channel: l.T("web.staffcase.channel." + string(a.Channel)), Photos: a.Photos,
		Supporters: a.Supporters, Recategorised: a.Recategorised, Reroutes: a.Reroutes, Open: c.Open()}
	if a.Lat != 0 || a.Lon != 0 {
		lat, lon := strconv.FormatFloat(a.Lat, 'f', 6, 64), strconv.FormatFloat(a.Lon, 'f', 6, 64)
		p.Point = lat + ", " + lon
		p.MapURL = "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=18/" + lat + "/" + lon
	}
	for _, f := range a.Flags {
		p.Flags = append(p.Flags, appealFlagView{Title: l.T("web.appeals.flag." + f.Kind), Detail: flagDetail(l, tax, f)})
	}
	if sg := a.Suggested; sg != nil && sg.ReasonCode != a.ReasonCode && sg.CategoryCode != a.CategoryCode {
		title := sg.CategoryTitle
		if sg.ReasonTitle != "" {
			title += " — " + sg.ReasonTitle
		}
		p.Suggested = l.T("web.appeals.suggested", title, int(sg.Confidence*100+0.5))
	}
	if r, _, ok := tax.Reason(a.ReasonCode); ok {
		for _, rp := range r.Replies {
			p.Replies = append(p.Replies, staffReply{Value: "appeal-" + strconv.FormatInt(rp.ID, 10), Title: rp.Title, Body: rp.Body})
		}
		addReplies(l, data.Actions, p.Replies)
	}
	reasons := reasonGroups(l, tax)
	p.Recat.Fields = []Field{
		{HTMLID: "recat-reason", Name: "reason", Type: "select", Label: l.T("web.appeals.recat_reason"), Groups: reasons, Value: a.ReasonCode},
		{HTMLID: "recat-comment", Name: "comment", Type: "textarea", Label: l.T("web.appeals.recat_comment"), Hint: l.T("web.appeals.recat_comment_hint")},
	}
	if fail == nil || fail.form != "recategorise" {
		return p, nil, nil
	}
	p.Recat.Open = true
	p.Reroute = fail.values.Get("reroute") != ""
	fillValues(fail.values, p.Recat.Fields)
	errs := staffErrors(l, fail.err, map[string]*Field{"reason": &p.Recat.Fields[0], "reason_code": &p.Recat.Fields[0], "comment": &p.Recat.Fields[1]})
	return p, errs, nil
}

// flagDetail says what a flag found, for the moderator: the kinds of
// personal data (never the values: screening keeps none), the category
// the classifier prefers with its confidence, the obscene words.
func flagDetail(l i18n.Localizer, tax *appeal.Taxonomy, f appeal.Flag) string {
	switch f.Kind {
	case appeal.FlagPersonalData:
		kinds := make([]string, len(f.Args))
		for i, k := range f.Args {
			kinds[i] = l.T("web.appeals.pd." + k)
		}
		return strings.Join(kinds, ", ")
	case appeal.FlagCategory:
		title := f.Detail
		for _, c := range tax.Categories {
			if c.Code == f.Detail {
				title = c.Title
			}
		}
		if len(f.Args) > 0 {
			if p, err := strconv.ParseFloat(f.Args[0], 64); err == nil {
				return l.T("web.appeals.flag_category_detail", title, int(p*100+0.5))
			}
		}
		return title
	case appeal.FlagSpam:
		if f.Detail == "same_text" {
			return l.T("web.appeals.flag_same_text")
		}
	}
	parts := f.Args
	if f.Detail != "" {
		parts = append([]string{f.Detail}, f.Args...)
	}
	return strings.Join(parts, ", ")
}

// addReplies offers the reason's canned replies on the answer actions,
// after the process's own: script fills the comment from the select.
func addReplies(l i18n.Localizer, actions []staffAction, replies []staffReply) {
	if len(replies) == 0 {
		return
	}
	for i := range actions {
		a := &actions[i]
		if a.Comment == nil || !slices.Contains(replyActions, a.Name) {
			continue
		}
		a.Replies = append(a.Replies, replies...)
		if a.Reply == nil {
			a.Reply = &Field{HTMLID: a.FormID + "-reply", Name: "reply", Type: "select", Label: l.T("web.staffcase.reply"), Hint: l.T("web.staffcase.reply_hint")}
		}
	}
}

// reasonGroups are the taxonomy's reasons by category, for a select.
func reasonGroups(l i18n.Localizer, tax *appeal.Taxonomy) []OptionGroup {
	title := func(ru, en string) string { return inLang(l, ru, en) }
	groups := []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.staffcase.choose")}}}}
	for _, c := range tax.Categories {
		g := OptionGroup{Label: title(c.Title, c.TitleEn)}
		for _, r := range c.Reasons {
			g.Options = append(g.Options, Option{Value: r.Code, Label: title(r.Title, r.TitleEn)})
		}
		groups = append(groups, g)
	}
	return groups
}

// staffAppealRecategorise changes an appeal's reason from the case page:
// a timeline event, and a new route when asked and the new reason routes
// elsewhere. The feature decides who may.
func (s *Server) staffAppealRecategorise(w http.ResponseWriter, r *http.Request) error {
	return s.staffCaseForm(w, r, "recategorise", func(ctx context.Context, a okno.Actor, c casework.Case, version int64) (string, error) {
		reason := formValue(r, "reason")
		if reason == "" {
			var fe okno.FieldErrors
			fe.Add("reason", "web.appeals.reason_required")
			return "", fe.Err()
		}
		_, err := s.deps.Appeals.Recategorise(ctx, a, c.ID, version, reason, formValue(r, "comment"), r.PostFormValue("reroute") != "")
		return "recategorised", renameFields(err, func(f string) string {
			if f == "reason_code" {
				return "reason"
			}
			return f
		})
	})
}
