package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/geo"
)

// TerritoryLister lists territories; *geo.Service implements it.
type TerritoryLister interface {
	List(ctx context.Context, q geo.ListQuery) ([]geo.Territory, error)
}

// Who handles a kind of problem in the demo city. A body is an
// organisation's code, or one of the district's own bodies.
const (
	districtAgency = "@ja"    // the district's housing agency (СПб ГКУ «Жилищное агентство … района»)
	districtAdmin  = "@admin" // the district administration
)

// routeRule sends the appeals of a category (Reason "") or of one reason
// to a body.
type routeRule struct {
	Category, Reason, Body string
}

// demoRoutes is the demo city's routing table, written from general
// knowledge of how Saint Petersburg divides the work: what is inside and
// around a block of flats goes to the district's housing agency; yards,
// playgrounds, greenery and the district's public spaces to the district
// administration; the city's roads and their cleaning to the Centre of
// Integrated Improvement (ЦКБ); street lighting to Lensvet; traffic signs
// and lights to the Traffic Management Directorate (ДОДД); public
// transport stops to the Transport Organiser; advertising to the Press
// Committee; street trading to the Committee for Industrial Policy and
// Trade; excavations and construction fences to the technical inspectorate
// (ГАТИ). It is a plausible demo, not a statement of who is responsible.
func demoRoutes() []routeRule {
	return []routeRule{
		{"blag", "", districtAdmin},
		{"blag", "blag-litter-yard", districtAgency},
		{"blag", "blag-litter-concrete", districtAgency},
		{"blag", "blag-litter-bulky", districtAgency},
		{"blag", "blag-litter-playground", districtAgency},
		{"blag", "blag-bins-full", districtAgency},
		{"blag", "blag-snow-ice", districtAgency},
		{"blag", "blag-wires-building", districtAgency},
		{"blag", "blag-graffiti-wall", districtAgency},
		{"blag", "blag-parking-block", districtAgency},
		{"blag", "blag-puddles-road", "spb.ckb"},
		{"blag", "blag-litter-road", "spb.ckb"},
		{"blag", "blag-litter-lawn-road", "spb.ckb"},
		{"blag", "blag-snow", "spb.ckb"},
		{"blag", "blag-snow-road", "spb.ckb"},
		{"blag", "blag-road-damage", "spb.ckb"},
		{"blag", "blag-road-pothole", "spb.ckb"},
		{"blag", "blag-pavement-damage", "spb.ckb"},
		{"blag", "blag-fence-road", "spb.ckb"},
		{"blag", "blag-graffiti-barrier", "spb.ckb"},
		{"blag", "blag-light-street", "spb.lensvet"},
		{"blag", "blag-wires-lamppost", "spb.lensvet"},
		{"blag", "blag-graffiti-lamppost", "spb.lensvet"},
		{"blag", "blag-sign-damage", "spb.dodd"},
		{"blag", "blag-traffic-light", "spb.dodd"},
		{"blag", "blag-graffiti-traffic", "spb.dodd"},
		{"blag", "blag-stop-sign", "spb.orgperevozok"},
		{"blag", "blag-graffiti-shelter-ads", "spb.kpress"},
		{"blag", "blag-graffiti-underpass", "spb.krti"},
		{"blag", "blag-litter-metro", "spb.metro"},
		{"blag", "blag-stormdrain", "spb.vodokanal"},
		{"blag", "blag-earthworks", "spb.gati"},
		{"blag", "blag-construction-fence", "spb.gati"},
		{"blag", "blag-cemetery-fence", "spb.pohorony"},
		{"blag", "blag-litter-cemetery", "spb.pohorony"},

		{"mkd", "", districtAgency},
		{"roof", "", districtAgency},
		{"facade", "", districtAgency},
		{"facade", "facade-address-sign", districtAdmin},
		{"basement", "", districtAgency},
		{"sanitary", "", districtAgency},
		{"heating", "", districtAgency},
		{"water", "", districtAgency},
		{"water", "water-pipes", "spb.vodokanal"},
		{"sewerage", "", districtAgency},
		{"common-rules", "", districtAgency},
		{"common-rules", "common-rules-facade-equipment", districtAdmin},
		{"common-use", "", districtAgency},
		{"street-infra", "", "spb.keio"},
		{"ads-illegal", "", "spb.kpress"},
		{"ads-state", "", "spb.kpress"},
		{"street-trade", "", "spb.kppit"},
	}
}

// cityFallback is who takes a district body's appeals from outside every
// district (a point the district shapes miss): the city committee above
// the district bodies of that kind.
var cityFallback = map[string]string{districtAgency: "spb.zhk", districtAdmin: "spb.kb"}

// LoadRoutes writes the demo routing table, so that every reason routes
// somewhere in every district (and, through the city committees, outside
// them). Rules are set only where nothing is in force for their
// category, reason and territory: loading again adds nothing and never
// undoes an administrator's change. It reports how many rules it set.
// Organisations and territories must be loaded first (LoadOrganisations).
func LoadRoutes(ctx context.Context, appeals *appeal.Service, orgs OrgByCode, geos TerritoryLister, actor okno.Actor) (int, error) {
	tax, err := appeals.Taxonomy(ctx)
	if err != nil {
		return 0, err
	}
	districtIDs := map[string]int64{} // district code → territory
	byName := map[string]int64{}
	for after := int64(0); ; {
		page, err := geos.List(ctx, geo.ListQuery{Level: geo.LevelDistrict, AfterID: after, Limit: 1000})
		if err != nil {
			return 0, err
		}
		if len(page) == 0 {
			break
		}
		for _, t := range page {
			byName[t.Name] = t.ID
		}
		after = page[len(page)-1].ID
	}
	for _, d := range districts() {
		id, ok := byName[d.Name]
		if !ok {
			return 0, fmt.Errorf("demo: routes: territory %q is not loaded", d.Name)
		}
		districtIDs[d.Code] = id
	}
	orgIDs := map[string]int64{}
	orgID := func(code string) (int64, error) {
		if id, ok := orgIDs[code]; ok {
			return id, nil
		}
		o, err := orgs.ByCode(ctx, code)
		if err != nil {
			return 0, fmt.Errorf("demo: routes: organisation %s: %w", code, err)
		}
		orgIDs[code] = o.ID
		return o.ID, nil
	}

	var ins []appeal.RouteInput
	add := func(catID, reasonID, territoryID int64, body string) error {
		id, err := orgID(body)
		if err != nil {
			return err
		}
		ins = append(ins, appeal.RouteInput{CategoryID: catID, ReasonID: reasonID, TerritoryID: territoryID, OrgID: id})
		return nil
	}
	for _, r := range demoRoutes() {
		c, ok := tax.CategoryByCode(r.Category)
		if !ok {
			return 0, fmt.Errorf("demo: routes: no category %s", r.Category)
		}
		var reasonID int64
		if r.Reason != "" {
			reason, rc, ok := tax.Reason(r.Reason)
			if !ok || rc.ID != c.ID {
				return 0, fmt.Errorf("demo: routes: no reason %s in %s", r.Reason, r.Category)
			}
			reasonID = reason.ID
		}
		fallback, perDistrict := cityFallback[r.Body]
		if !perDistrict {
			if err := add(c.ID, reasonID, 0, r.Body); err != nil {
				return 0, err
			}
			continue
		}
		for _, d := range districts() {
			prefix := "spb.ja."
			if r.Body == districtAdmin {
				prefix = "spb.admin."
			}
			if err := add(c.ID, reasonID, districtIDs[d.Code], prefix+d.Code); err != nil {
				return 0, err
			}
		}
		if reasonID == 0 {
			if err := add(c.ID, 0, 0, fallback); err != nil {
				return 0, err
			}
		}
	}

	inForce, err := appeals.Routes(ctx, time.Time{})
	if err != nil {
		return 0, err
	}
	have := map[[3]int64]bool{}
	for _, r := range inForce {
		have[[3]int64{r.CategoryID, r.ReasonID, r.TerritoryID}] = true
	}
	todo := ins[:0]
	for _, in := range ins {
		if !have[[3]int64{in.CategoryID, in.ReasonID, in.TerritoryID}] {
			todo = append(todo, in)
		}
	}
	if len(todo) == 0 {
		return 0, nil
	}
	return appeals.SetRoutes(ctx, actor, todo)
}
