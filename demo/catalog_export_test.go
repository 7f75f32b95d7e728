package demo

import (
	"encoding/json"

	"github.com/okno/okno/catalog"
)

// DemoService is what tests know of a demo service: its code, kind, form
// and a filled-in document the form accepts.
type DemoService struct {
	Code  string
	Kind  catalog.Kind
	Form  catalog.Form
	Valid json.RawMessage
}

// DemoServices lists the embedded demo services for tests.
func DemoServices() ([]DemoService, error) {
	ss, err := demoServices()
	var out []DemoService
	for _, s := range ss {
		out = append(out, DemoService{s.Code, s.Kind, s.Form, s.Valid})
	}
	return out, err
}

// DemoDirectories returns the demo directories for tests.
func DemoDirectories() []catalog.Directory { return catalogDirectories() }

// OwnerAvatar exposes the generated photo for tests.
var OwnerAvatar = ownerAvatar
