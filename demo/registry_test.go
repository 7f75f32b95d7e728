package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/instant"
)

// TestRegistryExamples: every number the demo suggests finds a record
// (the suggestions are how a visitor explores the demo), keys are matched
// however they are typed, and anything else is not found.
func TestRegistryExamples(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	r, err := NewRegistry(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if !r.Demo() {
		t.Errorf("the demo registry does not say it is a demo")
	}
	for _, ex := range r.Examples("fines") {
		key := strings.Fields(ex)
		number := strings.Join(key[1:min(len(key), 4)], " ")
		var fs []instant.Fine
		if key[0] == "ВУ" {
			fs, err = r.FinesByLicence(ctx, number)
		} else {
			fs, err = r.FinesByVehicle(ctx, number)
		}
		if err != nil || len(fs) == 0 {
			t.Errorf("fines of %q: %d, %v", ex, len(fs), err)
		}
	}
	for _, acc := range r.Examples("debt") {
		if d, err := r.Debt(ctx, acc, now); err != nil || d.Address == "" || !d.AsOf.Equal(now) {
			t.Errorf("debt of %s: %+v, %v", acc, d, err)
		}
	}
	for _, acc := range r.Examples("meter-readings") {
		if m, err := r.MeterAccount(ctx, acc); err != nil || len(m.Meters) == 0 || m.Meters[0].LastAt.After(now) {
			t.Errorf("meters of %s: %+v, %v", acc, m, err)
		}
	}
	for _, cert := range append(r.Examples("kindergarten-queue"), "iv ак-123456") {
		if k, err := r.KindergartenQueue(ctx, cert); err != nil || k.Position == 0 {
			t.Errorf("the queue of %s: %+v, %v", cert, k, err)
		}
	}
	if h, err := r.HousingQueue(ctx, "11223344595"); err != nil || h.Number == 0 || h.RegisteredAt.Year() != 2015 {
		t.Errorf("Пётр in the housing queue: %+v, %v", h, err)
	}
	if fs, err := r.FinesByVehicle(ctx, "78 AA 000000"); err != nil || len(fs) != 0 {
		t.Errorf("an unknown vehicle: %v, %v", fs, err)
	}
	for name, err := range map[string]error{
		"debt":         second(r.Debt(ctx, "0000000000", now)),
		"kindergarten": second(r.KindergartenQueue(ctx, "I-АА 000000")),
		"housing":      second(r.HousingQueue(ctx, "12345678964")),
		"meters":       second(r.MeterAccount(ctx, "0000000000")),
	} {
		if !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("%s of an unknown key: %v", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }
