package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
)

// catalogFiles are the demo services: per service a card (<code>.json), its
// form declaration (<code>.schema.json, <code>.layout.json) and a filled-in
// example that passes it (<code>.valid.json, for tests and for trying the
// form by hand).
//
//go:embed catalog
var catalogFiles embed.FS

// serviceFile is a service card as the demo writes it: organisations and
// offices are named by their demo codes, resolved to IDs at load time.
type serviceFile struct {
	Code         string
	Title        catalog.Text
	Summary      catalog.Text
	Keywords     []string
	Level        catalog.Level
	Recipients   []catalog.Recipient
	Kind         catalog.Kind
	Assurance    identity.Assurance
	Org          string   // the providing body's demo code
	ComplaintOrg string   // the controlling body's demo code; "" for the parent
	Offices      []string // office keys (catalogOffices)
	Category     string
	Process      string
	LegalPeriod  string
	InstantRule  string
	NeedsConsent bool
	Fee          catalog.Fee
	Card         catalog.Card
	Owner        catalog.Owner
}

// demoService is one demo service read from the embedded files.
type demoService struct {
	serviceFile
	Form  catalog.Form
	Valid json.RawMessage // a document the form accepts; nil without a form
}

// maxCatalogFile bounds one embedded file: the data is ours, but a mistake
// should fail loudly rather than load megabytes.
const maxCatalogFile = 256 << 10

// demoServices reads every embedded service, in file name order.
func demoServices() ([]demoService, error) {
	names, err := fs.Glob(catalogFiles, "catalog/*.json")
	if err != nil {
		return nil, err
	}
	var out []demoService
	for _, name := range names {
		base := path.Base(name)
		if strings.Count(base, ".") != 1 { // schema, layout, valid
			continue
		}
		code := strings.TrimSuffix(base, ".json")
		ds, err := readService(code)
		if err != nil {
			return nil, fmt.Errorf("demo catalogue: %s: %w", base, err)
		}
		out = append(out, ds)
	}
	return out, nil
}

func readService(code string) (demoService, error) {
	var ds demoService
	b, err := readCatalogFile(code + ".json")
	if err != nil {
		return ds, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ds.serviceFile); err != nil {
		return ds, err
	}
	if ds.Code != code {
		return ds, fmt.Errorf("code %q in a file named for %q", ds.Code, code)
	}
	if ds.Form.Schema, err = readCatalogFile(code + ".schema.json"); err != nil {
		if ds.Kind == catalog.KindApplication {
			return ds, fmt.Errorf("an application service needs a form: %w", err)
		}
		return ds, nil // an instant service without input
	}
	if ds.Form.Layout, err = readCatalogFile(code + ".layout.json"); err != nil {
		return ds, err
	}
	ds.Valid, err = readCatalogFile(code + ".valid.json")
	return ds, err
}

func readCatalogFile(name string) ([]byte, error) {
	b, err := catalogFiles.ReadFile("catalog/" + name)
	if err == nil && len(b) > maxCatalogFile {
		err = fmt.Errorf("%s is over %d bytes", name, maxCatalogFile)
	}
	return b, err
}

// LoadCatalog loads the demo catalogue of Saint Petersburg's services —
// the organisations it needs beyond the demo tree, categories, life
// situations, directories, offices, services with their forms and the
// owners' photos — through the catalogue's own methods, so every change
// is checked and audited. It runs at every demo start: everything is
// matched by code (offices by organisation and name), and what is already
// as the demo has it is not written again, so a second start audits
// nothing. A demo service an administrator unpublished stays unpublished.
func LoadCatalog(ctx context.Context, c *catalog.Catalog, orgs *org.Service) error {
	services, err := demoServices()
	if err != nil {
		return err
	}
	orgIDs, err := loadCatalogOrgs(ctx, orgs, services)
	if err != nil {
		return err
	}
	if err := loadGroups(ctx, c); err != nil {
		return err
	}
	for _, d := range catalogDirectories() {
		if have, err := c.Directory(ctx, d.Code); err == nil && reflect.DeepEqual(have, d) {
			continue
		}
		if err := c.PutDirectory(ctx, okno.System, d); err != nil {
			return fmt.Errorf("demo catalogue: directory %s: %w", d.Code, err)
		}
	}
	officeIDs, err := loadOffices(ctx, c, orgIDs)
	if err != nil {
		return err
	}
	situations := situationsOf()
	for _, ds := range services {
		if err := putService(ctx, c, ds, situations[ds.Code], orgIDs, officeIDs); err != nil {
			return fmt.Errorf("demo catalogue: service %s: %w", ds.Code, err)
		}
	}
	return nil
}

// loadCatalogOrgs makes sure the organisations the catalogue names exist
// (the ones outside the demo tree are created: an installation whose demo
// was loaded before the catalogue existed gets them too) and returns their
// IDs by demo code.
func loadCatalogOrgs(ctx context.Context, orgs *org.Service, services []demoService) (map[string]int64, error) {
	ids := map[string]int64{}
	for _, o := range catalogOrganisations() {
		var parentID int64
		if o.Parent != "" {
			p, err := orgs.ByCode(ctx, o.Parent)
			if err != nil {
				return nil, fmt.Errorf("demo catalogue: parent of %s: %w", o.Code, err)
			}
			parentID = p.ID
		}
		id, _, err := upsertOrg(ctx, orgs, o, parentID, okno.System)
		if err != nil {
			return nil, fmt.Errorf("demo catalogue: organisation %s: %w", o.Code, err)
		}
		ids[o.Code] = id
	}
	var need []string
	for _, ds := range services {
		need = append(need, ds.Org, ds.ComplaintOrg)
	}
	for _, o := range catalogOffices() {
		need = append(need, o.Org)
	}
	for _, code := range need {
		if _, ok := ids[code]; ok || code == "" {
			continue
		}
		o, err := orgs.ByCode(ctx, code)
		if err != nil {
			return nil, fmt.Errorf("demo catalogue: organisation %s: %w", code, err)
		}
		ids[code] = o.ID
	}
	return ids, nil
}

// putService creates or updates one service and its owner's photo, unless
// they are already as the demo has them.
func putService(ctx context.Context, c *catalog.Catalog, ds demoService, situations []string, orgIDs, officeIDs map[string]int64) error {
	want := catalog.Service{
		Code: ds.Code, Title: ds.Title, Summary: ds.Summary, Keywords: ds.Keywords,
		Level: ds.Level, Recipients: ds.Recipients, Kind: ds.Kind, Assurance: ds.Assurance,
		OrgID: orgIDs[ds.Org], ComplaintOrgID: orgIDs[ds.ComplaintOrg],
		Category: ds.Category, Situations: situations,
		Process: ds.Process, LegalPeriod: ds.LegalPeriod, InstantRule: ds.InstantRule,
		NeedsConsent: ds.NeedsConsent, Fee: ds.Fee, Card: ds.Card, Owner: ds.Owner,
		Form: ds.Form, Published: true,
	}
	for _, key := range ds.Offices {
		id, ok := officeIDs[key]
		if !ok {
			return fmt.Errorf("unknown office %q", key)
		}
		want.OfficeIDs = append(want.OfficeIDs, id)
	}
	have, err := c.Get(ctx, ds.Code)
	if err != nil && !okno.IsCode(err, okno.ENOTFOUND) {
		return err
	}
	if err == nil {
		want.ID, want.Version = have.ID, have.Version
		want.Owner.Photo, want.Owner.UserID = have.Owner.Photo, have.Owner.UserID
	}
	if err != nil || !sameService(have, want) {
		_, err := c.Put(ctx, okno.System, want)
		if okno.IsCode(err, okno.ECONFLICT) {
			// Stored but not published: an administrator unpublished it
			// (or is editing it right now), and their choice stands.
			return nil
		}
		if err != nil {
			return err
		}
	}
	return putOwnerPhoto(ctx, c, ds)
}

// sameService compares what the demo sets; fields the catalogue keeps
// (UpdatedAt) and the forms' formatting are left out.
func sameService(have, want catalog.Service) bool {
	have.UpdatedAt = want.UpdatedAt
	if !sameJSON(have.Form.Schema, want.Form.Schema) || !sameJSON(have.Form.Layout, want.Form.Layout) {
		return false
	}
	have.Form, want.Form = catalog.Form{}, catalog.Form{}
	return reflect.DeepEqual(normalise(have), normalise(want))
}

// normalise makes empty and nil slices alike, so a service read back from
// storage compares equal to the one written.
func normalise(s catalog.Service) catalog.Service {
	s.Keywords = append([]string{}, s.Keywords...)
	s.Recipients = append([]catalog.Recipient{}, s.Recipients...)
	s.Situations = slices.Sorted(slices.Values(s.Situations)) // the catalogue keeps its own order
	if s.Situations == nil {
		s.Situations = []string{}
	}
	s.OfficeIDs = append([]int64{}, s.OfficeIDs...)
	s.Card.HowTo = append([]catalog.Text{}, s.Card.HowTo...)
	s.Card.Refusal = append([]catalog.Text{}, s.Card.Refusal...)
	s.Card.Documents = append([]catalog.Document{}, s.Card.Documents...)
	s.Card.LegalActs = append([]catalog.LegalAct{}, s.Card.LegalActs...)
	return s
}

func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// putOwnerPhoto stores the owner's generated avatar unless it is there.
func putOwnerPhoto(ctx context.Context, c *catalog.Catalog, ds demoService) error {
	photo, err := ownerAvatar(ds.Owner.Name)
	if err != nil {
		return err
	}
	have, _, err := c.OwnerPhoto(ctx, ds.Code)
	if err == nil && bytes.Equal(have, photo) {
		return nil
	}
	if err != nil && !okno.IsCode(err, okno.ENOTFOUND) {
		return err
	}
	return c.SetOwnerPhoto(ctx, okno.System, ds.Code, photo)
}
