package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"os"
	"testing"

	"github.com/okno/okno/application"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/i18n"
)

// FuzzFormPost posts random form bodies to every page of a realistic
// declaration: reading the answers, typing them, the page's inputs built
// back from the answers and the whole document validated must never
// panic, and what is read is always a document the application can store.
func FuzzFormPost(f *testing.F) {
	schema, err := os.ReadFile("../formdecl/testdata/child-allowance.schema.json")
	if err != nil {
		f.Fatal(err)
	}
	layout, err := os.ReadFile("../formdecl/testdata/child-allowance.layout.json")
	if err != nil {
		f.Fatal(err)
	}
	decl, err := formdecl.Parse(schema, layout)
	if err != nil {
		f.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	s := &Server{log: slog.New(slog.DiscardHandler)}
	f.Add("/applicant/lastName=%D0%98&/applicant/birthDate.day=1&/applicant/birthDate.month=2&/applicant/birthDate.year=2000")
	f.Add("/children.n=3&/children/2/fullName=%3Cscript%3E&/children/0/certificate/issued.day=x")
	f.Add("/payment/method=bank&/payment/bik=%FF&/income=1%2C5&/consent=true&/children.n=-1")
	f.Add("/children.n=99999999999999999999&/income=1e999&/consent=maybe")
	f.Fuzz(func(t *testing.T, body string) {
		form, _ := url.ParseQuery(body)
		data := map[string]any{}
		for _, pg := range decl.Layout.Pages {
			fc := &applyFormCtx{ctx: context.Background(), l: cat.Localizer(i18n.Russian), decl: decl, data: data, errs: map[string]string{}}
			fc.draft = application.Draft{ID: 1, Data: data}
			answers, bad := pageAnswers(form, fc, pg)
			for ptr, v := range answers {
				if v == nil {
					continue
				}
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatalf("%s: the answer does not marshal: %v", ptr, err)
				}
				if _, errs := formdecl.Decode(b); errs != nil && len(bad) == 0 {
					t.Fatalf("%s: the answer %s is not a storable document: %+v", ptr, b, errs)
				}
				setPointer(data, ptr, v)
			}
			fc.data = data
			fc.addErrors(bad)
			s.pageFields(fc, pg)
		}
		b, _ := json.Marshal(data)
		decl.Validate(context.Background(), b, nil)
	})
}
