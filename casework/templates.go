package casework

import "embed"

// Templates holds the case engine's notification templates,
// templates/cases.json in package notify's format: template name →
// audience ("applicant", "staff") → channel ("default" is the fallback) →
// language → subject and body, written with text/template and the values
// {{.ref}}, {{.process}}, {{.state}}, {{.deadline}} and {{.link}} (see
// notice). There is one for each notify effect of the shipped process
// definitions ("<process>.<action>"), for opening ("<process>.opened"),
// and for the engine's own escalation, assignment and rerouting. The
// values hold Russian titles, so English texts leave them out.
//
//go:embed templates/*.json
var Templates embed.FS
