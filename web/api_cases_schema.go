package web

// The schemas OpenAPI shows for the case API's bodies (api_cases_json.go
// holds the Go side of the same shapes).

var (
	schemaStr  = Schema{"type": "string"}
	schemaInt  = Schema{"type": "integer"}
	schemaBool = Schema{"type": "boolean"}
	schemaTime = Schema{"type": "string", "format": "date-time"}
)

var clockSchema = Schema{"type": "object", "required": []string{"due"}, "properties": Schema{
	"period":    Schema{"type": "string", "description": "30d: 30 calendar days; 15w: 15 working days."},
	"due":       Schema{"type": "string", "format": "date-time", "description": "When it runs out (midnight after its last day)."},
	"paused_at": Schema{"type": "string", "format": "date-time", "description": "Set while paused, waiting for the citizen."},
}}

var escalationSchema = Schema{"type": "object", "required": []string{"level"}, "properties": Schema{
	"level": schemaInt, "org_id": schemaInt, "position_id": schemaInt,
}}

var caseSchema = Schema{
	"type":     "object",
	"required": []string{"id", "ref", "kind", "process", "process_version", "state", "state_title", "version", "org_id", "subject", "channel", "created_at", "updated_at"},
	"properties": Schema{
		"id": schemaInt, "ref": schemaStr, "kind": Schema{"type": "string", "enum": []string{"appeal", "application", "complaint"}},
		"process": schemaStr, "process_version": schemaInt, "state": schemaStr, "state_title": schemaStr,
		"version":      Schema{"type": "integer", "description": "Send it back when acting: a stale one is a conflict."},
		"applicant_id": schemaInt, "org_id": schemaInt, "position_id": schemaInt, "assignee_id": schemaInt,
		"escalation": escalationSchema, "parent_id": schemaInt, "subject": schemaStr,
		"channel":     Schema{"type": "string", "enum": []string{"web", "api", "operator", "open311", "system"}},
		"data":        Schema{"type": "object", "description": "The form data; absent for clients that may see only the status."},
		"legal_clock": clockSchema, "legal_met_at": schemaTime, "step_clock": clockSchema, "outcome": schemaStr,
		"created_at": schemaTime, "updated_at": schemaTime, "closed_at": schemaTime,
	},
}

var caseItemSchema = Schema{
	"type":     "object",
	"required": []string{"id", "ref", "state", "state_title", "subject", "updated_at"},
	"properties": Schema{
		"id": schemaInt, "ref": schemaStr, "kind": schemaStr, "process": schemaStr, "state": schemaStr, "state_title": schemaStr, "subject": schemaStr,
		"org_id": schemaInt, "position_id": schemaInt, "assignee_id": schemaInt, "assignee": schemaStr,
		"legal_clock": clockSchema, "step_clock": clockSchema, "escalation": escalationSchema,
		"waiting_for_me": Schema{"type": "boolean", "description": "Citizens: the case waits for you."},
		"outcome":        schemaStr, "version": schemaInt, "created_at": schemaTime, "updated_at": schemaTime, "closed_at": schemaTime,
	},
}

var eventSchema = Schema{
	"type":     "object",
	"required": []string{"id", "seq", "kind", "actor", "citizen_visible", "at"},
	"properties": Schema{
		"id": schemaInt, "seq": schemaInt,
		"kind":   Schema{"type": "string", "enum": []string{"opened", "action", "assigned", "rerouted", "escalated", "document", "note", "child_done"}},
		"action": schemaStr, "action_title": schemaStr, "from_state": schemaStr, "to_state": schemaStr, "actor": schemaStr, "actor_name": schemaStr, "comment": schemaStr,
		"fields": Schema{"type": "object", "additionalProperties": schemaStr}, "citizen_visible": schemaBool, "at": schemaTime,
	},
}

var documentSchema = Schema{
	"type":     "object",
	"required": []string{"id", "kind", "name", "media_type", "size", "result", "citizen_visible", "uploaded_by", "created_at", "url"},
	"properties": Schema{
		"id": schemaInt, "kind": schemaStr, "name": schemaStr, "media_type": schemaStr, "size": schemaInt, "result": schemaBool,
		"citizen_visible": schemaBool, "uploaded_by": schemaStr, "created_at": schemaTime, "url": schemaStr,
	},
}

var allowedSchema = Schema{
	"type":     "object",
	"required": []string{"name", "title", "to", "target_title", "comment", "fields", "documents"},
	"properties": Schema{
		"name": schemaStr, "title": schemaStr, "to": schemaStr, "target_title": schemaStr,
		"comment": Schema{"type": "string", "enum": []string{"none", "optional", "required"}},
		"fields": Schema{"type": "array", "items": Schema{"type": "object", "required": []string{"name", "title", "type", "required"}, "properties": Schema{
			"name": schemaStr, "title": schemaStr, "type": Schema{"type": "string", "enum": []string{"text", "number", "date", "choice", "bool"}},
			"required": schemaBool, "max": schemaInt,
			"options": Schema{"type": "array", "items": Schema{"type": "object", "properties": Schema{"value": schemaStr, "title": schemaStr}}},
		}}},
		"documents": Schema{"type": "array", "items": Schema{"type": "object", "properties": Schema{"name": schemaStr, "title": schemaStr}}},
	},
}

var newCaseSchema = Schema{
	"type":                 "object",
	"required":             []string{"process", "org_id", "subject"},
	"additionalProperties": false,
	"properties": Schema{
		"process":      Schema{"type": "string", "description": "The process name; its latest published version is used."},
		"org_id":       Schema{"type": "integer", "description": "The responsible organisation."},
		"position_id":  Schema{"type": "integer", "description": "A position of it; absent: the organisation's inbox."},
		"applicant_id": Schema{"type": "integer", "description": "The citizen applying; a citizen's own requests are theirs."},
		"parent_id":    schemaInt,
		"subject":      Schema{"type": "string", "description": "A plain title holding no personal data."},
		"data":         Schema{"type": "object", "description": "The form data."},
		"legal_clock":  Schema{"type": "string", "description": "Overrides the process's legal clock: 30d, 15w."},
	},
}

var actionSchema = Schema{
	"type":                 "object",
	"required":             []string{"action", "version"},
	"additionalProperties": false,
	"properties": Schema{
		"action":  schemaStr,
		"version": Schema{"type": "integer", "description": "The case's version the client saw."},
		"comment": schemaStr,
		"fields":  Schema{"type": "object", "additionalProperties": schemaStr, "description": "The action's fields by name; problems name them fields.<name>."},
	},
}

var assignSchema = Schema{
	"type":                 "object",
	"required":             []string{"version"},
	"additionalProperties": false,
	"properties": Schema{
		"version": schemaInt, "org_id": Schema{"type": "integer", "description": "Another organisation: reroute."},
		"position_id": schemaInt, "assignee_id": schemaInt, "comment": schemaStr,
	},
}

var assignManySchema = Schema{
	"type":                 "object",
	"required":             []string{"case_ids"},
	"additionalProperties": false,
	"properties": Schema{
		"case_ids": Schema{"type": "array", "items": schemaInt, "minItems": 1},
		"org_id":   schemaInt, "position_id": schemaInt, "assignee_id": schemaInt, "comment": schemaStr,
	},
}
