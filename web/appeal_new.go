package web

import (
	"context"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
)

// The pages that file an appeal: the citizen's (/appeals/new) and the
// operator's for a caller (/staff/appeals/new) are one flow with a flag.
// First page → check step (answers, appeals nearby, photos) → send →
// confirmation. See appeal_form.go for why the photos come last.

// appealFlow is one door of the flow: where it lives and how appeals
// filed through it are recorded.
type appealFlow struct {
	operator bool
	base     string // "/appeals" or "/staff/appeals"
	channel  casework.Channel
}

var (
	citizenFlow  = appealFlow{base: "/appeals", channel: casework.ChannelWeb}
	operatorFlow = appealFlow{operator: true, base: "/staff/appeals", channel: casework.ChannelOperator}
)

// maxCandidateText bounds the text of a nearby appeal on the check step.
const maxCandidateText = 300

// appealCheckPage is the data of the check step.
type appealCheckPage struct {
	Operator   bool
	Action     string // the final send
	EditAction string // back to the first page with the answers
	Answers    []SummaryRow
	Hidden     []hiddenInput
	Candidates []appealCandidate
	Photos     Field
	Form       Form // the error summary
}

// appealCandidate is an open appeal near the new one.
type appealCandidate struct {
	ID                int64
	Ref, Reason, Text string
	Address, Distance string
	Supporters        int
	URL               string
	Status            Tag
	JoinAction        string // "" for operators: they tell the caller instead
}

// appealSentPage is the data of the confirmation page.
type appealSentPage struct {
	Operator   bool
	Joined     bool
	Panel      Panel
	Ref        string
	Due        string
	Supporters int
	CaseURL    string // where the author (or the operator) follows it
	PublicURL  string
	NewURL     string
}

// appealNew shows the first page, empty, with a fresh idempotency key.
func (s *Server) appealNew(f appealFlow) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.renderAppealForm(w, r, f, http.StatusOK, appealDraft{Key: newFormKey()}, nil)
	}
}

func (s *Server) renderAppealForm(w http.ResponseWriter, r *http.Request, f appealFlow, status int, d appealDraft, ferr error) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	tax, err := s.deps.Appeals.Taxonomy(ctx)
	if err != nil {
		return err
	}
	page, err := s.appealForm(ctx, l, tax, d, ferr, f.operator)
	if err != nil {
		return err
	}
	if ferr == nil && d.Text != "" {
		page.Suggest = s.suggestions(l, d.Text)
	}
	title := "web.appeals.new_title"
	if f.operator {
		title = "web.appeals.operator_title"
	}
	return s.render(w, status, "appeal-new", s.view(w, r, title, page))
}

// appealCheckStep checks the first page and shows the check step; with
// edit set (the check step's "change" button) it shows the first page
// again with the answers.
func (s *Server) appealCheckStep(f appealFlow) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseCaseForm(r); err != nil {
			return err
		}
		d := draftFromForm(r)
		if !validKey(d.Key) {
			d.Key = newFormKey()
		}
		if r.PostFormValue("edit") != "" {
			return s.renderAppealForm(w, r, f, http.StatusOK, d, nil)
		}
		return s.renderAppealCheck(w, r, f, d, nil)
	}
}

// renderAppealCheck shows the check step for d, or the first page when d
// has problems to fix there; photoErr is the photos' problem of a failed
// send.
func (s *Server) renderAppealCheck(w http.ResponseWriter, r *http.Request, f appealFlow, d appealDraft, photoErr error) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	tax, err := s.deps.Appeals.Taxonomy(ctx)
	if err != nil {
		return err
	}
	c, err := s.checkDraft(ctx, tax, d, f.operator)
	if err == nil && f.operator {
		_, _, err = s.caller(ctx, d)
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		return s.renderAppealForm(w, r, f, formStatus(err), d, err)
	}
	page := appealCheckPage{Operator: f.operator, Action: f.base, EditAction: f.base + "/new", Hidden: d.hidden(),
		Photos: Field{Name: "photos", Type: "file", Multiple: true, Label: l.T("web.appeals.photos_label"),
			Hint: l.T("web.appeals.photos_hint", appealLimits.MaxPhotos, appealLimits.MaxPhotoSize>>20)}}
	if page.Answers, err = s.appealAnswers(ctx, l, d, c); err != nil {
		return err
	}
	if c.hasPoint {
		cands, err := s.deps.Appeals.Nearby(ctx, c.lat, c.lon, d.Reason, d.Text)
		if err != nil {
			return err
		}
		for _, cd := range cands {
			page.Candidates = append(page.Candidates, candidateView(l, cd, f))
		}
	}
	status := http.StatusOK
	if photoErr != nil {
		page.Form = NewForm(l, nil, photoErr, page.Photos)
		page.Photos = page.Form.Fields[0]
		status = formStatus(photoErr)
	}
	return s.render(w, status, "appeal-check", s.view(w, r, "web.appeals.check_title", page))
}

// appealAnswers are the answers of the check step's summary.
func (s *Server) appealAnswers(ctx context.Context, l i18n.Localizer, d appealDraft, c appealCheck) ([]SummaryRow, error) {
	reason := inLang(l, c.category.Title, c.category.TitleEn) + " — " + inLang(l, c.reason.Title, c.reason.TitleEn)
	place := d.Address
	if c.hasPoint {
		pt := strconv.FormatFloat(c.lat, 'f', 6, 64) + ", " + strconv.FormatFloat(c.lon, 'f', 6, 64)
		if place == "" {
			place = pt
		} else {
			place += " (" + pt + ")"
		}
	}
	if c.needDistrict && s.deps.Territories != nil {
		if t, err := s.deps.Territories.Get(ctx, d.territoryID()); err == nil {
			place += " · " + t.Name
		} else if !okno.IsCode(err, okno.ENOTFOUND) {
			return nil, err
		}
	}
	anon := l.T("web.appeals.anonymous_no")
	if d.Anonymous {
		anon = l.T("web.appeals.anonymous_yes")
	}
	rows := []SummaryRow{
		{Key: l.T("web.appeals.reason_label"), Value: reason},
		{Key: l.T("web.appeals.text_key"), Value: d.Text},
		{Key: l.T("web.appeals.place_label"), Value: place},
		{Key: l.T("web.appeals.anonymous_label"), Value: anon},
	}
	if d.CallerPhone != "" {
		who := strings.TrimSpace(d.CallerLast + " " + d.CallerFirst)
		if d.FindAccount {
			who = l.T("web.appeals.caller_account")
		}
		rows = append(rows, SummaryRow{Key: l.T("web.appeals.caller"), Value: strings.TrimSpace(who + " · " + d.CallerPhone + " " + d.CallerEmail)})
	}
	return rows, nil
}

// candidateView shows a nearby appeal.
func candidateView(l i18n.Localizer, cd appeal.Candidate, f appealFlow) appealCandidate {
	a := cd.Appeal
	text := a.Text
	if utf8.RuneCountInString(text) > maxCandidateText {
		text = string([]rune(text)[:maxCandidateText]) + "…"
	}
	v := appealCandidate{ID: a.CaseID, Ref: a.Ref, Reason: a.ReasonTitle, Text: text, Address: a.Address,
		Distance: l.T("web.appeals.metres", int(cd.Distance+0.5)), Supporters: a.Supporters,
		Status: statusTag(l, a.Status),
		URL:    "/appeals/" + strconv.FormatInt(a.CaseID, 10)}
	if f.operator {
		v.URL = staffCasePath(a.CaseID)
	} else {
		v.JoinAction = "/appeals/" + strconv.FormatInt(a.CaseID, 10) + "/join"
	}
	return v
}

// statusTag labels an appeal's public status.
func statusTag(l i18n.Localizer, st appeal.Status) Tag {
	colour := "blue"
	switch {
	case st == appeal.StatusModeration:
		colour = "grey"
	case st == appeal.StatusFixed || st == appeal.StatusFixedAuto:
		colour = "green"
	case st.Closed():
		colour = "grey"
	case st == appeal.StatusAnswered:
		colour = "yellow"
	}
	return Tag{Text: l.T("web.appeals.status." + string(st)), Colour: colour}
}

// appealSend files the appeal with its photos. A retry of the same form
// (a double click, a reload) carries the same key and gets the first
// appeal back. Problems with the photos come back to the check step,
// others to the first page, answers kept.
func (s *Server) appealSend(f appealFlow) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseCaseForm(r); err != nil {
			return err
		}
		ctx := r.Context()
		d := draftFromForm(r)
		if !validKey(d.Key) {
			d.Key = newFormKey()
		}
		tax, err := s.deps.Appeals.Taxonomy(ctx)
		if err != nil {
			return err
		}
		c, err := s.checkDraft(ctx, tax, d, f.operator)
		if err != nil {
			if !userError(err) {
				return err
			}
			return s.renderAppealForm(w, r, f, formStatus(err), d, err)
		}
		photos, err := photoUploads(r.MultipartForm)
		if err != nil {
			return s.renderAppealCheck(w, r, f, d, err)
		}
		sub := d.submission(c, f.channel, photos)
		if f.operator {
			applicant, contact, err := s.caller(ctx, d)
			if err != nil {
				if !userError(err) {
					return err
				}
				return s.renderAppealForm(w, r, f, formStatus(err), d, err)
			}
			sub.ApplicantID, sub.Contact = applicant, contact
		}
		a, err := s.deps.Appeals.Submit(ctx, okno.ActorFrom(ctx), sub)
		if err != nil {
			if !userError(err) {
				return err
			}
			err = appealFormErr(err)
			if hasPhotoError(err) {
				return s.renderAppealCheck(w, r, f, d, err)
			}
			return s.renderAppealForm(w, r, f, formStatus(err), d, err)
		}
		return seeOther(w, r, f.base+"/"+strconv.FormatInt(a.CaseID, 10)+"/sent")
	}
}

// caller is who an operator files for: the account with the caller's
// phone when asked to find it, else the caller's contact.
func (s *Server) caller(ctx context.Context, d appealDraft) (int64, appeal.Contact, error) {
	sub := d.submission(appealCheck{}, casework.ChannelOperator, nil)
	if !d.FindAccount {
		return 0, sub.Contact, nil
	}
	if s.deps.Operators == nil {
		return 0, appeal.Contact{}, okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	cit, err := s.deps.Operators.FindByPhone(ctx, okno.ActorFrom(ctx), sub.Contact.Phone)
	if okno.IsCode(err, okno.ENOTFOUND) {
		var fe okno.FieldErrors
		fe.Add("caller_phone", "web.appeals.no_account")
		return 0, appeal.Contact{}, fe.Err()
	}
	if err != nil {
		return 0, appeal.Contact{}, err
	}
	return cit.UserID, appeal.Contact{}, nil
}

// photoUploads reads the photos of the final send: parts named "photos",
// empty inputs skipped, reading stopped at maxUploadParts (the feature
// counts them against its own, smaller limit and checks each).
func photoUploads(form *multipart.Form) ([]casework.Upload, error) {
	if form == nil {
		return nil, nil
	}
	var ups []casework.Upload
	for _, fh := range form.File["photos"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		if len(ups) == maxUploadParts {
			var fe okno.FieldErrors
			fe.Add("photos", "web.appeals.too_many_photos", appealLimits.MaxPhotos)
			return nil, fe.Err()
		}
		b, err := readPart(fh)
		if err != nil {
			return nil, err
		}
		ups = append(ups, casework.Upload{Name: fh.Filename, Content: b})
	}
	return ups, nil
}

// appealSent confirms a filed appeal: its reference and what happens
// next.
func (s *Server) appealSent(f appealFlow) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, l := r.Context(), stateFrom(r.Context()).loc
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		a, err := s.deps.Appeals.Get(ctx, okno.ActorFrom(ctx), id)
		if err != nil {
			return err
		}
		page := appealSentPage{Operator: f.operator, Ref: a.Ref, NewURL: f.base + "/new",
			Panel:     Panel{Title: l.T("web.appeals.sent_panel"), Body: l.T("web.appeals.sent_ref"), Reference: a.Ref},
			CaseURL:   "/cabinet/cases/" + strconv.FormatInt(a.CaseID, 10),
			PublicURL: "/appeals/" + strconv.FormatInt(a.CaseID, 10)}
		if !a.DueAt.IsZero() {
			page.Due = dueDay(l, a.DueAt)
		}
		if f.operator {
			page.CaseURL = staffCasePath(a.CaseID)
		}
		return s.render(w, http.StatusOK, "appeal-sent", s.view(w, r, "web.appeals.sent_title", page))
	}
}

// appealJoin records the citizen's support of an appeal nearby instead of
// filing a duplicate.
func (s *Server) appealJoin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.deps.Appeals.Join(ctx, okno.ActorFrom(ctx), id); err != nil {
		return err
	}
	return seeOther(w, r, "/appeals/"+strconv.FormatInt(id, 10)+"/joined")
}

// appealJoined confirms the support.
func (s *Server) appealJoined(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.deps.Appeals.Public(ctx, id)
	if err != nil {
		return err
	}
	page := appealSentPage{Joined: true, Ref: a.Ref, Supporters: a.Supporters, NewURL: "/appeals/new",
		Panel:     Panel{Title: l.T("web.appeals.joined_panel"), Body: l.T("web.appeals.joined_ref"), Reference: a.Ref},
		PublicURL: "/appeals/" + strconv.FormatInt(a.CaseID, 10)}
	return s.render(w, http.StatusOK, "appeal-sent", s.view(w, r, "web.appeals.joined_title", page))
}
