package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/org"
)

// orgJSON is an organisation in the API. Its contacts are public.
type orgJSON struct {
	ID        int64            `json:"id"`
	Kind      org.Kind         `json:"kind"`
	Name      string           `json:"name"`
	ShortName string           `json:"short_name,omitempty"`
	ParentID  int64            `json:"parent_id,omitempty"`
	INN       string           `json:"inn,omitempty"`
	OGRN      string           `json:"ogrn,omitempty"`
	Contacts  org.Contacts     `json:"contacts"`
	Address   string           `json:"address,omitempty"`
	Hours     org.WorkingHours `json:"hours"`
}

func toOrgJSON(o org.Organisation) orgJSON {
	return orgJSON{ID: o.ID, Kind: o.Kind, Name: o.Name, ShortName: o.ShortName, ParentID: o.ParentID, INN: o.INN, OGRN: o.OGRN,
		Contacts: o.Contacts, Address: o.Address, Hours: o.Hours}
}

var orgSchema = Schema{
	"type":     "object",
	"required": []string{"id", "kind", "name", "contacts", "hours"},
	"properties": Schema{
		"id": Schema{"type": "integer"}, "kind": Schema{"type": "string"}, "name": Schema{"type": "string"},
		"short_name": Schema{"type": "string"}, "parent_id": Schema{"type": "integer"},
		"inn": Schema{"type": "string"}, "ogrn": Schema{"type": "string"},
		"contacts": Schema{"type": "object", "properties": Schema{"phone": Schema{"type": "string"}, "email": Schema{"type": "string"}, "website": Schema{"type": "string"}}},
		"address":  Schema{"type": "string"},
		"hours":    Schema{"type": "object", "description": "Intervals per weekday, Monday first, and a note."},
	},
}

// pageSchema is a keyset page of items; next is the cursor for ?after=.
func pageSchema(item Schema) Schema {
	return Schema{"type": "object", "required": []string{"items"}, "properties": Schema{
		"items": Schema{"type": "array", "items": item},
		"next":  Schema{"type": "string", "description": "Pass as ?after= for the next page; absent on the last page."},
	}}
}

var pageParams = []APIParam{
	{Name: "after", In: "query", Description: "Cursor from the previous page's next.", Schema: Schema{"type": "integer", "minimum": 0}},
	{Name: "limit", In: "query", Description: "Items per page (1–1000, default 100).", Schema: Schema{"type": "integer", "minimum": 1, "maximum": 1000}},
}

// page is a keyset page in the API.
type page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// parsePage reads ?after= and ?limit=, with field errors for bad values.
func parsePage(q url.Values) (after int64, limit int, err error) {
	var fe okno.FieldErrors
	limit = 100
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			fe.Add("after", "web.api.after_invalid")
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			fe.Add("limit", "web.api.limit_invalid", 1000)
		}
	}
	return after, limit, fe.Err()
}

// apiOrganisations pages through every organisation by id.
func (s *Server) apiOrganisations(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := parsePage(r.URL.Query())
	if err != nil {
		return err
	}
	os, err := s.deps.Orgs.List(r.Context(), org.ListQuery{AfterID: after, Limit: limit})
	if err != nil {
		return err
	}
	p := page[orgJSON]{Items: make([]orgJSON, len(os))}
	for i, o := range os {
		p.Items[i] = toOrgJSON(o)
	}
	if len(os) == limit {
		p.Next = strconv.FormatInt(os[len(os)-1].ID, 10)
	}
	return writeJSON(w, http.StatusOK, p)
}

// apiOrganisation returns one organisation.
func (s *Server) apiOrganisation(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "org.not_found")
	}
	o, err := s.deps.Orgs.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toOrgJSON(o))
}
