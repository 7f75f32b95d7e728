package web

import (
	"net/http"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
)

// adminStaffPage is the data of /admin/staff: the people and API keys of
// the organisation the administrator acts for.
type adminStaffPage struct {
	OrgName string
	Staff   Table
	Create  Form
	NoPosts bool
	Keys    []keyRow
	KeyForm Form
	NewKey  string // the secret of a key just made: shown this once
	Banner  *Banner
}

// keyRow is one API key as listed.
type keyRow struct {
	ID                    int64
	Name, Prefix, Created string
	LastUsed, Revoked     string
	Active                bool
}

func staffFields(l i18n.Localizer, positions []Option) []Field {
	return []Field{
		{Name: "display_name", Label: l.T("web.staffadmin.name"), Width: "medium", Autocomplete: "off"},
		{Name: "email", Type: "email", Label: l.T("web.staffadmin.email"), Width: "medium", Autocomplete: "off"},
		{Name: "password", Type: "password", Label: l.T("web.staffadmin.password"), Hint: l.T("web.staffadmin.password_hint"), Width: "medium", Autocomplete: "new-password"},
		{Name: "position_id", Type: "radios", Label: l.T("web.staffadmin.position"), Options: positions},
	}
}

func (s *Server) adminStaffView(w http.ResponseWriter, r *http.Request, createValues map[string][]string, createErr, keyErr error, newKey string, banner *Banner) (View, error) {
	ctx, l, a := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	o, err := s.administered(ctx, strconv.FormatInt(a.OrgID, 10))
	if err != nil {
		return View{}, err
	}
	data := adminStaffPage{OrgName: orgLabel(o), NewKey: newKey, Banner: banner}
	staff, err := s.deps.Orgs.StaffOf(ctx, o.ID)
	if err != nil {
		return View{}, err
	}
	data.Staff = Table{Caption: l.T("web.admin.staff"), Head: []string{l.T("web.admin.person"), l.T("web.admin.position"), l.T("web.admin.role")}}
	for _, m := range staff {
		data.Staff.Rows = append(data.Staff.Rows, []string{m.DisplayName, m.Position.Title, l.T("web.role." + string(m.Position.Role))})
	}
	ps, err := s.deps.Orgs.Positions(ctx, o.ID)
	if err != nil {
		return View{}, err
	}
	var opts []Option
	for _, p := range ps {
		opts = append(opts, Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title + " (" + l.T("web.role."+string(p.Role)) + ")"})
	}
	data.NoPosts = len(opts) == 0
	data.Create = NewForm(l, createValues, createErr, staffFields(l, opts)...)
	keys, err := s.deps.StaffAccounts.ListAPIKeys(ctx, a, o.ID)
	if err != nil {
		return View{}, err
	}
	for _, k := range keys {
		data.Keys = append(data.Keys, keyRow{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Created: formatTime(l, k.CreatedAt),
			LastUsed: formatTime(l, k.LastUsedAt), Revoked: formatTime(l, k.RevokedAt), Active: k.RevokedAt.IsZero()})
	}
	data.KeyForm = NewForm(l, nil, keyErr, Field{Name: "name", Label: l.T("web.keys.name"), Hint: l.T("web.keys.name_hint"), Width: "medium", Autocomplete: "off"})
	return s.view(w, r, "web.staffadmin.title", data), nil
}

func (s *Server) renderAdminStaff(w http.ResponseWriter, r *http.Request, status int, values map[string][]string, createErr, keyErr error, newKey string, banner *Banner) error {
	v, err := s.adminStaffView(w, r, values, createErr, keyErr, newKey, banner)
	if err != nil {
		return err
	}
	return s.render(w, status, "admin-staff", v)
}

// adminStaff lists staff and API keys of the organisation acted for.
func (s *Server) adminStaff(w http.ResponseWriter, r *http.Request) error {
	var banner *Banner
	if done := r.URL.Query().Get("done"); done == "staff" || done == "revoked" {
		l := stateFrom(r.Context()).loc
		banner = &Banner{Title: l.T("web.staffadmin.done_" + r.URL.Query().Get("done")), Success: true}
	}
	return s.renderAdminStaff(w, r, http.StatusOK, nil, nil, nil, "", banner)
}

// adminStaffCreate creates a staff account holding a position of the
// organisation acted for, in one transaction (Staffing). The choice must be
// one of the positions the form offered.
func (s *Server) adminStaffCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, a := r.Context(), okno.ActorFrom(r.Context())
	err := func() error {
		pid, _ := strconv.ParseInt(r.PostFormValue("position_id"), 10, 64)
		ps, err := s.deps.Orgs.Positions(ctx, a.OrgID)
		if err != nil {
			return err
		}
		found := false
		for _, p := range ps {
			found = found || p.ID == pid
		}
		if !found {
			var fe okno.FieldErrors
			fe.Add("position_id", "error.choose_one")
			return fe.Err()
		}
		_, err = s.deps.Staffing.CreateStaff(ctx, a, formValue(r, "email"), formValue(r, "display_name"), r.PostFormValue("password"), pid)
		return err
	}()
	if userError(err) {
		return s.renderAdminStaff(w, r, formStatus(err), r.PostForm, err, nil, "", nil)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/admin/staff?done=staff")
}

// adminKeyCreate makes an API key and shows its secret once, on this
// response: it is never stored in the clear, so it cannot be shown again.
func (s *Server) adminKeyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, a := r.Context(), okno.ActorFrom(r.Context())
	secret, _, err := s.deps.StaffAccounts.CreateAPIKey(ctx, a, formValue(r, "name"), a.OrgID)
	if userError(err) {
		return s.renderAdminStaff(w, r, formStatus(err), nil, nil, err, "", nil)
	}
	if err != nil {
		return err
	}
	return s.renderAdminStaff(w, r, http.StatusCreated, nil, nil, nil, secret, nil)
}

// adminKeyRevoke revokes a key of the organisation at once.
func (s *Server) adminKeyRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "identity.apikey_not_found")
	}
	if err := s.deps.StaffAccounts.RevokeAPIKey(r.Context(), okno.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	return seeOther(w, r, "/admin/staff?done=revoked")
}
