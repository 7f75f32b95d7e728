package web

import (
	"net/http"
	"slices"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
)

// The tabs of a service card. Each is a real link (?tab=), so the card
// works without JavaScript and each tab has its own address.
var serviceTabs = []string{"description", "documents", "contacts", "more"}

// servicePage is the data of a service card.
type servicePage struct {
	Code, Title, Summary   string
	Level, Kind, Recipient string // translated
	Fee, FeeText           string
	Assurance              string // the least account level, translated
	// Below is set for a signed-in citizen whose account is below the
	// service's level: what their level is (they are shown how to raise it).
	Below     string
	Anonymous bool
	Action    string // "apply", "instant" or "in_person"
	Tab       string
	Tabs      []tabLink
	// Booking links the booking pages when some office takes bookings
	// for the service; "" otherwise.
	Booking string
	Owner   ownerView

	// «Описание»
	HowTo, Refusal           []string
	Deadline, WhoMay, Result string
	// «Документы»
	Documents []documentView
	// «Контакты»
	Org     orgView
	Offices []officeView
	// «Дополнительно»
	Appeal     string
	Controller string // the body that receives complaints
	LegalActs  []catalog.LegalAct
}

// tabLink is one tab of a card.
type tabLink struct {
	ID, Label, URL string
	Current        bool
}

// documentView is a document a service needs.
type documentView struct {
	Title, Note string
	ByBody      bool // the body obtains it itself: the citizen need not bring it
	Tags        []Tag
}

// ownerView is the responsible person.
type ownerView struct {
	Name, Position string
	PhotoURL       string // "" when there is no photo
}

// orgView is the providing body on a card.
type orgView struct {
	ID                               int64
	Name, ShortName, Address         string
	Phone, Email, Website, HoursNote string
	Hours                            []hoursRow
}

// catalogService serves GET /services/{code}: a published service's card.
func (s *Server) catalogService(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	code := r.PathValue("code")
	if !codeLike(code) {
		return okno.Errorf(okno.ENOTFOUND, "catalog.service_not_found")
	}
	sv, err := s.deps.Services.Get(ctx, code)
	if err != nil {
		return err
	}
	body, err := s.deps.Orgs.Get(ctx, sv.OrgID)
	if err != nil {
		return err
	}
	tab := r.URL.Query().Get("tab")
	if !slices.Contains(serviceTabs, tab) {
		tab = serviceTabs[0]
	}
	p := newServicePage(l, sv, body, tab)
	if ss := session(r); ss.Kind == okno.ActorCitizen {
		if ss.Assurance < webAssurance(sv.Assurance) {
			p.Below = levelName(l, identityAssurance(ss.Assurance))
		}
	} else if ss.Kind == "" {
		p.Anonymous = true
	}
	if s.deps.Appointments != nil {
		offices, err := s.deps.Appointments.OfficesFor(ctx, sv.Code)
		if err != nil {
			return err
		}
		if len(offices) > 0 {
			p.Booking = "/services/" + sv.Code + "/appointment"
		}
	}
	switch tab {
	case "contacts":
		offices, err := s.deps.Services.Offices(ctx, sv.OfficeIDs)
		if err != nil {
			return err
		}
		p.Offices = toOfficeViews(l, offices)
	case "more":
		controller := sv.ComplaintOrgID
		if controller == 0 {
			controller = body.ParentID
		}
		if controller != 0 {
			c, err := s.deps.Orgs.Get(ctx, controller)
			if err != nil && !okno.IsCode(err, okno.ENOTFOUND) {
				return err
			}
			p.Controller = c.Name
		}
	}
	return s.render(w, http.StatusOK, "catalog-service", s.viewTitled(w, r, p.Title, p))
}

// viewTitled is view with a title that is data, not a catalogue key.
func (s *Server) viewTitled(w http.ResponseWriter, r *http.Request, title string, data any) View {
	v := s.view(w, r, "", data)
	v.Title = title
	return v
}

func newServicePage(l i18n.Localizer, sv catalog.Service, body org.Organisation, tab string) servicePage {
	lang := string(l.Lang())
	in := func(ts []catalog.Text) []string {
		out := make([]string, 0, len(ts))
		for _, t := range ts {
			out = append(out, t.In(lang))
		}
		return out
	}
	p := servicePage{
		Code: sv.Code, Title: sv.Title.In(lang), Summary: sv.Summary.In(lang),
		Level: levelLabel(l, sv.Level), Kind: kindLabel(l, sv.Kind), Recipient: recipientsLabel(l, sv.Recipients),
		Fee: feeLabel(l, sv.Fee.Kopecks), FeeText: sv.Fee.Text.In(lang),
		Assurance: levelName(l, sv.Assurance), Tab: tab,
		Owner: ownerView{Name: sv.Owner.Name, Position: sv.Owner.Position},
		HowTo: in(sv.Card.HowTo), Refusal: in(sv.Card.Refusal),
		Deadline: sv.Card.Deadline.In(lang), WhoMay: sv.Card.WhoMay.In(lang), Result: sv.Card.Result.In(lang),
		Appeal: sv.Card.Appeal.In(lang), LegalActs: sv.Card.LegalActs,
		Org: orgView{ID: body.ID, Name: body.Name, ShortName: body.ShortName, Address: body.Address,
			Phone: body.Contacts.Phone, Email: body.Contacts.Email, Website: body.Contacts.Website,
			HoursNote: body.Hours.Note, Hours: hoursRows(l, body.Hours)},
	}
	switch sv.Kind {
	case catalog.KindApplication:
		p.Action = "apply"
	case catalog.KindInstant:
		p.Action = "instant"
	default:
		p.Action = "in_person"
	}
	if sv.Owner.Photo != "" {
		p.Owner.PhotoURL = "/services/" + sv.Code + "/owner-photo"
	}
	for _, d := range sv.Card.Documents {
		v := documentView{Title: d.Title.In(lang), Note: d.Note.In(lang), ByBody: d.ByBody}
		switch {
		case d.ByBody:
			v.Tags = append(v.Tags, Tag{Text: l.T("web.catalog.by_body"), Colour: "blue"})
		case d.Required:
			v.Tags = append(v.Tags, Tag{Text: l.T("web.catalog.required")})
		default:
			v.Tags = append(v.Tags, Tag{Text: l.T("web.catalog.sometimes"), Colour: "grey"})
		}
		if d.Original {
			v.Tags = append(v.Tags, Tag{Text: l.T("web.catalog.original"), Colour: "grey"})
		}
		p.Documents = append(p.Documents, v)
	}
	for _, t := range serviceTabs {
		u := "/services/" + sv.Code
		if t != serviceTabs[0] {
			u += "?tab=" + t
		}
		p.Tabs = append(p.Tabs, tabLink{ID: t, Label: l.T("web.catalog.tab." + t), URL: u + "#tab", Current: t == tab})
	}
	return p
}

// catalogOwnerPhoto serves GET /services/{code}/owner-photo.
func (s *Server) catalogOwnerPhoto(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if !codeLike(code) {
		return okno.Errorf(okno.ENOTFOUND, "catalog.photo_not_found")
	}
	b, typ, err := s.deps.Services.OwnerPhoto(r.Context(), code)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Disposition", "inline")
	_, err = w.Write(b)
	return err
}

// webAssurance and identityAssurance translate between the account levels
// of package identity and of the web layer's sessions.
func webAssurance(a identity.Assurance) Assurance {
	switch a {
	case identity.AssuranceSimplified:
		return AssuranceSimplified
	case identity.AssuranceStandard:
		return AssuranceStandard
	case identity.AssuranceConfirmed:
		return AssuranceConfirmed
	}
	return AssuranceNone
}

func identityAssurance(a Assurance) identity.Assurance {
	switch a {
	case AssuranceSimplified:
		return identity.AssuranceSimplified
	case AssuranceStandard:
		return identity.AssuranceStandard
	case AssuranceConfirmed:
		return identity.AssuranceConfirmed
	}
	return identity.AssuranceNone
}
