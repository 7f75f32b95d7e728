package process

import (
	_ "embed"
	"slices"
)

//go:embed schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) of definition files, so
// that editors can check a file as it is written; the API serves it at
// /api/v1/schemas/process.json. It describes the shape; `okno process
// validate` checks the rest (references, reachability, dead ends). A test
// keeps it in step with Definition's json tags.
func Schema() []byte { return slices.Clone(schema) }
