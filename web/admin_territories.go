package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/i18n"
)

// adminTerritoriesPage is the data of /admin/territories.
type adminTerritoriesPage struct {
	Levels   []Option // the filter
	Level    string
	List     Table
	Pages    Pagination
	Lookup   Form
	Found    []string // the point's territories, widest first
	Looked   bool
	Upload   Form
	CanLoad  bool // region administrators import boundaries
	Imported *Banner
}

func levelOptions(l i18n.Localizer) []Option {
	out := make([]Option, len(geo.Levels))
	for i, lv := range geo.Levels {
		out[i] = Option{Value: string(lv), Label: l.T("web.geo.level." + string(lv))}
	}
	return out
}

func lookupFields(l i18n.Localizer) []Field {
	return []Field{
		{Name: "lat", Label: l.T("web.geo.lat"), Hint: l.T("web.geo.lat_hint"), Width: "medium", Autocomplete: "off"},
		{Name: "lon", Label: l.T("web.geo.lon"), Hint: l.T("web.geo.lon_hint"), Width: "medium", Autocomplete: "off"},
	}
}

func uploadFields(l i18n.Localizer) []Field {
	return []Field{
		{Name: "level", Type: "radios", Label: l.T("web.geo.upload_level"), Options: levelOptions(l)},
		{Name: "source", Label: l.T("web.geo.source"), Hint: l.T("web.geo.source_hint"), Width: "medium"},
		{Name: "file", Type: "file", Label: l.T("web.geo.file"), Hint: l.T("web.geo.file_hint")},
	}
}

// parsePoint reads lat and lon, with field errors a person can act on.
func parsePoint(v url.Values) (lat, lon float64, err error) {
	var fe okno.FieldErrors
	lat, e1 := strconv.ParseFloat(v.Get("lat"), 64)
	if e1 != nil || lat < -90 || lat > 90 {
		fe.Add("lat", "web.geo.lat_invalid")
	}
	lon, e2 := strconv.ParseFloat(v.Get("lon"), 64)
	if e2 != nil || lon < -180 || lon > 180 {
		fe.Add("lon", "web.geo.lon_invalid")
	}
	return lat, lon, fe.Err()
}

func (s *Server) adminTerritoriesView(w http.ResponseWriter, r *http.Request, uploadValues url.Values, uploadErr error, imported *Banner) (View, int, error) {
	ctx, l, q := r.Context(), stateFrom(r.Context()).loc, r.URL.Query()
	status := http.StatusOK
	data := adminTerritoriesPage{Levels: levelOptions(l), Level: q.Get("level"), Imported: imported}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	const pageSize = 50
	ts, err := s.deps.Territories.List(ctx, geo.ListQuery{Level: geo.Level(data.Level), AfterID: after, Limit: pageSize})
	if err != nil {
		return View{}, 0, err
	}
	data.List = Table{Caption: l.T("web.geo.list"), Head: []string{l.T("web.geo.name"), l.T("web.geo.level"), l.T("web.geo.code")}}
	for _, t := range ts {
		data.List.Rows = append(data.List.Rows, []string{t.Name, l.T("web.geo.level." + string(t.Level)), t.Code})
	}
	if len(ts) == pageSize {
		next := url.Values{"level": {data.Level}, "after": {strconv.FormatInt(ts[len(ts)-1].ID, 10)}}
		data.Pages.NextURL = "/admin/territories?" + next.Encode()
	}
	if after > 0 {
		data.Pages.PrevURL = "/admin/territories?" + url.Values{"level": {data.Level}}.Encode()
	}
	var lookErr error
	if q.Has("lat") || q.Has("lon") {
		lat, lon, perr := parsePoint(q)
		lookErr = perr
		if perr == nil {
			found, err := s.deps.Territories.Lookup(ctx, lat, lon)
			if err != nil {
				return View{}, 0, err
			}
			data.Looked = true
			for _, t := range found {
				data.Found = append(data.Found, l.T("web.geo.level."+string(t.Level))+": "+t.Name)
			}
		} else {
			status = formStatus(perr)
		}
	}
	data.Lookup = NewForm(l, q, lookErr, lookupFields(l)...)
	data.Upload = NewForm(l, uploadValues, uploadErr, uploadFields(l)...)
	if uploadErr != nil {
		status = formStatus(uploadErr)
		data.Upload.Errors = fileProblems(l, uploadErr, data.Upload.Errors)
	}
	ok, err := s.deps.Orgs.CanAdministerRegion(ctx, okno.ActorFrom(ctx))
	if err != nil {
		return View{}, 0, err
	}
	data.CanLoad = ok
	return s.view(w, r, "web.geo.title", data), status, nil
}

// fileProblems lists the problems ParseGeoJSON found inside the file —
// "features[3].geometry: …" — under the file field, so an administrator
// can fix the file.
func fileProblems(l i18n.Localizer, err error, shown []FieldMessage) []FieldMessage {
	_, fields := l.Error(err)
	var paths []string
	for f := range fields {
		if f != "level" && f != "source" && f != "file" {
			paths = append(paths, f)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		shown = append(shown, FieldMessage{ID: "f-file", Message: p + ": " + fields[p]})
	}
	return shown
}

// adminTerritories lists territories by level, looks a point up (a GET
// form: looking changes nothing) and offers the GeoJSON upload.
func (s *Server) adminTerritories(w http.ResponseWriter, r *http.Request) error {
	v, status, err := s.adminTerritoriesView(w, r, nil, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, status, "admin-territories", v)
}

// adminTerritoriesImport reads an uploaded GeoJSON file and imports it at
// a level. A bad file is refused whole, with where the problems are; the
// import itself is one transaction, so nothing changes either way.
func (s *Server) adminTerritoriesImport(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	ok, err := s.deps.Orgs.CanAdministerRegion(ctx, okno.ActorFrom(ctx))
	if err != nil {
		return err
	}
	if !ok {
		return okno.Errorf(okno.EFORBIDDEN, "geo.import_forbidden")
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return okno.Wrap(okno.EINVALID, "error.bad_request", err)
	}
	values := url.Values{"level": {r.FormValue("level")}, "source": {r.FormValue("source")}}
	level := geo.Level(r.FormValue("level"))
	var res geo.ImportResult
	err = func() error {
		var fe okno.FieldErrors
		if !level.Valid() {
			fe.Add("level", "geo.level_invalid")
		}
		f, _, ferr := r.FormFile("file")
		if ferr != nil {
			fe.Add("file", "web.geo.file_required")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		defer f.Close()
		fc, err := geo.ParseGeoJSON(f, geo.Limits{})
		if err != nil {
			return err
		}
		fc.Source = r.FormValue("source")
		res, err = s.deps.Territories.Import(ctx, fc, level, okno.ActorFrom(ctx))
		return err
	}()
	if err != nil && !userError(err) {
		return err
	}
	var banner *Banner
	if err == nil {
		banner = &Banner{Title: l.T("web.geo.imported"), Body: l.T("web.geo.imported_body", res.Created, res.Updated, res.Unchanged), Success: true}
		values = nil
	}
	v, status, verr := s.adminTerritoriesView(w, r, values, err, banner)
	if verr != nil {
		return verr
	}
	return s.render(w, status, "admin-territories", v)
}
