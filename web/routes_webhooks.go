package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/notify"
)

// Webhooks is notify's door for the webhook subscriptions of
// organisations; *notify.Webhooks implements it. It decides who may manage
// an organisation's subscriptions (those who administer it, by
// org.CanAdminister): the routes only admit administrators.
type Webhooks interface {
	Subscribe(ctx context.Context, actor okno.Actor, orgID int64, url string, events []string) (string, notify.Subscription, error)
	List(ctx context.Context, actor okno.Actor, orgID int64) ([]notify.Subscription, error)
	Delete(ctx context.Context, actor okno.Actor, id int64) error
}

// webhookRoutes are the webhook subscription API: administrators signed in
// to the back office manage their organisation's subscriptions (with the
// session's CSRF token on writes). API keys are refused: a key must not be
// able to order copies of events for an address of its own choosing.
// Deleting is a POST, as the authorisation matrix requests every route
// with GET or POST.
func (s *Server) webhookRoutes() []Route {
	idParam := []APIParam{{Name: "id", In: "path", Required: true, Schema: Schema{"type": "integer"}}}
	admin := StaffWith(okno.RoleAdmin)
	const who = "For administrators signed in to the back office: the session cookie, and the X-CSRF-Token header on writes. " +
		"An administrator manages the organisations they administer. API keys are refused."
	return []Route{
		{Method: "GET", Pattern: "/api/v1/webhooks", Access: admin, Handler: s.apiWebhooks, API: &APIDoc{
			Summary: "An organisation's webhook subscriptions", Description: who, Tags: []string{"webhooks"},
			Params:   []APIParam{{Name: "org", In: "query", Description: "The organisation; default: the one the administrator acts for.", Schema: Schema{"type": "integer", "minimum": 1}}},
			Response: Schema{"type": "object", "required": []string{"items"}, "properties": Schema{"items": Schema{"type": "array", "items": webhookSchema}}},
		}},
		{Method: "POST", Pattern: "/api/v1/webhooks", Access: admin, Handler: s.apiWebhookCreate, MaxBody: maxWebhookRequest, API: &APIDoc{
			Summary: "Subscribe an address to events",
			Description: who + " Events are POSTed as JSON {id, type, created_at, data} with the headers Okno-Event-Id, Okno-Event-Type and " +
				"Okno-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" under the secret>. The secret is in this answer only. " +
				"Any answer but 2xx is retried for about three hours.",
			Tags: []string{"webhooks"}, Request: webhookRequestSchema, Status: 201,
			Response: Schema{"type": "object", "required": []string{"secret", "webhook"}, "properties": Schema{
				"secret":  Schema{"type": "string", "description": "The signing secret: shown once, keep it."},
				"webhook": webhookSchema,
			}},
		}},
		{Method: "POST", Pattern: "/api/v1/webhooks/{id}/delete", Access: admin, Handler: s.apiWebhookDelete, API: &APIDoc{
			Summary: "End a subscription", Description: who + " Events not yet delivered to it are dropped.",
			Tags: []string{"webhooks"}, Params: idParam, Status: 204,
		}},
	}
}

// maxWebhookRequest bounds a subscription request: an address and a few
// event types.
const maxWebhookRequest = 16 << 10

var webhookSchema = Schema{
	"type":     "object",
	"required": []string{"id", "org_id", "url", "events", "active", "created_at"},
	"properties": Schema{
		"id": Schema{"type": "integer"}, "org_id": Schema{"type": "integer"},
		"url":        Schema{"type": "string", "format": "uri"},
		"events":     Schema{"type": "array", "items": Schema{"type": "string"}, "description": `Event types or patterns: "case.answered", "case.*", "*".`},
		"active":     Schema{"type": "boolean"},
		"created_at": Schema{"type": "string", "format": "date-time"},
		"created_by": Schema{"type": "string"},
	},
}

var webhookRequestSchema = Schema{
	"type":                 "object",
	"required":             []string{"url", "events"},
	"additionalProperties": false,
	"properties": Schema{
		"org_id": Schema{"type": "integer", "minimum": 1, "description": "Default: the organisation the administrator acts for."},
		"url":    Schema{"type": "string", "format": "uri", "maxLength": 2000, "description": "https; never a private or loopback address."},
		"events": Schema{"type": "array", "minItems": 1, "maxItems": 20, "items": Schema{"type": "string"}},
	},
}
