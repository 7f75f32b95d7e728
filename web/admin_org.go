package web

import (
	"net/http"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/org"
)

// adminOrgPage is the data of an organisation's card.
type adminOrgPage struct {
	Org         org.Organisation
	Details     []SummaryRow
	Hours       []SummaryRow
	Territories []string
	Positions   Table
	Staff       Table
	Saved       bool
}

// adminOrg shows an organisation's card: contacts, address, hours,
// territories, positions and staff.
func (s *Server) adminOrg(w http.ResponseWriter, r *http.Request) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	o, err := s.administered(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	data := adminOrgPage{Org: o, Saved: r.URL.Query().Get("saved") == "1", Details: []SummaryRow{
		{Key: l.T("web.admin.kind"), Value: kindName(l, o.Kind)},
		{Key: l.T("web.admin.name"), Value: o.Name},
		{Key: l.T("web.admin.short_name"), Value: o.ShortName},
		{Key: l.T("web.admin.inn"), Value: o.INN},
		{Key: l.T("web.admin.ogrn"), Value: o.OGRN},
		{Key: l.T("web.admin.phone"), Value: o.Contacts.Phone},
		{Key: l.T("web.admin.email"), Value: o.Contacts.Email},
		{Key: l.T("web.admin.website"), Value: o.Contacts.Website},
		{Key: l.T("web.admin.address"), Value: o.Address},
	}}
	for i, day := range o.Hours.Days {
		data.Hours = append(data.Hours, SummaryRow{Key: l.T("web.weekday." + strings.ToLower(org.Weekdays[i].String())), Value: hoursText(l, day)})
	}
	if o.Hours.Note != "" {
		data.Hours = append(data.Hours, SummaryRow{Key: l.T("web.admin.hours_note"), Value: o.Hours.Note})
	}
	tids, err := s.deps.Orgs.Territories(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, id := range tids {
		t, err := s.deps.Territories.Get(ctx, id)
		if err != nil {
			return err
		}
		data.Territories = append(data.Territories, t.Name)
	}
	ps, err := s.deps.Orgs.Positions(ctx, o.ID)
	if err != nil {
		return err
	}
	data.Positions = Table{Caption: l.T("web.admin.positions"), Head: []string{l.T("web.admin.position"), l.T("web.admin.role")}}
	for _, p := range ps {
		data.Positions.Rows = append(data.Positions.Rows, []string{p.Title, l.T("web.role." + string(p.Role))})
	}
	staff, err := s.deps.Orgs.StaffOf(ctx, o.ID)
	if err != nil {
		return err
	}
	data.Staff = Table{Caption: l.T("web.admin.staff"), Head: []string{l.T("web.admin.person"), l.T("web.admin.position"), l.T("web.admin.since")}}
	for _, m := range staff {
		data.Staff.Rows = append(data.Staff.Rows, []string{m.DisplayName, m.Position.Title, formatTime(l, m.Since)})
	}
	return s.render(w, http.StatusOK, "admin-org", s.view(w, r, "web.admin.org_title", data))
}

// hoursText is one day's opening hours, "09:00–13:00, 13:48–18:00".
func hoursText(l i18n.Localizer, day []org.Interval) string {
	if len(day) == 0 {
		return l.T("web.admin.day_off")
	}
	parts := make([]string, len(day))
	for i, iv := range day {
		parts[i] = iv.From + "–" + iv.To
	}
	return strings.Join(parts, ", ")
}

// orgForm is the organisation form's questions.
func orgFields(l i18n.Localizer) []Field {
	kinds := make([]Option, len(org.Kinds))
	for i, k := range org.Kinds {
		kinds[i] = Option{Value: string(k), Label: kindName(l, k)}
	}
	return []Field{
		{Name: "name", Label: l.T("web.admin.name"), Hint: l.T("web.admin.name_hint")},
		{Name: "short_name", Label: l.T("web.admin.short_name"), Hint: l.T("web.admin.short_name_hint"), Width: "medium"},
		{Name: "kind", Type: "radios", Label: l.T("web.admin.kind"), Options: kinds},
		{Name: "inn", Label: l.T("web.admin.inn"), Width: "medium", Autocomplete: "off"},
		{Name: "ogrn", Label: l.T("web.admin.ogrn"), Width: "medium", Autocomplete: "off"},
		{Name: "contacts.phone", Type: "tel", Label: l.T("web.admin.phone"), Width: "medium", Autocomplete: "off"},
		{Name: "contacts.email", Type: "email", Label: l.T("web.admin.email"), Width: "medium", Autocomplete: "off"},
		{Name: "contacts.website", Label: l.T("web.admin.website"), Width: "medium", Autocomplete: "off"},
		{Name: "address", Type: "textarea", Label: l.T("web.admin.address")},
	}
}

// orgValues are o's answers to the form.
func orgValues(o org.Organisation) map[string][]string {
	return map[string][]string{
		"name": {o.Name}, "short_name": {o.ShortName}, "kind": {string(o.Kind)}, "inn": {o.INN}, "ogrn": {o.OGRN},
		"contacts.phone": {o.Contacts.Phone}, "contacts.email": {o.Contacts.Email}, "contacts.website": {o.Contacts.Website},
		"address": {o.Address},
	}
}

// fromForm copies the form's answers into o.
func orgFromForm(r *http.Request, o org.Organisation) org.Organisation {
	o.Name, o.ShortName, o.Kind = formValue(r, "name"), formValue(r, "short_name"), org.Kind(formValue(r, "kind"))
	o.INN, o.OGRN, o.Address = formValue(r, "inn"), formValue(r, "ogrn"), formValue(r, "address")
	o.Contacts = org.Contacts{Phone: formValue(r, "contacts.phone"), Email: formValue(r, "contacts.email"), Website: formValue(r, "contacts.website")}
	return o
}

// adminOrgFormPage is the data of the new and edit forms.
type adminOrgFormPage struct {
	Form   Form
	Action string
	Back   string
	Parent string // the new organisation's parent, by name
	New    bool
}

// adminOrgEdit shows an organisation's edit form.
func (s *Server) adminOrgEdit(w http.ResponseWriter, r *http.Request) error {
	l := stateFrom(r.Context()).loc
	o, err := s.administered(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "admin-org-form", s.view(w, r, "web.admin.edit_title", adminOrgFormPage{
		Form: NewForm(l, orgValues(o), nil, orgFields(l)...), Action: orgPath(o.ID), Back: orgPath(o.ID)}))
}

// adminOrgUpdate saves the edit form. Working hours, territories and the
// parent are kept as they were: this form does not ask about them.
func (s *Server) adminOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	o, err := s.administered(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	_, err = s.deps.Orgs.UpdateOrganisation(ctx, orgFromForm(r, o), okno.ActorFrom(ctx))
	if userError(err) {
		return s.render(w, formStatus(err), "admin-org-form", s.view(w, r, "web.admin.edit_title", adminOrgFormPage{
			Form: NewForm(l, r.PostForm, err, orgFields(l)...), Action: orgPath(o.ID), Back: orgPath(o.ID)}))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, orgPath(o.ID)+"?saved=1")
}

// adminOrgNew shows the form for a new organisation under ?parent=.
func (s *Server) adminOrgNew(w http.ResponseWriter, r *http.Request) error {
	l := stateFrom(r.Context()).loc
	parent, err := s.administered(r.Context(), r.URL.Query().Get("parent"))
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "admin-org-form", s.view(w, r, "web.admin.new_title", adminOrgFormPage{
		Form:   NewForm(l, nil, nil, orgFields(l)...),
		Action: "/admin/organisations?parent=" + r.URL.Query().Get("parent"), Back: orgPath(parent.ID), Parent: orgLabel(parent), New: true}))
}

// adminOrgCreate creates the organisation under ?parent=, with the usual
// office hours to edit later. org checks the actor may administer the parent.
func (s *Server) adminOrgCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	parent, err := s.administered(ctx, r.URL.Query().Get("parent"))
	if err != nil {
		return err
	}
	o, err := s.deps.Orgs.CreateOrganisation(ctx, orgFromForm(r, org.Organisation{ParentID: parent.ID, Hours: org.OfficeHours()}), okno.ActorFrom(ctx))
	if userError(err) {
		return s.render(w, formStatus(err), "admin-org-form", s.view(w, r, "web.admin.new_title", adminOrgFormPage{
			Form:   NewForm(l, r.PostForm, err, orgFields(l)...),
			Action: "/admin/organisations?parent=" + r.URL.Query().Get("parent"), Back: orgPath(parent.ID), Parent: orgLabel(parent), New: true}))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, orgPath(o.ID)+"?saved=1")
}
