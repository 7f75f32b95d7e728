package web

// The schemas OpenAPI shows for the appeals API's bodies (api_appeals.go
// holds the Go side of the same shapes).

var schemaNum = Schema{"type": "number"}

var taxonRefSchema = Schema{"type": "object", "required": []string{"id", "code", "title"}, "properties": Schema{
	"id": schemaInt, "code": schemaStr, "title": schemaStr,
}}

var appealStatuses = []string{"moderation", "open", "answered", "fixed", "fixed_auto", "not_fixed", "rejected"}

var suggestionSchema = Schema{"type": "object", "required": []string{"category_code", "category_title", "confidence"}, "properties": Schema{
	"category_code": schemaStr, "category_title": schemaStr, "reason_code": schemaStr, "reason_title": schemaStr,
	"confidence": Schema{"type": "number", "minimum": 0, "maximum": 1},
}}

var appealSchema = Schema{
	"type":     "object",
	"required": []string{"id", "ref", "category", "reason", "org_id", "lat", "lon", "text", "anonymous", "status", "photos", "supporters", "created_at", "updated_at"},
	"properties": Schema{
		"id": schemaInt, "ref": schemaStr,
		"version":  Schema{"type": "integer", "description": "The case's version, to send back when re-categorising. Absent in public listings."},
		"category": taxonRefSchema, "reason": Schema{"allOf": []Schema{taxonRefSchema}, "description": "Its code is the Open311 service_code."},
		"territory_id": schemaInt, "territory_name": schemaStr, "org_id": schemaInt, "org_name": schemaStr,
		"lat": schemaNum, "lon": schemaNum, "address": schemaStr,
		"text":        Schema{"type": "string", "description": "The public text (as moderation published it) for the public; the author's text for those who see the case in full."},
		"anonymous":   schemaBool,
		"author_name": Schema{"type": "string", "description": "The author's first name as the public sees it; absent when anonymous."},
		"status":      Schema{"type": "string", "enum": appealStatuses},
		"state":       Schema{"type": "string", "description": "The case's state (absent in public listings)."},
		"channel":     Schema{"type": "string", "enum": []string{"web", "api", "operator", "open311", "system"}},
		"outcome":     schemaStr, "photos": schemaInt, "supporters": schemaInt, "duplicate_of": schemaInt,
		"reroutes": schemaInt, "recategorised": schemaInt, "reopened": schemaInt,
		"flags": Schema{"type": "array", "description": "What screening and the classifier found, for moderators.", "items": Schema{
			"type": "object", "required": []string{"kind"}, "properties": Schema{
				"kind":   Schema{"type": "string", "enum": []string{"obscenity", "personal_data", "spam", "link", "caps", "repeated", "category"}},
				"detail": schemaStr, "args": Schema{"type": "array", "items": schemaStr},
			}}},
		"suggested":  suggestionSchema,
		"created_at": schemaTime, "published_at": schemaTime, "due_at": schemaTime, "answered_at": schemaTime,
		"answered_on_time": schemaBool, "closed_at": schemaTime, "updated_at": schemaTime,
	},
}

var newAppealSchema = Schema{
	"type":     "object",
	"required": []string{"text"},
	"properties": Schema{
		"reason":       Schema{"type": "string", "description": "The reason's code (or give reason_id)."},
		"reason_id":    schemaInt,
		"text":         Schema{"type": "string", "minLength": 10, "maxLength": 4000},
		"lat":          Schema{"type": "number", "minimum": -90, "maximum": 90},
		"lon":          Schema{"type": "number", "minimum": -180, "maximum": 180},
		"address":      Schema{"type": "string", "maxLength": 300},
		"territory_id": Schema{"type": "integer", "description": "The district, when there is no point or it lies outside every territory."},
		"anonymous":    Schema{"type": "boolean", "description": "Hide the author's name from the public; the body still sees who wrote."},
		"applicant_id": Schema{"type": "integer", "description": "Staff registering an appeal for a citizen with an account."},
		"contact": Schema{"type": "object", "description": "Who wrote, when they have no account here (sealed).", "properties": Schema{
			"first_name": schemaStr, "last_name": schemaStr, "phone": schemaStr, "email": schemaStr, "device_id": schemaStr,
		}},
		"author_hint": Schema{"type": "string", "description": "Tells apart the authors behind one API key (an app's user e-mail or device id), for rate limits."},
		"photos": Schema{"type": "array", "maxItems": 5, "items": Schema{"type": "object", "required": []string{"name", "content_base64"}, "properties": Schema{
			"name": Schema{"type": "string", "maxLength": maxPhotoName}, "content_base64": Schema{"type": "string", "contentEncoding": "base64"},
		}}},
	},
}

var recategoriseSchema = Schema{"type": "object", "required": []string{"version", "reason"}, "properties": Schema{
	"version": Schema{"type": "integer", "description": "The appeal's version, as GET returned it."},
	"reason":  Schema{"type": "string", "description": "The new reason's code."},
	"comment": schemaStr,
	"reroute": Schema{"type": "boolean", "description": "Send it by the new reason's route when that leads elsewhere."},
}}

var categorySchema = Schema{"type": "object", "required": []string{"id", "code", "title", "reasons"}, "properties": Schema{
	"id": schemaInt, "code": schemaStr, "title": schemaStr, "title_en": schemaStr,
	"reasons": Schema{"type": "array", "items": Schema{"type": "object", "required": []string{"id", "code", "title"}, "properties": Schema{
		"id": schemaInt, "code": schemaStr, "title": schemaStr, "title_en": schemaStr,
		"hint": Schema{"type": "string", "description": "Plain language: what to report under this reason."},
	}}},
}}

var appealListParams = []APIParam{
	{Name: "reason", In: "query", Description: "Reason codes, comma-separated.", Schema: schemaStr},
	{Name: "category", In: "query", Description: "Category ids, comma-separated.", Schema: schemaStr},
	{Name: "status", In: "query", Description: "Statuses, comma-separated.", Schema: schemaStr},
	{Name: "territory", In: "query", Description: "Territory ids, comma-separated.", Schema: schemaStr},
	{Name: "org", In: "query", Description: "The responsible organisation's id.", Schema: schemaInt},
	{Name: "from", In: "query", Description: "Filed at or after (RFC 3339, or a date).", Schema: schemaStr},
	{Name: "to", In: "query", Description: "Filed before (RFC 3339, or a date).", Schema: schemaStr},
	{Name: "updated_from", In: "query", Description: "Changed at or after.", Schema: schemaStr},
	{Name: "updated_to", In: "query", Description: "Changed before.", Schema: schemaStr},
	{Name: "bbox", In: "query", Description: "min_lon,min_lat,max_lon,max_lat.", Schema: schemaStr},
	{Name: "after", In: "query", Description: "Cursor from the previous page's next.", Schema: schemaStr},
	{Name: "limit", In: "query", Description: "Items per page (1–1000, default 100).", Schema: Schema{"type": "integer", "minimum": 1, "maximum": 1000}},
}
