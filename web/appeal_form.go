package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/ruid"
)

// This file holds what the citizen's and the operator's appeal forms
// share: the draft an appeal is before it is sent, reading it from a form,
// the checks a person can act on before the feature's own, and the form's
// inputs.
//
// The form has two pages. The first asks for the reason, the text, the
// place and anonymity; the second (the check step) shows the answers,
// appeals nearby with similar text that the citizen may support instead,
// and asks for the photos with the final send. Photos come last on
// purpose: a file input cannot be filled again by the server, so asking
// for them before the check step would mean keeping them in a draft on the
// server or losing them whenever a page came back with an error. Every
// other answer travels between the pages in the form itself.

// appealLimits are the limits the forms tell people about and check
// before the feature does. The feature checks again with its own (which
// an installation may configure); these are its defaults.
var appealLimits = appeal.DefaultLimits()

// Bounds of the inputs the forms check themselves.
const (
	maxAddress   = 300 // characters of an address
	maxName      = 100 // characters of a caller's first or last name
	maxDistricts = 200 // territories offered in the district select
)

// appealDraft is an appeal being written: the answers of the first page
// as typed, carried to the check step in hidden inputs.
type appealDraft struct {
	Reason    string // the reason's code
	Text      string
	Lat, Lon  string // as typed; both or neither
	Address   string
	Territory string // the district's id, when the point is outside every one or there is no point
	Anonymous bool
	Key       string // the idempotency key of this form: a double click files one appeal

	// The operator's form: who called.
	CallerFirst, CallerLast, CallerPhone, CallerEmail string
	FindAccount                                       bool // file it for the account with CallerPhone
}

// draftFromForm reads a draft from a submitted form.
func draftFromForm(r *http.Request) appealDraft {
	return appealDraft{
		Reason: formValue(r, "reason"), Text: strings.TrimSpace(r.PostFormValue("text")),
		Lat: formValue(r, "lat"), Lon: formValue(r, "lon"), Address: formValue(r, "address"),
		Territory: formValue(r, "territory"), Anonymous: r.PostFormValue("anonymous") != "",
		Key:         formValue(r, "key"),
		CallerFirst: formValue(r, "caller_first_name"), CallerLast: formValue(r, "caller_last_name"),
		CallerPhone: formValue(r, "caller_phone"), CallerEmail: formValue(r, "caller_email"),
		FindAccount: r.PostFormValue("find_account") != "",
	}
}

// values are the draft's answers as form values, for the inputs of the
// first page and the hidden inputs of the check step.
func (d appealDraft) values() url.Values {
	v := url.Values{"reason": {d.Reason}, "text": {d.Text}, "lat": {d.Lat}, "lon": {d.Lon},
		"address": {d.Address}, "territory": {d.Territory}, "key": {d.Key},
		"caller_first_name": {d.CallerFirst}, "caller_last_name": {d.CallerLast},
		"caller_phone": {d.CallerPhone}, "caller_email": {d.CallerEmail}}
	if d.Anonymous {
		v.Set("anonymous", "1")
	}
	if d.FindAccount {
		v.Set("find_account", "1")
	}
	return v
}

// hiddenInput is one answer the check step carries to the final send.
type hiddenInput struct{ Name, Value string }

// hidden lists the draft's non-empty answers in a stable order, for the
// check step's hidden inputs.
func (d appealDraft) hidden() []hiddenInput {
	names := []string{"key", "reason", "text", "lat", "lon", "address", "territory", "anonymous",
		"caller_first_name", "caller_last_name", "caller_phone", "caller_email", "find_account"}
	v := d.values()
	var out []hiddenInput
	for _, n := range names {
		if x := v.Get(n); x != "" {
			out = append(out, hiddenInput{Name: n, Value: x})
		}
	}
	return out
}

// newFormKey makes an idempotency key for a new form.
func newFormKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "web-" + hex.EncodeToString(b)
}

// validKey reports whether k looks like a key newFormKey made; anything
// else (an edited page) gets a fresh one rather than an error.
func validKey(k string) bool {
	if len(k) != 36 || !strings.HasPrefix(k, "web-") {
		return false
	}
	_, err := hex.DecodeString(k[4:])
	return err == nil
}

// point reads the draft's point: ok is false when there is none, and a
// point that is half given or not a number is a field problem.
func (d appealDraft) point(fe *okno.FieldErrors) (lat, lon float64, ok bool) {
	if d.Lat == "" && d.Lon == "" {
		return 0, 0, false
	}
	ok = true
	parse := func(s string, limit float64, field string) float64 {
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		if s == "" || err != nil || f < -limit || f > limit || f != f {
			fe.Add(field, "web.appeals."+field+"_invalid")
			ok = false
			return 0
		}
		return f
	}
	lat, lon = parse(d.Lat, 90, "lat"), parse(d.Lon, 180, "lon")
	return lat, lon, ok
}

// territoryID reads the chosen district; 0 when none was chosen.
func (d appealDraft) territoryID() int64 {
	id, _ := strconv.ParseInt(d.Territory, 10, 64)
	return max(id, 0)
}

// appealCheck is what the first page's checks learned: the reason in the
// taxonomy, the point, and whether the district must be chosen.
type appealCheck struct {
	reason       appeal.Reason
	category     appeal.Category
	lat, lon     float64
	hasPoint     bool
	needDistrict bool // no point, or a point outside every territory
}

// checkDraft checks the first page's answers before the check step: what
// a person can correct there. The feature checks everything again when
// the appeal is sent.
func (s *Server) checkDraft(ctx context.Context, tax *appeal.Taxonomy, d appealDraft, operator bool) (appealCheck, error) {
	var fe okno.FieldErrors
	var c appealCheck
	if d.Reason == "" {
		fe.Add("reason", "web.appeals.reason_required")
	} else if r, cat, ok := tax.Reason(d.Reason); ok {
		c.reason, c.category = r, cat
	} else {
		fe.Add("reason", "web.appeals.reason_unknown")
	}
	switch n := utf8.RuneCountInString(d.Text); {
	case n == 0:
		fe.Add("text", "web.appeals.text_required")
	case n < appealLimits.MinText:
		fe.Add("text", "web.appeals.text_short", appealLimits.MinText)
	case n > appealLimits.MaxText:
		fe.Add("text", "web.appeals.text_long", appealLimits.MaxText, n)
	}
	c.lat, c.lon, c.hasPoint = d.point(&fe)
	if utf8.RuneCountInString(d.Address) > maxAddress {
		fe.Add("address", "web.appeals.address_long", maxAddress)
	}
	if c.hasPoint && s.deps.Territories != nil {
		ts, err := s.deps.Territories.Lookup(ctx, c.lat, c.lon)
		if err != nil {
			return c, err
		}
		// Appeals are routed by district: a point in the city but in no
		// district is outside too.
		c.needDistrict = !slices.ContainsFunc(ts, func(t geo.Territory) bool { return t.Level == geo.LevelDistrict })
	}
	noPoint := d.Lat == "" && d.Lon == ""
	switch {
	case noPoint && d.Address == "":
		fe.Add("place", "web.appeals.place_required")
	case noPoint:
		// An address alone routes by the district the author names.
		c.needDistrict = true
		if d.territoryID() == 0 {
			fe.Add("territory", "web.appeals.district_required")
		}
	case c.needDistrict && d.territoryID() == 0:
		fe.Add("territory", "web.appeals.point_outside")
	}
	if operator {
		checkCaller(&fe, d)
	}
	return c, fe.Err()
}

// checkCaller checks who called, on the operator's form: a phone always
// (how the body reaches them), names and an e-mail within bounds.
func checkCaller(fe *okno.FieldErrors, d appealDraft) {
	if _, err := ruid.Phone(d.CallerPhone); err != nil {
		ruid.Field(fe, "caller_phone", err)
	}
	if !d.FindAccount && d.CallerFirst == "" {
		fe.Add("caller_first_name", "web.appeals.caller_name_required")
	}
	for _, f := range []struct{ name, v string }{{"caller_first_name", d.CallerFirst}, {"caller_last_name", d.CallerLast}} {
		if utf8.RuneCountInString(f.v) > maxName {
			fe.Add(f.name, "web.appeals.name_long", maxName)
		}
	}
	if d.CallerEmail != "" {
		if _, err := ruid.Email(d.CallerEmail); err != nil {
			ruid.Field(fe, "caller_email", err)
		}
	}
}

// submission turns a checked draft into the feature's Submission.
func (d appealDraft) submission(c appealCheck, channel casework.Channel, photos []casework.Upload) appeal.Submission {
	sub := appeal.Submission{ReasonCode: d.Reason, Text: d.Text, HasPoint: c.hasPoint, Lat: c.lat, Lon: c.lon,
		Address: d.Address, Anonymous: d.Anonymous, Photos: photos, Channel: channel, IdempotencyKey: d.Key}
	if c.needDistrict {
		sub.TerritoryID = d.territoryID()
	}
	if channel == casework.ChannelOperator {
		phone, _ := ruid.Phone(d.CallerPhone)
		email, _ := ruid.Email(d.CallerEmail)
		sub.Contact = appeal.Contact{FirstName: d.CallerFirst, LastName: d.CallerLast, Phone: phone, Email: email}
	}
	return sub
}

// appealFormPage is the data of the first page, for citizens and
// operators alike.
type appealFormPage struct {
	Operator    bool
	Action      string // where the form posts
	Form        Form   // text, address, lat, lon, territory, and the caller's inputs
	Reasons     appealReasons
	Anonymous   bool
	FindAccount bool
	Key         string
	NeedPlace   bool // the error is about the place: open its section
	Districts   bool // offer the district select
	TileURL     string
	TileAttrib  string
	MaxText     int
	Suggest     []appealSuggestion // suggestions of the text as sent, when script is off
}

// appealReasons is the two-level reason picker: categories, each with
// its reasons and their hints.
type appealReasons struct {
	Field      Field // the reason input's name, value and error
	Categories []appealCategoryView
}

type appealCategoryView struct {
	ID, Title string
	Open      bool // it holds the chosen reason
	Reasons   []appealReasonView
}

type appealReasonView struct {
	ID, Code, Title, Hint, Keywords string
	Checked                         bool
}

// reasonPicker builds the picker with code chosen.
func reasonPicker(l i18n.Localizer, tax *appeal.Taxonomy, code, errMsg string) appealReasons {
	title := func(ru, en string) string { return inLang(l, ru, en) }
	p := appealReasons{Field: Field{Name: "reason", HTMLID: "f-reason", Label: l.T("web.appeals.reason_label"),
		Hint: l.T("web.appeals.reason_hint"), Value: code, Error: errMsg}}
	for _, c := range tax.Categories {
		cv := appealCategoryView{ID: "cat-" + c.Code, Title: title(c.Title, c.TitleEn)}
		for _, r := range c.Reasons {
			rv := appealReasonView{ID: "reason-" + r.Code, Code: r.Code, Title: title(r.Title, r.TitleEn), Hint: r.Hint,
				Keywords: strings.ToLower(strings.Join(r.Keywords, " ")), Checked: r.Code == code}
			cv.Open = cv.Open || rv.Checked
			cv.Reasons = append(cv.Reasons, rv)
		}
		p.Categories = append(p.Categories, cv)
	}
	return p
}

// inLang picks the English title on English pages when there is one.
func inLang(l i18n.Localizer, ru, en string) string {
	if l.Lang() == i18n.English && en != "" {
		return en
	}
	return ru
}

// districtOptions are the districts for the select offered when the
// point is outside every territory or there is no point.
func (s *Server) districtOptions(ctx context.Context, l i18n.Localizer) ([]OptionGroup, error) {
	opts := []Option{{Value: "", Label: l.T("web.appeals.district_choose")}}
	if s.deps.Territories != nil {
		ts, err := s.deps.Territories.List(ctx, geo.ListQuery{Level: geo.LevelDistrict, Limit: maxDistricts})
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			opts = append(opts, Option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name})
		}
	}
	return []OptionGroup{{Options: opts}}, nil
}

// appealForm builds the first page with draft d and err's messages.
func (s *Server) appealForm(ctx context.Context, l i18n.Localizer, tax *appeal.Taxonomy, d appealDraft, err error, operator bool) (appealFormPage, error) {
	districts, derr := s.districtOptions(ctx, l)
	if derr != nil {
		return appealFormPage{}, derr
	}
	// The fields in the page's order, so that the error summary follows
	// it; "reason" (its own picker), "place" and "photos" are rendered
	// elsewhere and here only to place their messages.
	var fields []Field
	if operator {
		fields = append(fields,
			Field{Name: "caller_phone", Type: "tel", Label: l.T("web.appeals.caller_phone"), Autocomplete: "off", Width: "medium"},
			Field{Name: "caller_last_name", Label: l.T("web.appeals.caller_last_name"), Autocomplete: "off", Width: "medium"},
			Field{Name: "caller_first_name", Label: l.T("web.appeals.caller_first_name"), Autocomplete: "off", Width: "medium"},
			Field{Name: "caller_email", Type: "email", Label: l.T("web.appeals.caller_email"), Autocomplete: "off", Width: "medium"},
		)
	}
	fields = append(fields,
		Field{Name: "text", Type: "textarea", Label: l.T("web.appeals.text_label"), Hint: l.T("web.appeals.text_hint", appealLimits.MaxText)},
		Field{Name: "reason", Type: "hidden"},
		Field{Name: "place", Type: "hidden", HTMLID: "f-address"}, // the place has no input of its own: the address is the first
		Field{Name: "lat", Type: "number", Label: l.T("web.appeals.lat_label")},
		Field{Name: "lon", Type: "number", Label: l.T("web.appeals.lon_label")},
		Field{Name: "address", Label: l.T("web.appeals.address_label"), Hint: l.T("web.appeals.address_hint"), Autocomplete: "street-address"},
		Field{Name: "territory", Type: "select", Label: l.T("web.appeals.district_label"), Hint: l.T("web.appeals.district_hint"), Groups: districts},
		Field{Name: "photos", Type: "hidden"},
	)
	form := NewForm(l, d.values(), err, fields...)
	page := appealFormPage{Operator: operator, Action: "/appeals/new", Form: form,
		Reasons:   reasonPicker(l, tax, d.Reason, form.Field("reason").Error),
		Anonymous: d.Anonymous, FindAccount: d.FindAccount, Key: d.Key,
		TileURL: s.cfg.MapTileURL, TileAttrib: s.cfg.MapAttribution, MaxText: appealLimits.MaxText}
	if operator {
		page.Action = "/staff/appeals/new"
	}
	for _, f := range errorFields(err) {
		switch f {
		case "place", "address", "lat", "lon", "territory":
			page.NeedPlace = true
		}
	}
	return page, nil
}

// hasPhotoError reports whether err names the photos: those are fixed on
// the check step, everything else on the first page.
func hasPhotoError(err error) bool {
	for _, f := range errorFields(err) {
		if f == "photos" || strings.HasPrefix(f, "photos.") || f == docsField {
			return true
		}
	}
	return false
}

// appealFieldNames renames the feature's field names to the form's.
var appealFieldNames = map[string]string{
	"reason_code": "reason", "reason_id": "reason", "territory_id": "territory", "point": "place",
	"contact.phone": "caller_phone", "contact.first_name": "caller_first_name", "contact.last_name": "caller_last_name",
	"contact.email": "caller_email", "documents": "photos",
}

func appealFormErr(err error) error {
	return renameFields(err, func(f string) string {
		if n, ok := appealFieldNames[f]; ok {
			return n
		}
		return f
	})
}
