package demo

import (
	"context"
	"fmt"
	"reflect"

	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
)

// LoadResult counts what LoadOrganisations changed; a second run counts zero.
type LoadResult struct {
	Territories   int // district shapes created
	Organisations int // organisations created or updated
	Links         int // organisations whose territories were set
	Positions     int // positions created
}

// LoadOrganisations loads the demo districts and organisations through the
// services, so every change is validated and audited like any other. It is
// idempotent: organisations are matched by Code, territories by name,
// positions by title, and a second run changes and audits nothing.
//
// District shapes already present (say, real boundaries imported from
// OpenStreetMap under the same names) are kept, not overwritten by the demo
// cells. Each district administration, housing agency and district-level
// institution is linked to its district, the government to all of them.
func LoadOrganisations(ctx context.Context, orgs *org.Service, geos *geo.Service, actor okno.Actor) (LoadResult, error) {
	var res LoadResult
	territory, n, err := loadTerritories(ctx, geos, actor)
	if err != nil {
		return res, err
	}
	res.Territories = n

	ids := map[string]int64{}
	all := make([]int64, 0, len(territory))
	for _, d := range districts() {
		all = append(all, territory[d.Code])
	}
	for _, o := range Organisations() {
		id, changed, err := upsertOrg(ctx, orgs, o, ids[o.Parent], actor)
		if err != nil {
			return res, fmt.Errorf("demo: organisation %s: %w", o.Code, err)
		}
		ids[o.Code] = id
		if changed {
			res.Organisations++
		}
		var serves []int64
		switch {
		case o.Kind == org.KindRegionGovernment:
			serves = all
		case o.District != "":
			serves = []int64{territory[o.District]}
		}
		if serves != nil {
			have, err := orgs.Territories(ctx, id)
			if err != nil {
				return res, err
			}
			if !sameSet(have, serves) {
				if err := orgs.SetTerritories(ctx, id, serves, actor); err != nil {
					return res, fmt.Errorf("demo: territories of %s: %w", o.Code, err)
				}
				res.Links++
			}
		}
		n, err := loadPositions(ctx, orgs, id, o.Kind, actor)
		if err != nil {
			return res, fmt.Errorf("demo: positions of %s: %w", o.Code, err)
		}
		res.Positions += n
	}
	return res, nil
}

// loadTerritories imports the demo cells of the districts not yet present and
// returns every district's territory id by district code.
func loadTerritories(ctx context.Context, geos *geo.Service, actor okno.Actor) (map[string]int64, int, error) {
	byName := map[string]int64{}
	q := geo.ListQuery{Level: geo.LevelDistrict, Limit: 1000}
	for {
		page, err := geos.List(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		if len(page) == 0 {
			break
		}
		for _, t := range page {
			byName[t.Name] = t.ID
		}
		q.AfterID = page[len(page)-1].ID
	}
	cells := Territories()
	missing := &geo.FeatureCollection{Source: cells.Source}
	for _, f := range cells.Features {
		if _, ok := byName[f.Name]; !ok {
			missing.Features = append(missing.Features, f)
		}
	}
	if len(missing.Features) > 0 {
		res, err := geos.Import(ctx, missing, geo.LevelDistrict, actor)
		if err != nil {
			return nil, 0, fmt.Errorf("demo: import districts: %w", err)
		}
		for i, f := range missing.Features {
			byName[f.Name] = res.IDs[i]
		}
	}
	byCode := map[string]int64{}
	for _, d := range districts() {
		byCode[d.Code] = byName[d.Name]
	}
	return byCode, len(missing.Features), nil
}

// upsertOrg creates o, or brings an existing organisation with its code in
// line with it; it reports whether anything changed.
func upsertOrg(ctx context.Context, orgs *org.Service, o Org, parentID int64, actor okno.Actor) (int64, bool, error) {
	want := org.Organisation{Kind: o.Kind, Name: o.Name, ShortName: o.ShortName, Code: o.Code, Address: o.Address,
		Contacts: o.Contacts, Hours: org.OfficeHours(), ParentID: parentID}
	have, err := orgs.ByCode(ctx, o.Code)
	if okno.IsCode(err, okno.ENOTFOUND) {
		created, err := orgs.CreateOrganisation(ctx, want, actor)
		return created.ID, true, err
	}
	if err != nil {
		return 0, false, err
	}
	// Keep what the demo does not set (INN, OGRN) as an administrator left it.
	want.ID, want.INN, want.OGRN = have.ID, have.INN, have.OGRN
	updated, err := orgs.UpdateOrganisation(ctx, want, actor)
	return have.ID, err == nil && !reflect.DeepEqual(updated, have), err
}

// loadPositions creates the positions of positionsFor(kind) that orgID lacks.
func loadPositions(ctx context.Context, orgs *org.Service, orgID int64, kind org.Kind, actor okno.Actor) (int, error) {
	existing, err := orgs.Positions(ctx, orgID)
	if err != nil {
		return 0, err
	}
	byTitle := map[string]int64{}
	for _, p := range existing {
		byTitle[p.Title] = p.ID
	}
	n := 0
	for _, spec := range positionsFor(kind) {
		if _, ok := byTitle[spec.Title]; ok {
			continue
		}
		p, err := orgs.CreatePosition(ctx, org.Position{OrgID: orgID, Title: spec.Title, Role: spec.Role,
			ReportsTo: byTitle[spec.ReportsTo]}, actor)
		if err != nil {
			return n, err
		}
		byTitle[p.Title] = p.ID
		n++
	}
	return n, nil
}

func sameSet(have, want []int64) bool {
	if len(have) != len(want) {
		return false
	}
	in := map[int64]bool{}
	for _, id := range have {
		in[id] = true
	}
	for _, id := range want {
		if !in[id] {
			return false
		}
	}
	return true
}
