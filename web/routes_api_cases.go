package web

import "github.com/okno/okno/casework"

// Body limits of the case API: JSON bodies are small; bodies with files
// may carry a few (the case engine checks each file's size, count and
// type).
const (
	caseJSONMaxBody = 256 << 10
	bulkMaxBody     = 64 << 10
)

// caseAPIRoutes are the case API under /api/v1. Every route admits API
// keys (acting for their organisation with the key's roles), signed-in
// citizens and staff acting for an organisation; the case engine decides
// per case, so another's case is 404 and a forbidden action 403.
func (s *Server) caseAPIRoutes() []Route {
	tags := []string{"cases"}
	return []Route{
		{Method: "GET", Pattern: "/api/v1/cases", Access: APIActor(), Handler: s.apiCases, API: &APIDoc{
			Summary:     "Cases: a citizen's own, or an inbox view of the organisation (keyset pages)",
			Description: "Citizens get their own cases, newest first, and the filters do not apply. Staff and API keys get one of their organisation's inbox views, by legal deadline.",
			Tags:        tags, Params: caseListParams, Response: pageSchema(caseItemSchema),
		}},
		{Method: "POST", Pattern: "/api/v1/cases", Access: APIActor(), Handler: s.apiOpenCase, MaxBody: caseUploadMaxBody, API: &APIDoc{
			Summary:     "Open a case",
			Description: "A retry with the same Idempotency-Key returns the case the first request opened. Files go in a multipart body: the JSON as the part \"request\", files as \"documents\" or \"documents.<kind>\".",
			Tags:        tags, Params: []APIParam{idempotencyParam}, Request: newCaseSchema, RequestForm: withFiles(newCaseSchema),
			Response: caseSchema, Status: 201,
		}},
		{Method: "GET", Pattern: "/api/v1/cases/{id}", Access: APIActor(), Handler: s.apiCase, API: &APIDoc{
			Summary: "One case", Tags: tags, Params: []APIParam{caseIDParam}, Response: caseSchema,
		}},
		{Method: "GET", Pattern: "/api/v1/cases/{id}/timeline", Access: APIActor(), Handler: s.apiCaseTimeline, API: &APIDoc{
			Summary: "A case's timeline, oldest first (a citizen sees the events meant for them)", Tags: tags,
			Params: []APIParam{caseIDParam}, Response: itemsSchema(eventSchema),
		}},
		{Method: "GET", Pattern: "/api/v1/cases/{id}/actions", Access: APIActor(), Handler: s.apiCaseAllowed, API: &APIDoc{
			Summary: "The actions the client may take on a case now", Tags: tags, Params: []APIParam{caseIDParam},
			Response: Schema{"type": "object", "required": []string{"version", "items"}, "properties": Schema{
				"version": Schema{"type": "integer", "description": "Send it back when taking an action."},
				"items":   Schema{"type": "array", "items": allowedSchema},
			}},
		}},
		{Method: "POST", Pattern: "/api/v1/cases/{id}/actions", Access: APIActor(), Handler: s.apiCaseAct, MaxBody: caseUploadMaxBody, API: &APIDoc{
			Summary:     "Take an action on a case",
			Description: "A stale version is a 409 problem and changes nothing. Files go in a multipart body: the JSON as the part \"request\", files as \"documents\" or \"documents.<kind>\".",
			Tags:        tags, Params: []APIParam{caseIDParam}, Request: actionSchema, RequestForm: withFiles(actionSchema), Response: caseSchema,
		}},
		{Method: "POST", Pattern: "/api/v1/cases/{id}/assign", Access: APIActor(), Handler: s.apiCaseAssign, MaxBody: caseJSONMaxBody, API: &APIDoc{
			Summary: "Assign a case within its organisation, or reroute it to another", Tags: tags,
			Params: []APIParam{caseIDParam}, Request: assignSchema, Response: caseSchema,
		}},
		{Method: "POST", Pattern: "/api/v1/cases/assign", Access: APIActor(), Handler: s.apiCasesAssign, MaxBody: bulkMaxBody, API: &APIDoc{
			Summary: "Assign several cases at once: all or none", Tags: tags, Request: assignManySchema,
			Response: Schema{"type": "object", "required": []string{"assigned"}, "properties": Schema{
				"assigned": Schema{"type": "integer", "description": "How many cases moved."}}},
		}},
		{Method: "GET", Pattern: "/api/v1/cases/{id}/documents", Access: APIActor(), Handler: s.apiCaseDocuments, API: &APIDoc{
			Summary: "The documents of a case the client may see", Tags: tags, Params: []APIParam{caseIDParam},
			Response: itemsSchema(documentSchema),
		}},
		{Method: "POST", Pattern: "/api/v1/cases/{id}/documents", Access: APIActor(), Handler: s.apiCaseAttach, MaxBody: caseUploadMaxBody, API: &APIDoc{
			Summary: "Attach a document to a case", Tags: tags, Params: []APIParam{caseIDParam},
			RequestForm: Schema{"type": "object", "required": []string{"version"}, "properties": Schema{
				"version":   Schema{"type": "integer", "description": "The case's version."},
				"documents": Schema{"type": "string", "format": "binary", "description": "The file, an attachment; or name the part documents.<kind>."},
			}},
			Response: documentSchema, Status: 201,
		}},
		{Method: "GET", Pattern: "/api/v1/cases/{id}/documents/{doc}", Access: APIActor(), Handler: s.apiCaseDocument, API: &APIDoc{
			Summary: "A document's content", Tags: tags, Produces: "application/octet-stream",
			Description: "The Content-Type is the type sniffed from the content when it was stored.",
			Params: []APIParam{caseIDParam, {Name: "doc", In: "path", Required: true, Schema: Schema{"type": "integer"}},
				{Name: "preview", In: "query", Description: "1: an image's JPEG preview.", Schema: Schema{"type": "string", "enum": []string{"1"}}}},
		}},
	}
}

var caseIDParam = APIParam{Name: "id", In: "path", Required: true, Schema: Schema{"type": "integer"}}

var idempotencyParam = APIParam{Name: "Idempotency-Key", In: "header",
	Description: "Makes a retried open return the first one's case (per client). Up to 200 visible ASCII characters.",
	Schema:      Schema{"type": "string", "maxLength": maxIdempotencyKey}}

func viewNames() []string {
	out := make([]string, len(casework.Views))
	for i, v := range casework.Views {
		out[i] = string(v)
	}
	return out
}

var caseListParams = []APIParam{
	{Name: "view", In: "query", Description: "Staff and keys: the inbox view (default: mine for staff, org for keys).", Schema: Schema{"type": "string", "enum": viewNames()}},
	{Name: "state", In: "query", Description: "Staff and keys: only cases in this state.", Schema: Schema{"type": "string"}},
	{Name: "process", In: "query", Description: "Staff and keys: only cases of this process.", Schema: Schema{"type": "string"}},
	{Name: "q", In: "query", Description: "Staff and keys: a reference number, or words of the subject.", Schema: Schema{"type": "string", "maxLength": 200}},
	{Name: "after", In: "query", Description: "Cursor from the previous page's next.", Schema: Schema{"type": "string"}},
	{Name: "limit", In: "query", Description: "Items per page (1–200; a citizen's pages hold at most 100).", Schema: Schema{"type": "integer", "minimum": 1, "maximum": casework.InboxMaxLimit}},
}

// itemsSchema is a whole list, unpaged.
func itemsSchema(item Schema) Schema {
	return Schema{"type": "object", "required": []string{"items"}, "properties": Schema{"items": Schema{"type": "array", "items": item}}}
}

// withFiles is a JSON request schema as a multipart body: the JSON in the
// part "request" and files beside it.
func withFiles(request Schema) Schema {
	return Schema{"type": "object", "required": []string{"request"}, "properties": Schema{
		"request":   Schema{"type": "string", "contentMediaType": "application/json", "description": "The JSON request.", "contentSchema": request},
		"documents": Schema{"type": "array", "items": Schema{"type": "string", "format": "binary"}, "description": "Attachments; a document of a kind goes in a part named documents.<kind>."},
	}}
}
