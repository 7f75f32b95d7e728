package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Schema is a JSON Schema (2020-12, as OpenAPI 3.1 uses), written as data.
type Schema = map[string]any

// APIDoc is what an API route tells OpenAPI about itself. The document at
// /api/v1/openapi.json is built from these, so it lists exactly the JSON
// endpoints that exist.
type APIDoc struct {
	Summary     string
	Description string
	Tags        []string
	Params      []APIParam
	Request     Schema // JSON body; nil for none
	// RequestForm is a multipart/form-data body (files), instead of or
	// besides the JSON one; nil for none.
	RequestForm Schema
	Response    Schema // JSON body of the success answer
	// Produces is the media type of a success answer that is not JSON (a
	// file), whose body is then described as binary; "" for JSON.
	Produces string
	Status   int // success status; 0 means 200
}

// APIParam is a path, query or header parameter.
type APIParam struct {
	Name        string
	In          string // "path", "query" or "header"
	Required    bool
	Description string
	Schema      Schema
}

var wildcardRE = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)(\.\.\.)?\}`)

// openAPIDocument builds the OpenAPI 3.1 document from the route table.
func (s *Server) openAPIDocument() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.routes {
		if rt.API == nil {
			continue
		}
		p := wildcardRE.ReplaceAllString(rt.Pattern, "{$1}")
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(rt.Method)] = operation(rt)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Okno API",
			"version":     "1",
			"description": "Public services and citizen dialogue. Errors are RFC 9457 problem details.",
			"license":     map[string]any{"name": "AGPL-3.0-only", "identifier": "AGPL-3.0-only"},
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": map[string]any{"Problem": problemSchema},
			"securitySchemes": map[string]any{
				"apiKey": map[string]any{"type": "http", "scheme": "bearer", "description": "An API key: okno_…"},
			},
		},
	}
}

func operation(rt Route) map[string]any {
	d := rt.API
	status := d.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	switch {
	case d.Produces != "":
		ok["content"] = map[string]any{d.Produces: map[string]any{"schema": Schema{"type": "string", "format": "binary"}}}
	case d.Response != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": d.Response}}
	}
	op := map[string]any{
		"operationId": operationID(rt),
		"summary":     d.Summary,
		"responses": map[string]any{
			strconv.Itoa(status): ok,
			"default": map[string]any{
				"description": "Problem details",
				"content":     map[string]any{"application/problem+json": map[string]any{"schema": Schema{"$ref": "#/components/schemas/Problem"}}},
			},
		},
	}
	if d.Description != "" {
		op["description"] = d.Description
	}
	if len(d.Tags) > 0 {
		op["tags"] = d.Tags
	}
	var params []any
	for _, p := range d.Params {
		params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.Required || p.In == "path",
			"description": p.Description, "schema": p.Schema})
	}
	if params != nil {
		op["parameters"] = params
	}
	if d.Request != nil || d.RequestForm != nil {
		content := map[string]any{}
		if d.Request != nil {
			content["application/json"] = map[string]any{"schema": d.Request}
		}
		if d.RequestForm != nil {
			content["multipart/form-data"] = map[string]any{"schema": d.RequestForm}
		}
		op["requestBody"] = map[string]any{"required": true, "content": content}
	}
	if rt.Access.kind == accessAPIKey || rt.Access.kind == accessAPIActor {
		op["security"] = []any{map[string]any{"apiKey": []string{}}}
	}
	return op
}

// operationID is a stable name for code generators: "get_api_v1_whoami".
func operationID(rt Route) string {
	p := wildcardRE.ReplaceAllString(rt.Pattern, "$1")
	p = strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(strings.Trim(p, "/"))
	return strings.ToLower(rt.Method) + "_" + p
}

var problemSchema = Schema{
	"type":     "object",
	"required": []string{"type", "title", "status"},
	"properties": Schema{
		"type":       Schema{"type": "string", "description": "urn:okno:problem:<code>, code one of invalid, unauthorized, forbidden, not_found, conflict, rate_limited, internal"},
		"title":      Schema{"type": "string"},
		"status":     Schema{"type": "integer"},
		"detail":     Schema{"type": "string"},
		"request_id": Schema{"type": "string"},
		"errors": Schema{"type": "array", "items": Schema{
			"type":       "object",
			"required":   []string{"field", "message"},
			"properties": Schema{"field": Schema{"type": "string"}, "message": Schema{"type": "string"}},
		}},
	},
}

// openAPI serves the OpenAPI document.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, s.openAPIDocument())
}
