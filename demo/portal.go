package demo

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/org"
)

// OrgByCode finds an organisation by its code; *org.Service implements it.
type OrgByCode interface {
	ByCode(ctx context.Context, code string) (org.Organisation, error)
}

// PortalNames maps the names Saint Petersburg's feedback portal signs its
// answers with (answers[].by in the portal's export) to the ids of the
// demo organisations that stand for those bodies, for importing history
// and learning the routing table from it. Organisations not loaded (the
// demo was not) are left out.
func PortalNames(ctx context.Context, orgs OrgByCode) (map[string]int64, error) {
	m := map[string]int64{}
	for _, o := range Organisations() {
		if o.PortalName == "" {
			continue
		}
		got, err := orgs.ByCode(ctx, o.Code)
		if okno.IsCode(err, okno.ENOTFOUND) {
			continue
		}
		if err != nil {
			return nil, err
		}
		m[o.PortalName] = got.ID
	}
	return m, nil
}
