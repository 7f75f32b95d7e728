package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
)

// This file is the catalogue API: the list and search of services, and a
// service's card with its form declaration. Catalogue types carry no JSON
// names of their own; the API's are here, in snake case like the rest.

// apiServiceSummary is a service in lists and search results.
type apiServiceSummary struct {
	Code       string              `json:"code"`
	Title      catalog.Text        `json:"title"`
	Summary    catalog.Text        `json:"summary,omitempty"`
	Level      catalog.Level       `json:"level"`
	Recipients []catalog.Recipient `json:"recipients"`
	Kind       catalog.Kind        `json:"kind"`
	OrgID      int64               `json:"org_id"`
	OrgName    string              `json:"org_name"`
	Category   string              `json:"category,omitempty"`
	Score      float64             `json:"score,omitempty"` // search results only
}

func toAPISummary(x catalog.Summary) apiServiceSummary {
	return apiServiceSummary{Code: x.Code, Title: x.Title, Summary: x.Summary, Level: x.Level, Recipients: x.Recipients,
		Kind: x.Kind, OrgID: x.OrgID, OrgName: x.OrgName, Category: x.Category}
}

// apiService is a service's card.
type apiService struct {
	apiServiceSummary
	Keywords       []string    `json:"keywords"`
	Assurance      string      `json:"assurance"`
	ComplaintOrgID int64       `json:"complaint_org_id,omitempty"`
	Situations     []string    `json:"situations"`
	Offices        []apiOffice `json:"offices"`
	LegalPeriod    string      `json:"legal_period,omitempty"`
	NeedsConsent   bool        `json:"needs_consent"`
	Fee            apiFee      `json:"fee"`
	Card           apiCard     `json:"card"`
	Owner          apiOwner    `json:"owner"`
	Form           *apiForm    `json:"form,omitempty"`
	Version        int64       `json:"version"`
	UpdatedAt      time.Time   `json:"updated_at"`
}

type apiFee struct {
	Kopecks int64        `json:"kopecks"`
	Text    catalog.Text `json:"text,omitempty"`
}

type apiCard struct {
	HowTo     []catalog.Text `json:"how_to"`
	Deadline  catalog.Text   `json:"deadline,omitempty"`
	WhoMay    catalog.Text   `json:"who_may,omitempty"`
	Refusal   []catalog.Text `json:"refusal"`
	Result    catalog.Text   `json:"result,omitempty"`
	Documents []apiDocument  `json:"documents"`
	Appeal    catalog.Text   `json:"appeal,omitempty"`
	LegalActs []apiLegalAct  `json:"legal_acts"`
}

type apiDocument struct {
	Title    catalog.Text `json:"title"`
	Note     catalog.Text `json:"note,omitempty"`
	Required bool         `json:"required"`
	ByBody   bool         `json:"by_body"`
	Original bool         `json:"original"`
}

type apiLegalAct struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

type apiOwner struct {
	Name     string `json:"name,omitempty"`
	Position string `json:"position,omitempty"`
	PhotoURL string `json:"photo_url,omitempty"`
}

type apiForm struct {
	Schema json.RawMessage `json:"schema"`
	Layout json.RawMessage `json:"layout,omitempty"`
}

type apiOffice struct {
	ID      int64        `json:"id"`
	OrgID   int64        `json:"org_id"`
	Name    catalog.Text `json:"name"`
	Address string       `json:"address"`
	Phone   string       `json:"phone,omitempty"`
	Hours   any          `json:"hours"`
	Lat     float64      `json:"lat,omitempty"`
	Lon     float64      `json:"lon,omitempty"`
}

func toAPIService(sv catalog.Service, orgName string, offices []catalog.Office) apiService {
	out := apiService{
		apiServiceSummary: apiServiceSummary{Code: sv.Code, Title: sv.Title, Summary: sv.Summary, Level: sv.Level, Recipients: sv.Recipients,
			Kind: sv.Kind, OrgID: sv.OrgID, OrgName: orgName, Category: sv.Category},
		Keywords: nonNil(sv.Keywords), Assurance: string(sv.Assurance), ComplaintOrgID: sv.ComplaintOrgID,
		Situations: nonNil(sv.Situations), Offices: []apiOffice{}, LegalPeriod: sv.LegalPeriod, NeedsConsent: sv.NeedsConsent,
		Fee: apiFee{Kopecks: sv.Fee.Kopecks, Text: sv.Fee.Text},
		Card: apiCard{HowTo: nonNil(sv.Card.HowTo), Deadline: sv.Card.Deadline, WhoMay: sv.Card.WhoMay, Refusal: nonNil(sv.Card.Refusal),
			Result: sv.Card.Result, Documents: []apiDocument{}, Appeal: sv.Card.Appeal, LegalActs: []apiLegalAct{}},
		Owner:   apiOwner{Name: sv.Owner.Name, Position: sv.Owner.Position},
		Version: sv.Version, UpdatedAt: sv.UpdatedAt,
	}
	if sv.Owner.Photo != "" {
		out.Owner.PhotoURL = "/services/" + sv.Code + "/owner-photo"
	}
	if !sv.Form.Empty() {
		out.Form = &apiForm{Schema: sv.Form.Schema, Layout: sv.Form.Layout}
	}
	for _, d := range sv.Card.Documents {
		out.Card.Documents = append(out.Card.Documents, apiDocument{Title: d.Title, Note: d.Note, Required: d.Required, ByBody: d.ByBody, Original: d.Original})
	}
	for _, a := range sv.Card.LegalActs {
		out.Card.LegalActs = append(out.Card.LegalActs, apiLegalAct{Title: a.Title, URL: a.URL})
	}
	for _, o := range offices {
		out.Offices = append(out.Offices, apiOffice{ID: o.ID, OrgID: o.OrgID, Name: o.Name, Address: o.Address, Phone: o.Phone, Hours: o.Hours, Lat: o.Lat, Lon: o.Lon})
	}
	return out
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// apiServices serves GET /api/v1/services: the list, or search results
// for q (which take a token of the search limiter, like the live search).
func (s *Server) apiServices(lim *textLimiter) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := r.URL.Query()
		q, bad := parseCatalogQuery(v)
		var fe okno.FieldErrors
		for _, f := range bad {
			fe.Add(f, "web.catalog.filter_bad")
		}
		if l := v.Get("limit"); l != "" {
			n, err := strconv.Atoi(l)
			if err != nil || n < 1 || n > catalog.MaxLimit {
				fe.Add("limit", "web.api.limit_invalid", catalog.MaxLimit)
			}
			q.Limit = n
		}
		if err := fe.Err(); err != nil {
			return err
		}
		ctx := r.Context()
		out := page[apiServiceSummary]{Items: []apiServiceSummary{}}
		if text := strings.TrimSpace(v.Get("q")); text != "" {
			if err := takeSearchToken(s, lim, r); err != nil {
				return err
			}
			hits, err := s.deps.Services.Search(ctx, text, q, q.Limit)
			if err != nil {
				return err
			}
			for _, h := range hits {
				x := toAPISummary(h.Summary)
				x.Score = h.Score
				out.Items = append(out.Items, x)
			}
			return writeJSON(w, http.StatusOK, out)
		}
		p, err := s.deps.Services.List(ctx, q)
		if err != nil {
			return err
		}
		for _, x := range p.Items {
			out.Items = append(out.Items, toAPISummary(x))
		}
		out.Next = p.Next
		return writeJSON(w, http.StatusOK, out)
	}
}

// apiService serves GET /api/v1/services/{code}.
func (s *Server) apiService(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
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
	name := body.ShortName
	if name == "" {
		name = body.Name
	}
	offices, err := s.deps.Services.Offices(ctx, sv.OfficeIDs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIService(sv, name, offices))
}

// The catalogue API's parameters and schemas, for OpenAPI.
var (
	textSchema = Schema{"type": "object", "description": "A text by language: ru always, en when written.",
		"required": []string{"ru"}, "properties": Schema{"ru": Schema{"type": "string"}, "en": Schema{"type": "string"}}}
	serviceListParams = []APIParam{
		{Name: "q", In: "query", Description: "Words to search for, as people type them (at most 10 words, 400 bytes).", Schema: Schema{"type": "string", "maxLength": 400}},
		{Name: "category", In: "query", Description: "A category's code.", Schema: Schema{"type": "string"}},
		{Name: "situation", In: "query", Description: "A life situation's code.", Schema: Schema{"type": "string"}},
		{Name: "level", In: "query", Schema: Schema{"type": "string", "enum": []string{"federal", "regional", "municipal"}}},
		{Name: "recipient", In: "query", Schema: Schema{"type": "string", "enum": []string{"citizen", "entrepreneur", "organisation"}}},
		{Name: "after", In: "query", Description: "Cursor from the previous page's next (lists only).", Schema: Schema{"type": "string"}},
		{Name: "limit", In: "query", Description: "Items per page or results (1–100, default 20).", Schema: Schema{"type": "integer", "minimum": 1, "maximum": catalog.MaxLimit}},
	}
	serviceSummaryProps = Schema{
		"code": Schema{"type": "string"}, "title": textSchema, "summary": textSchema,
		"level":      Schema{"type": "string", "enum": []string{"federal", "regional", "municipal"}},
		"recipients": Schema{"type": "array", "items": Schema{"type": "string", "enum": []string{"citizen", "entrepreneur", "organisation"}}},
		"kind":       Schema{"type": "string", "enum": []string{"application", "instant", "in_person"}},
		"org_id":     Schema{"type": "integer"}, "org_name": Schema{"type": "string"}, "category": Schema{"type": "string"},
		"score": Schema{"type": "number", "description": "Search results only: higher is better."},
	}
	serviceSummarySchema = Schema{"type": "object", "required": []string{"code", "title", "level", "recipients", "kind", "org_id", "org_name"},
		"properties": serviceSummaryProps}
	serviceSchema = func() Schema {
		props := Schema{}
		for k, v := range serviceSummaryProps {
			if k != "score" {
				props[k] = v
			}
		}
		texts := Schema{"type": "array", "items": textSchema}
		props["keywords"] = Schema{"type": "array", "items": Schema{"type": "string"}}
		props["assurance"] = Schema{"type": "string", "enum": []string{"simplified", "standard", "confirmed"}, "description": "The least account level to apply."}
		props["complaint_org_id"] = Schema{"type": "integer", "description": "The body receiving pre-trial complaints; absent: the providing body's parent."}
		props["situations"] = Schema{"type": "array", "items": Schema{"type": "string"}}
		props["offices"] = Schema{"type": "array", "items": Schema{"type": "object", "properties": Schema{
			"id": Schema{"type": "integer"}, "org_id": Schema{"type": "integer"}, "name": textSchema, "address": Schema{"type": "string"},
			"phone": Schema{"type": "string"}, "hours": Schema{"type": "object", "description": "Intervals per weekday, Monday first, and a note."},
			"lat": Schema{"type": "number"}, "lon": Schema{"type": "number"}}}}
		props["legal_period"] = Schema{"type": "string", "description": `"10w": 10 working days; "30d": 30 calendar days.`}
		props["needs_consent"] = Schema{"type": "boolean"}
		props["fee"] = Schema{"type": "object", "properties": Schema{"kopecks": Schema{"type": "integer"}, "text": textSchema}}
		props["card"] = Schema{"type": "object", "properties": Schema{
			"how_to": texts, "deadline": textSchema, "who_may": textSchema, "refusal": texts, "result": textSchema, "appeal": textSchema,
			"documents": Schema{"type": "array", "items": Schema{"type": "object", "properties": Schema{
				"title": textSchema, "note": textSchema, "required": Schema{"type": "boolean"},
				"by_body":  Schema{"type": "boolean", "description": "The body obtains it itself by interagency request."},
				"original": Schema{"type": "boolean"}}}},
			"legal_acts": Schema{"type": "array", "items": Schema{"type": "object", "properties": Schema{"title": Schema{"type": "string"}, "url": Schema{"type": "string"}}}},
		}}
		props["owner"] = Schema{"type": "object", "properties": Schema{"name": Schema{"type": "string"}, "position": Schema{"type": "string"}, "photo_url": Schema{"type": "string"}}}
		props["form"] = Schema{"type": "object", "description": "The form declaration (package formdecl): a JSON Schema 2020-12 subset and the layout.",
			"properties": Schema{"schema": Schema{"type": "object"}, "layout": Schema{"type": "object"}}}
		props["version"] = Schema{"type": "integer"}
		props["updated_at"] = Schema{"type": "string", "format": "date-time"}
		return Schema{"type": "object", "required": []string{"code", "title", "level", "recipients", "kind", "org_id", "assurance", "card"}, "properties": props}
	}()
)
