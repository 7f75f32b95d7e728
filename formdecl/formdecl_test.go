package formdecl

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// dirs is a directory stub: banks and districts of Saint Petersburg.
type dirs map[string][]string

func (d dirs) Has(_ context.Context, directory, value string) (bool, error) {
	list, ok := d[directory]
	if !ok {
		return false, errors.New("no such directory")
	}
	for _, v := range list {
		if v == value {
			return true, nil
		}
	}
	return false, nil
}

var testDirs = dirs{
	"banks":         {"044030653", "044525225"},
	"spb-districts": {"Приморский", "Невский", "Центральный"},
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func childAllowance(t testing.TB) *Decl {
	t.Helper()
	d, err := Parse(readTestdata(t, "child-allowance.schema.json"), readTestdata(t, "child-allowance.layout.json"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustSchema(t testing.TB, src string) *Decl {
	t.Helper()
	s, err := ParseSchema([]byte(src))
	if err != nil {
		t.Fatalf("ParseSchema(%s): %v", src, err)
	}
	return &Decl{Schema: s}
}

// TestValidateRealistic checks that a complete, correct application passes.
func TestValidateRealistic(t *testing.T) {
	d := childAllowance(t)
	errs := d.Validate(context.Background(), readTestdata(t, "child-allowance.valid.json"), testDirs)
	for _, e := range errs {
		t.Errorf("%+v", e)
	}
}
