package web

import (
	"context"
	"net/http"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/process"
)

// ProcessAdmin is package process's door: the published definitions.
// *process.Registry implements it. The schema of definition files needs
// no service: process.Schema gives it.
type ProcessAdmin interface {
	List(ctx context.Context) ([]process.Version, error)
	Latest(ctx context.Context, name string) (process.Version, error)
}

// processRoutes serve process definitions and their JSON Schema. The
// schema is public: editors fetch it without signing in. Definitions are
// for API clients (keys and signed-in people), like the rest of the
// read-only API; publishing is the command line's (okno process publish).
func (s *Server) processRoutes() []Route {
	name := []APIParam{{Name: "name", In: "path", Required: true, Description: "The process's name, e.g. appeal.",
		Schema: Schema{"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": process.MaxNameLen}}}
	return []Route{
		{Method: "GET", Pattern: "/api/v1/schemas/process.json", Access: Public(), Handler: s.apiProcessSchema, API: &APIDoc{
			Summary: "JSON Schema (2020-12) of process definition files", Tags: []string{"processes"},
			Response: Schema{"type": "object", "description": "A JSON Schema, draft 2020-12."},
		}},
		{Method: "GET", Pattern: "/api/v1/processes", Access: APIClient(), Handler: s.apiProcesses, API: &APIDoc{
			Summary: "The latest published version of every process, by name", Tags: []string{"processes"},
			Response: Schema{"type": "object", "required": []string{"items"}, "properties": Schema{
				"items": Schema{"type": "array", "items": processSummarySchema},
			}},
		}},
		{Method: "GET", Pattern: "/api/v1/processes/{name}", Access: APIClient(), Handler: s.apiProcess, API: &APIDoc{
			Summary: "The latest published version of one process, with its definition", Tags: []string{"processes"},
			Params: name, Response: processSchema,
		}},
	}
}

// processSummaryJSON is a process in the API's list.
type processSummaryJSON struct {
	Name        string       `json:"name"`
	Version     int          `json:"version"`
	Kind        process.Kind `json:"kind"`
	Title       process.Text `json:"title"`
	PublishedAt time.Time    `json:"published_at"`
}

// processJSON is one version with its definition, which is exactly a
// definition file in JSON: it validates against the schema.
type processJSON struct {
	processSummaryJSON
	Digest     string              `json:"digest"`
	Definition *process.Definition `json:"definition"`
}

func toProcessSummary(v process.Version) processSummaryJSON {
	return processSummaryJSON{Name: v.Name, Version: v.Version, Kind: v.Definition.Kind, Title: v.Definition.Title, PublishedAt: v.PublishedAt}
}

var processSummarySchema = Schema{
	"type":     "object",
	"required": []string{"name", "version", "kind", "title", "published_at"},
	"properties": Schema{
		"name": Schema{"type": "string"}, "version": Schema{"type": "integer"},
		"kind":         Schema{"type": "string", "enum": []string{"appeal", "application", "complaint"}},
		"title":        Schema{"type": "object", "description": "By language tag: ru, en.", "additionalProperties": Schema{"type": "string"}},
		"published_at": Schema{"type": "string", "format": "date-time"},
	},
}

var processSchema = Schema{
	"type":     "object",
	"required": []string{"name", "version", "kind", "title", "published_at", "digest", "definition"},
	"properties": Schema{
		"name": Schema{"type": "string"}, "version": Schema{"type": "integer"},
		"kind":         Schema{"type": "string"},
		"title":        Schema{"type": "object", "additionalProperties": Schema{"type": "string"}},
		"published_at": Schema{"type": "string", "format": "date-time"},
		"digest":       Schema{"type": "string", "description": "SHA-256 of the file as published, hex."},
		"definition":   Schema{"type": "object", "description": "The definition, as described by /api/v1/schemas/process.json."},
	},
}

// apiProcessSchema serves the JSON Schema of definition files.
func (s *Server) apiProcessSchema(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/schema+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(process.Schema())
	return err
}

// apiProcesses lists the latest version of every process.
func (s *Server) apiProcesses(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.deps.Processes.List(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Items []processSummaryJSON `json:"items"`
	}{Items: make([]processSummaryJSON, len(vs))}
	for i, v := range vs {
		out.Items[i] = toProcessSummary(v)
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiProcess returns the latest version of one process. A name that no
// process could have is not found, without asking the database.
func (s *Server) apiProcess(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if !process.ValidName(name) {
		return okno.Errorf(okno.ENOTFOUND, "process.not_found")
	}
	v, err := s.deps.Processes.Latest(r.Context(), name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, processJSON{processSummaryJSON: toProcessSummary(v), Digest: v.Digest, Definition: v.Definition})
}
