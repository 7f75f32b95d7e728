package web

import (
	"net/http"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/org"
)

// adminOrgsPage is the data of /admin/organisations: one level of the tree
// at a time — the organisation, the way up, and its children to open.
type adminOrgsPage struct {
	Node     org.Organisation
	Kind     string
	Crumbs   []crumb
	Children []orgRow
}

// orgRow is a child in the tree.
type orgRow struct {
	Name, Kind, TreeURL, CardURL string
}

// adminOrgs shows the tree from ?id= (default: the organisation the
// administrator acts for) one level down; each child opens the same way.
// Children of one organisation are one page (org.Children), so the tree
// needs no pagination; the API pages through all of them by keyset.
func (s *Server) adminOrgs(w http.ResponseWriter, r *http.Request) error {
	ctx, l, a := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	id := r.URL.Query().Get("id")
	if id == "" {
		id = strconv.FormatInt(a.OrgID, 10)
	}
	node, err := s.administered(ctx, id)
	if err != nil {
		return err
	}
	up, err := s.deps.Orgs.Ancestors(ctx, node.ID)
	if err != nil {
		return err
	}
	data := adminOrgsPage{Node: node, Kind: kindName(l, node.Kind)}
	for _, o := range up {
		c := crumb{Name: orgLabel(o)}
		if ok, err := s.deps.Orgs.CanAdminister(ctx, a, o.ID); err != nil {
			return err
		} else if ok {
			c.URL = "/admin/organisations?id=" + strconv.FormatInt(o.ID, 10)
		}
		data.Crumbs = append(data.Crumbs, c)
	}
	kids, err := s.deps.Orgs.Children(ctx, node.ID)
	if err != nil {
		return err
	}
	for _, k := range kids {
		data.Children = append(data.Children, orgRow{Name: orgLabel(k), Kind: kindName(l, k.Kind),
			TreeURL: "/admin/organisations?id=" + strconv.FormatInt(k.ID, 10), CardURL: orgPath(k.ID)})
	}
	return s.render(w, http.StatusOK, "admin-orgs", s.view(w, r, "web.admin.orgs_title", data))
}

// kindName is an organisation kind in the person's language.
func kindName(l i18n.Localizer, k org.Kind) string { return l.T("web.org.kind." + string(k)) }
