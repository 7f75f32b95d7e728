package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/notify"
)

// webhookJSON is a subscription in the API. Its secret is never in it.
type webhookJSON struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
}

func toWebhookJSON(s notify.Subscription) webhookJSON {
	return webhookJSON{ID: s.ID, OrgID: s.OrgID, URL: s.URL, Events: s.Events, Active: s.Active, CreatedAt: s.CreatedAt, CreatedBy: s.CreatedBy}
}

// webhookOrg is the organisation a request names, or the one the
// administrator acts for.
func webhookOrg(actor okno.Actor, id int64) int64 {
	if id == 0 {
		return actor.OrgID
	}
	return id
}

// apiWebhooks lists an organisation's subscriptions.
func (s *Server) apiWebhooks(w http.ResponseWriter, r *http.Request) error {
	var orgID int64
	if v := r.URL.Query().Get("org"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			var fe okno.FieldErrors
			fe.Add("org", "web.api.webhooks.org_invalid")
			return fe.Err()
		}
		orgID = id
	}
	actor := okno.ActorFrom(r.Context())
	subs, err := s.deps.Webhooks.List(r.Context(), actor, webhookOrg(actor, orgID))
	if err != nil {
		return err
	}
	items := make([]webhookJSON, len(subs))
	for i, sub := range subs {
		items[i] = toWebhookJSON(sub)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// webhookRequest is the body of a subscription.
type webhookRequest struct {
	OrgID  int64    `json:"org_id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// apiWebhookCreate subscribes an address and answers the secret, once.
func (s *Server) apiWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	var req webhookRequest
	if err := decodeJSON(r.Body, &req); err != nil {
		return err
	}
	if req.OrgID < 0 {
		var fe okno.FieldErrors
		fe.Add("org_id", "web.api.webhooks.org_invalid")
		return fe.Err()
	}
	actor := okno.ActorFrom(r.Context())
	secret, sub, err := s.deps.Webhooks.Subscribe(r.Context(), actor, webhookOrg(actor, req.OrgID), req.URL, req.Events)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", "/api/v1/webhooks?org="+strconv.FormatInt(sub.OrgID, 10))
	return writeJSON(w, http.StatusCreated, map[string]any{"secret": secret, "webhook": toWebhookJSON(sub)})
}

// apiWebhookDelete ends a subscription.
func (s *Server) apiWebhookDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return okno.Errorf(okno.ENOTFOUND, "notify.webhook_not_found")
	}
	if err := s.deps.Webhooks.Delete(r.Context(), okno.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
