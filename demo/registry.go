package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/instant"
)

// registryJSON is the demo registry's data: made-up vehicles and fines,
// housing and utilities accounts, kindergarten and housing queues, meter
// accounts. Dates are days before today, so the demo never goes stale (a
// fine's discount is always counting down).
//
//go:embed registry/registry.json
var registryJSON []byte

// Registry is the demo region's registries over made-up records
// (instant.Registry). Every result drawn from it is labelled as
// demonstration data (Demo is true). The demo citizens find themselves:
// Пётр Петров (petr@okno.test) in the housing queue by his SNILS, Мария
// Смирнова's child in the kindergarten queue; Examples lists the document
// and account numbers to try. Anything else is "not found".
type Registry struct {
	now      func() time.Time
	loc      *time.Location
	vehicles map[string][]regFine
	plates   map[string]string
	licences map[string][]regFine
	debts    map[string]instant.Debt
	kids     map[string]regKid
	housing  map[string]regHousing
	meters   map[string]regMeters
}

type regFine struct {
	UIN             string
	Article         string
	Offence         string
	Place           string
	Vehicle         string
	Kopecks         int64
	OffenceDaysAgo  int `json:"offence_days_ago"`
	DecisionDaysAgo int `json:"decision_days_ago"`
	Paid            bool
	NoDiscount      bool `json:"no_discount"`
}

type regKid struct {
	BirthCertificate string `json:"birth_certificate"`
	Child            string
	District         string
	Position, Total  int
	DesiredYear      int `json:"desired_year"`
	Kindergartens    []string
	AppliedDaysAgo   int `json:"applied_days_ago"`
	Status, Benefit  string
}

type regHousing struct {
	SNILS      string
	Registered string
	Number     int
	Category   string
	FamilySize int `json:"family_size"`
	Decision   string
	Body       string
}

type regMeters struct {
	Account, Address string
	Meters           []struct {
		ID, Kind, Serial string
		Last             float64
		LastDaysAgo      int `json:"last_days_ago"`
	}
}

// NewRegistry reads the embedded demo records; now is the clock dates
// count back from (nil: time.Now).
func NewRegistry(now func() time.Time) (*Registry, error) {
	if now == nil {
		now = time.Now
	}
	var data struct {
		Vehicles []struct {
			Certificate, Plate string
			Fines              []regFine
		}
		Licences []struct {
			Licence string
			Fines   []regFine
		}
		Debts []struct {
			Account, Address, Provider string
			Kopecks                    int64
		}
		Kindergarten []regKid
		Housing      []regHousing
		Meters       []regMeters
	}
	if err := json.Unmarshal(registryJSON, &data); err != nil {
		return nil, fmt.Errorf("demo registry: %w", err)
	}
	r := &Registry{now: now, loc: calendar.DefaultLocation(), vehicles: map[string][]regFine{}, plates: map[string]string{},
		licences: map[string][]regFine{}, debts: map[string]instant.Debt{}, kids: map[string]regKid{},
		housing: map[string]regHousing{}, meters: map[string]regMeters{}}
	for _, v := range data.Vehicles {
		k := instant.NormalizeKey(v.Certificate)
		r.vehicles[k], r.plates[k] = v.Fines, v.Plate
	}
	for _, l := range data.Licences {
		r.licences[instant.NormalizeKey(l.Licence)] = l.Fines
	}
	for _, d := range data.Debts {
		r.debts[instant.NormalizeKey(d.Account)] = instant.Debt{Account: d.Account, Address: d.Address, Provider: d.Provider, Kopecks: d.Kopecks}
	}
	for _, k := range data.Kindergarten {
		r.kids[instant.NormalizeKey(k.BirthCertificate)] = k
	}
	for _, h := range data.Housing {
		if _, err := time.Parse("2006-01-02", h.Registered); err != nil {
			return nil, fmt.Errorf("demo registry: housing date %q: %w", h.Registered, err)
		}
		r.housing[digitsOf(h.SNILS)] = h
	}
	for _, m := range data.Meters {
		r.meters[instant.NormalizeKey(m.Account)] = m
	}
	return r, nil
}

// Demo reports that the records are made up: always.
func (r *Registry) Demo() bool { return true }

// Examples lists what to type to find something, per rule.
func (r *Registry) Examples(rule string) []string {
	return map[string][]string{
		"fines":              {"СТС 78 УВ 123456", "СТС 78 ХК 654321", "СТС 47 ОО 000001 (штраф оплачен)", "ВУ 78 01 123456"},
		"debt":               {"1234567890", "2345678901"},
		"kindergarten-queue": {"IV-АК 123456", "II-АК 654321"},
		"housing-queue":      {"войдите как petr@okno.test (Пётр Петров): справка выдаётся по СНИЛС из профиля"},
		"meter-readings":     {"1234567890", "2345678901"},
	}[rule]
}

// daysAgo is the moment n days before now.
func (r *Registry) daysAgo(n int) time.Time { return r.now().Add(-time.Duration(n) * 24 * time.Hour) }

func (r *Registry) fines(fs []regFine, plate string) []instant.Fine {
	out := make([]instant.Fine, 0, len(fs))
	for _, f := range fs {
		v := f.Vehicle
		if v == "" {
			v = plate
		}
		out = append(out, instant.Fine{UIN: f.UIN, Article: f.Article, Offence: f.Offence, Place: f.Place, Vehicle: v,
			Kopecks: f.Kopecks, OffenceAt: r.daysAgo(f.OffenceDaysAgo), DecisionDate: r.daysAgo(f.DecisionDaysAgo),
			Paid: f.Paid, NoDiscount: f.NoDiscount})
	}
	return out
}

// FinesByVehicle lists a vehicle's fines; an unknown certificate has none.
func (r *Registry) FinesByVehicle(_ context.Context, certificate string) ([]instant.Fine, error) {
	k := instant.NormalizeKey(certificate)
	return r.fines(r.vehicles[k], r.plates[k]), nil
}

// FinesByLicence lists a driver's fines; an unknown licence has none.
func (r *Registry) FinesByLicence(_ context.Context, licence string) ([]instant.Fine, error) {
	return r.fines(r.licences[instant.NormalizeKey(licence)], ""), nil
}

// Debt is an account's debt, the same on any date.
func (r *Registry) Debt(_ context.Context, account string, at time.Time) (instant.Debt, error) {
	d, ok := r.debts[instant.NormalizeKey(account)]
	if !ok {
		return instant.Debt{}, notFound()
	}
	d.AsOf = at
	return d, nil
}

// KindergartenQueue is a child's place by birth certificate.
func (r *Registry) KindergartenQueue(_ context.Context, birthCertificate string) (instant.KindergartenPlace, error) {
	k, ok := r.kids[instant.NormalizeKey(birthCertificate)]
	if !ok {
		return instant.KindergartenPlace{}, notFound()
	}
	return instant.KindergartenPlace{Child: k.Child, District: k.District, Position: k.Position, Total: k.Total,
		DesiredYear: k.DesiredYear, Kindergarten: k.Kindergartens, AppliedAt: r.daysAgo(k.AppliedDaysAgo),
		Status: k.Status, Benefit: k.Benefit}, nil
}

// HousingQueue is a person's registration by SNILS.
func (r *Registry) HousingQueue(_ context.Context, snils string) (instant.HousingPlace, error) {
	h, ok := r.housing[digitsOf(snils)]
	if !ok {
		return instant.HousingPlace{}, notFound()
	}
	at, _ := time.ParseInLocation("2006-01-02", h.Registered, r.loc) // checked in NewRegistry
	return instant.HousingPlace{RegisteredAt: at, Number: h.Number, Category: h.Category, FamilySize: h.FamilySize,
		Decision: h.Decision, Body: h.Body}, nil
}

// MeterAccount is an account's meters and their last readings.
func (r *Registry) MeterAccount(_ context.Context, account string) (instant.MeterAccount, error) {
	m, ok := r.meters[instant.NormalizeKey(account)]
	if !ok {
		return instant.MeterAccount{}, notFound()
	}
	acc := instant.MeterAccount{Account: m.Account, Address: m.Address}
	for _, x := range m.Meters {
		acc.Meters = append(acc.Meters, instant.Meter{ID: x.ID, Kind: instant.MeterKind(x.Kind), Serial: x.Serial,
			Last: x.Last, LastAt: r.daysAgo(x.LastDaysAgo)})
	}
	return acc, nil
}

func notFound() error { return okno.Errorf(okno.ENOTFOUND, "instant.registry_not_found") }

// digitsOf keeps the digits of s (a SNILS as typed).
func digitsOf(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
