package instant

import (
	"context"
	"time"
)

// Registry is the region's registries as the rules read them: the traffic
// police's fines, the housing and utilities settlement centre, the
// kindergarten and housing queues, the meter registry. A region implements
// it over its own systems (interagency requests, a data bus); package demo
// implements it over made-up records.
//
// Keys arrive normalised: upper case without spaces or dashes (see
// NormalizeKey); SNILS as eleven digits. A key the registry does not know
// is an okno.ENOTFOUND error, except for fines, where an empty list is the
// answer.
type Registry interface {
	// Demo reports whether the registry holds demonstration data.
	Demo() bool
	// FinesByVehicle lists the fines (paid or not) on a vehicle by the
	// number of its registration certificate (СТС).
	FinesByVehicle(ctx context.Context, certificate string) ([]Fine, error)
	// FinesByLicence lists the fines of a driver by driving licence number.
	FinesByLicence(ctx context.Context, licence string) ([]Fine, error)
	// Debt is the housing and utilities debt of a personal account on a date.
	Debt(ctx context.Context, account string, at time.Time) (Debt, error)
	// KindergartenQueue is a child's place in the kindergarten queue, by
	// the child's birth certificate.
	KindergartenQueue(ctx context.Context, birthCertificate string) (KindergartenPlace, error)
	// HousingQueue is a person's registration in the housing queue.
	HousingQueue(ctx context.Context, snils string) (HousingPlace, error)
	// MeterAccount is a personal account of the meter registry and its meters.
	MeterAccount(ctx context.Context, account string) (MeterAccount, error)
}

// Exampler is implemented by demo registries: keys a visitor may try.
type Exampler interface {
	Examples(rule string) []string
}

// Fine is a traffic fine (штраф ГИБДД).
type Fine struct {
	UIN          string    // the accrual's identifier (УИН)
	Article      string    // "ч. 2 ст. 12.9 КоАП РФ"
	Offence      string    // what happened, in Russian
	Place        string    // where
	Vehicle      string    // the plate, as the decision gives it
	Kopecks      int64     // the amount of the fine
	OffenceAt    time.Time // when
	DecisionDate time.Time // the decision (постановление): discounts count from it
	Paid         bool
	// NoDiscount: the article has no 50 % discount (КоАП ст. 32.2 ч. 1.3
	// excludes some: drunk driving, repeat offences...).
	NoDiscount bool
}

// Debt is an account's debt for housing and utilities.
type Debt struct {
	Account  string
	Address  string
	Provider string // who keeps the account (ЕИРЦ, a management company)
	Kopecks  int64  // 0: no debt
	AsOf     time.Time
}

// KindergartenPlace is a child's application in the kindergarten queue.
type KindergartenPlace struct {
	Child        string // the child's name as the queue has it
	District     string
	Position     int // in the queue of the first desired kindergarten
	Total        int // children in that queue
	DesiredYear  int // the year the place is wanted from
	Kindergarten []string
	AppliedAt    time.Time
	Status       string // "в очереди", "направление выдано"
	Benefit      string // a priority right, "" when none
}

// HousingPlace is a registration in the housing queue (учёт нуждающихся
// в жилых помещениях).
type HousingPlace struct {
	RegisteredAt time.Time
	Number       int    // the number in the queue
	Category     string // "общая очередь", "многодетные семьи"...
	FamilySize   int
	Decision     string // the decision that registered them: number and date
	Body         string // who keeps the queue
}

// MeterAccount is a personal account of the meter registry.
type MeterAccount struct {
	Account string
	Address string
	Meters  []Meter
}

// Meter is one meter of an account and its last reading the registry knows.
type Meter struct {
	ID     string // the meter's ID within the account: form fields name it
	Kind   MeterKind
	Serial string
	Last   float64 // in the kind's unit
	LastAt time.Time
}

// MeterKind is what a meter measures.
type MeterKind string

// The kinds of meter.
const (
	MeterCold        MeterKind = "cold"        // cold water, m³
	MeterHot         MeterKind = "hot"         // hot water, m³
	MeterElectricity MeterKind = "electricity" // kWh
)
