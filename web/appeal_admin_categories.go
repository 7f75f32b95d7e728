package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/i18n"
)

// adminCategoriesPage is the data of /admin/appeals/categories: every
// category with its reasons, their legal periods and canned replies, and
// the form that sets a legal period.
type adminCategoriesPage struct {
	Banner     *Banner
	Categories []categoryView
	Form       Form
}

type categoryView struct {
	ID      int64
	Code    string
	Title   string
	Period  string // as people say it
	Reasons []reasonView
}

type reasonView struct {
	ID         int64
	Code       string
	Title      string
	Hint       string
	Period     string
	Replies    int
	RepliesURL string
}

func periodFields(l i18n.Localizer, tax *appeal.Taxonomy) []Field {
	targets := []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.appeal_admin.choose")}}}}
	for _, c := range tax.Categories {
		g := OptionGroup{Label: c.Title, Options: []Option{{Value: strconv.FormatInt(c.ID, 10), Label: l.T("web.appeal_admin.whole_category", c.Title)}}}
		for _, r := range c.Reasons {
			g.Options = append(g.Options, Option{Value: strconv.FormatInt(c.ID, 10) + ":" + strconv.FormatInt(r.ID, 10), Label: adminTrimOption(r.Title)})
		}
		targets = append(targets, g)
	}
	return []Field{
		{Name: "target", Type: "select", Label: l.T("web.appeal_admin.period_target"), Required: true, Groups: targets},
		{Name: "legal_period", Label: l.T("web.appeal_admin.legal_period"), Hint: l.T("web.appeal_admin.legal_period_hint"), Width: "short", Autocomplete: "off"},
	}
}

// adminAppealCategories shows the taxonomy with its settings.
func (s *Server) adminAppealCategories(w http.ResponseWriter, r *http.Request) error {
	a, err := s.appealsAdmin(r)
	if err != nil {
		return err
	}
	var banner *Banner
	if r.URL.Query().Get("done") == "period" {
		banner = &Banner{Title: stateFrom(r.Context()).loc.T("web.appeal_admin.period_saved"), Success: true}
	}
	return s.renderAdminCategories(w, r, a, http.StatusOK, nil, nil, banner)
}

func (s *Server) renderAdminCategories(w http.ResponseWriter, r *http.Request, a AppealsAdmin, status int, values url.Values, formErr error, banner *Banner) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	tax, err := a.Taxonomy(ctx)
	if err != nil {
		return err
	}
	data := adminCategoriesPage{Banner: banner}
	def := l.T("web.appeal_admin.period_default")
	for _, c := range tax.Categories {
		cv := categoryView{ID: c.ID, Code: c.Code, Title: c.Title, Period: adminPeriodLabel(l, periodString(c.Legal), def)}
		for _, rs := range c.Reasons {
			cv.Reasons = append(cv.Reasons, reasonView{ID: rs.ID, Code: rs.Code, Title: rs.Title, Hint: rs.Hint,
				Period:  adminPeriodLabel(l, periodString(rs.Legal), l.T("web.appeal_admin.period_inherited", cv.Period)),
				Replies: len(rs.Replies), RepliesURL: "/admin/appeals/reasons/" + strconv.FormatInt(rs.ID, 10) + "/replies"})
		}
		data.Categories = append(data.Categories, cv)
	}
	data.Form = NewForm(l, values, formErr, periodFields(l, tax)...)
	return s.render(w, status, "admin-appeal-categories", s.view(w, r, "web.appeal_admin.categories_title", data))
}

// adminAppealPeriodSet sets the legal period of a category or a reason.
func (s *Server) adminAppealPeriodSet(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := s.appealsAdmin(r)
	if err != nil {
		return err
	}
	var catID, reasonID int64
	target := formValue(r, "target")
	cat, reason, hasReason := strings.Cut(target, ":")
	catID, err1 := strconv.ParseInt(cat, 10, 64)
	if hasReason {
		var err2 error
		reasonID, err2 = strconv.ParseInt(reason, 10, 64)
		if err2 != nil {
			err1 = err2
		}
	}
	if target == "" || err1 != nil || catID <= 0 || reasonID < 0 {
		var fe okno.FieldErrors
		fe.Add("target", "appeal.reason_not_found")
		err = fe.Err()
	} else {
		err = a.SetLegalPeriod(r.Context(), okno.ActorFrom(r.Context()), catID, reasonID, formValue(r, "legal_period"))
		if okno.IsCode(err, okno.ENOTFOUND) {
			var fe okno.FieldErrors
			fe.Add("target", "appeal.reason_not_found")
			err = fe.Err()
		}
	}
	if userError(err) {
		return s.renderAdminCategories(w, r, a, formStatus(err), r.PostForm, err, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/admin/appeals/categories?done=period")
}

// periodString is a legal period as stored: "" when it follows the
// next level up.
func periodString(p *calendar.Period) string {
	if p == nil {
		return ""
	}
	return p.String()
}

// adminRepliesPage is the data of a reason's canned replies page.
type adminRepliesPage struct {
	Banner   *Banner
	Category string
	Reason   appeal.Reason
	Form     Form
	Action   string
	Slots    int
}

// repliesSlots is how many replies the form offers: those there are and
// one empty to add, within appeal.MaxReplies.
func repliesSlots(have int) int { return min(have+1, appeal.MaxReplies) }

func replyFields(l i18n.Localizer, n int) []Field {
	var fs []Field
	for i := range n {
		p, id := "replies["+strconv.Itoa(i)+"]", "f-reply-"+strconv.Itoa(i)
		fs = append(fs,
			Field{Name: p + ".title", HTMLID: id + "-title", Label: l.T("web.appeal_admin.reply_title", i+1), Autocomplete: "off"},
			Field{Name: p + ".body", HTMLID: id + "-body", Type: "textarea", Label: l.T("web.appeal_admin.reply_body", i+1),
				Hint: l.T("web.appeal_admin.reply_body_hint")})
	}
	return fs
}

// adminAppealReplies shows a reason's canned replies in a form.
func (s *Server) adminAppealReplies(w http.ResponseWriter, r *http.Request) error {
	a, err := s.appealsAdmin(r)
	if err != nil {
		return err
	}
	var banner *Banner
	if r.URL.Query().Get("done") == "saved" {
		banner = &Banner{Title: stateFrom(r.Context()).loc.T("web.appeal_admin.replies_saved"), Success: true}
	}
	return s.renderAdminReplies(w, r, a, http.StatusOK, nil, nil, banner)
}

func (s *Server) renderAdminReplies(w http.ResponseWriter, r *http.Request, a AppealsAdmin, status int, values url.Values, formErr error, banner *Banner) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "appeal.reason_not_found")
	}
	tax, err := a.Taxonomy(ctx)
	if err != nil {
		return err
	}
	reason, cat, ok := tax.ReasonByID(id)
	if !ok {
		return okno.Errorf(okno.ENOTFOUND, "appeal.reason_not_found")
	}
	slots := repliesSlots(len(reason.Replies))
	if values == nil {
		values = url.Values{}
		for i, rp := range reason.Replies {
			p := "replies[" + strconv.Itoa(i) + "]"
			values.Set(p+".title", rp.Title)
			values.Set(p+".body", rp.Body)
		}
	} else {
		slots = max(slots, min(postedReplies(values), appeal.MaxReplies))
	}
	data := adminRepliesPage{Banner: banner, Category: cat.Title, Reason: reason, Slots: slots,
		Action: "/admin/appeals/reasons/" + strconv.FormatInt(id, 10) + "/replies",
		Form:   NewForm(l, values, formErr, replyFields(l, slots)...)}
	return s.render(w, status, "admin-appeal-replies", s.view(w, r, "web.appeal_admin.replies_title", data))
}

// postedReplies counts the reply slots a form sent.
func postedReplies(v url.Values) int {
	n := 0
	for i := range appeal.MaxReplies + 1 {
		p := "replies[" + strconv.Itoa(i) + "]"
		if _, ok := v[p+".title"]; ok {
			n = i + 1
		}
	}
	return n
}

// adminAppealRepliesSet replaces a reason's canned replies; a slot with
// both title and text empty is dropped (that is how a reply is removed).
func (s *Server) adminAppealRepliesSet(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := s.appealsAdmin(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return okno.Errorf(okno.ENOTFOUND, "appeal.reason_not_found")
	}
	var replies []appeal.Reply
	n := postedReplies(r.PostForm)
	if n == 0 {
		// The form always sends its first slot; a body without it is not
		// this form, and must not empty the reason's replies.
		var fe okno.FieldErrors
		fe.Add("replies[0].title", "appeal.reply_title_required")
		return s.renderAdminReplies(w, r, a, http.StatusUnprocessableEntity, nil, fe.Err(), nil)
	}
	for i := range n {
		p := "replies[" + strconv.Itoa(i) + "]"
		t, b := formValue(r, p+".title"), formValue(r, p+".body")
		if t == "" && b == "" {
			continue
		}
		replies = append(replies, appeal.Reply{Title: t, Body: b})
	}
	err = a.SetReplies(r.Context(), okno.ActorFrom(r.Context()), id, replies)
	if userError(err) && !okno.IsCode(err, okno.ENOTFOUND) && !okno.IsCode(err, okno.EFORBIDDEN) {
		// The service numbers the replies it was given; the form's slots
		// may have gaps, so the messages name the kept replies' slots.
		return s.renderAdminReplies(w, r, a, formStatus(err), compactReplies(r.PostForm, n), err, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/admin/appeals/reasons/"+strconv.FormatInt(id, 10)+"/replies?done=saved")
}

// compactReplies renumbers the posted replies without the empty slots, as
// the service saw them, so its field errors point at the right inputs.
func compactReplies(v url.Values, n int) url.Values {
	out := url.Values{}
	j := 0
	for i := range n {
		p := "replies[" + strconv.Itoa(i) + "]"
		t, b := v.Get(p+".title"), v.Get(p+".body")
		if t == "" && b == "" {
			continue
		}
		q := "replies[" + strconv.Itoa(j) + "]"
		out.Set(q+".title", t)
		out.Set(q+".body", b)
		j++
	}
	return out
}
