package notify

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// Admins decides who manages an organisation's subscriptions;
// *org.Service implements it.
type Admins interface {
	CanAdminister(ctx context.Context, actor okno.Actor, orgID int64) (bool, error)
}

// WebhooksConfig is what Webhooks is built from.
type WebhooksConfig struct {
	DB     *sqldb.DB
	Outbox outbox.Enqueuer
	Sealer vault.Sealer // seals the signing secrets at rest
	Audit  audit.Appender
	Admins Admins
	// Ancestors returns the organisations above orgID (in any order): their
	// subscribers hear of the events of every organisation below them. Nil
	// means only an event's own organisation is told.
	Ancestors func(ctx context.Context, orgID int64) ([]int64, error)
	// Client posts the events. Nil means a client with timeouts whose
	// dialer refuses private and loopback addresses (unless AllowPrivate),
	// checked on the address actually dialled, so that DNS cannot point a
	// subscription inside the network. A given client is used as it is,
	// except that redirects are never followed.
	Client *http.Client
	// AllowPrivate admits plain http and private or loopback addresses:
	// tests and development only.
	AllowPrivate bool
	Rand         io.Reader // secrets; nil is crypto/rand
	Now          func() time.Time
	Logger       *slog.Logger // nil discards
}

// Webhooks tells other systems (the regional control centre, a registry)
// what happened, by posting signed JSON to the addresses their
// organisation subscribed. Each event goes to each matching subscription
// once, from the outbox, retried until the receiver answers 2xx. Who
// subscribed is looked up when the event is fanned out, moments after the
// emitting transaction commits, so a subscription made or deleted on any
// node counts from then on.
type Webhooks struct {
	cfg    WebhooksConfig
	client *http.Client
	log    *slog.Logger
}

// Subscription is one organisation's order for events at an address.
type Subscription struct {
	ID        int64
	OrgID     int64
	URL       string
	Events    []string // event types or patterns: "case.answered", "case.*", "*"
	Active    bool
	CreatedAt time.Time
	CreatedBy string // actor ref
}

// Limits on subscriptions and events.
const (
	maxWebhooksPerOrg = 20
	maxWebhookEvents  = 20
	maxWebhookURL     = 2000
	maxEventBody      = 64 << 10
	webhookAttempts   = 12 // about three hours of the outbox's backoff
)

var (
	eventTypeRE    = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
	eventPatternRE = regexp.MustCompile(`^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$`)
)

// NewWebhooks returns the webhooks service. Register its outbox handler
// with Register.
func NewWebhooks(cfg WebhooksConfig) *Webhooks {
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client := cfg.Client
	if client == nil {
		client = guardedClient(cfg.AllowPrivate)
	} else {
		c := *client
		client = &c
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Webhooks{cfg: cfg, client: client, log: log}
}

func webhookAAD(id int64) string { return "webhooks.secret_enc:" + strconv.FormatInt(id, 10) }

// Subscribe orders events of the given types for orgID at url and returns
// the signing secret — shown this once, sealed at rest — with the
// subscription. The address must be https (http only where private
// addresses are allowed) and must not name a private or loopback host.
// Errors: EFORBIDDEN unless actor administers orgID; EINVALID on fields
// "url" and "events", or when the organisation has 20 subscriptions.
func (w *Webhooks) Subscribe(ctx context.Context, actor okno.Actor, orgID int64, rawURL string, events []string) (string, Subscription, error) {
	if err := w.authorize(ctx, actor, orgID); err != nil {
		return "", Subscription{}, err
	}
	u, events, err := w.checkSubscription(rawURL, events)
	if err != nil {
		return "", Subscription{}, err
	}
	b := make([]byte, 32)
	if _, err := io.ReadFull(w.cfg.Rand, b); err != nil {
		return "", Subscription{}, fmt.Errorf("notify: webhook secret: %w", err)
	}
	secret := "whsec_" + base64.RawURLEncoding.EncodeToString(b)
	s := Subscription{OrgID: orgID, URL: u, Events: events, Active: true, CreatedAt: sqldb.Now(w.cfg.Now()), CreatedBy: actor.Ref()}
	eventsJSON, _ := json.Marshal(events) // strings: cannot fail
	err = w.cfg.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM webhooks WHERE org_id = ? AND active`, orgID).Scan(&n); err != nil {
			return err
		}
		if n >= maxWebhooksPerOrg {
			return okno.Errorf(okno.EINVALID, "notify.webhook_too_many", maxWebhooksPerOrg)
		}
		// The row comes first so that the secret can be bound to its id.
		err := tx.QueryRowContext(ctx, `INSERT INTO webhooks (org_id, url, secret_enc, events, active, created_at, created_by)
			VALUES (?, ?, ?, ?, TRUE, ?, ?) RETURNING id`, orgID, s.URL, []byte{}, string(eventsJSON), s.CreatedAt, s.CreatedBy).Scan(&s.ID)
		if sqldb.ViolationOf(err) == sqldb.ForeignKey {
			return okno.Wrap(okno.ENOTFOUND, "org.not_found", err)
		}
		if err != nil {
			return err
		}
		sealed, err := w.cfg.Sealer.Seal([]byte(secret), webhookAAD(s.ID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET secret_enc = ? WHERE id = ?`, sealed, s.ID); err != nil {
			return err
		}
		return w.audit(ctx, tx, actor, "notify.webhook_subscribe", nil, &s)
	})
	if err != nil {
		return "", Subscription{}, fmt.Errorf("notify: subscribe: %w", err)
	}
	return secret, s, nil
}

// checkSubscription validates and normalises an address and event list.
func (w *Webhooks) checkSubscription(rawURL string, events []string) (string, []string, error) {
	var fe okno.FieldErrors
	u, err := url.Parse(strings.TrimSpace(rawURL))
	switch {
	case err != nil || len(rawURL) > maxWebhookURL || !u.IsAbs() || u.Host == "" || u.User != nil || u.Fragment != "" || !printable(rawURL):
		fe.Add("url", "notify.webhook_url_invalid", maxWebhookURL)
	case u.Scheme != "https" && !(u.Scheme == "http" && (w.cfg.AllowPrivate || isLoopback(u.Hostname()))):
		fe.Add("url", "notify.webhook_url_https")
	case !w.cfg.AllowPrivate && privateHost(u.Hostname()):
		fe.Add("url", "notify.webhook_url_private")
	}
	var clean []string
	for _, e := range events {
		if e = strings.TrimSpace(e); !eventPatternRE.MatchString(e) || len(e) > 100 {
			fe.Add("events", "notify.webhook_event_invalid", e)
			break
		}
		if !slices.Contains(clean, e) {
			clean = append(clean, e)
		}
	}
	switch {
	case len(events) == 0:
		fe.Add("events", "notify.webhook_events_missing")
	case len(clean) > maxWebhookEvents:
		fe.Add("events", "notify.webhook_events_too_many", maxWebhookEvents)
	}
	if err := fe.Err(); err != nil {
		return "", nil, err
	}
	slices.Sort(clean)
	return u.String(), clean, nil
}

// privateHost reports whether a URL's host is obviously internal: a
// private or loopback IP literal, or localhost. Names are checked again on
// the address dialled.
func privateHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && privateAddr(a)
}

// List returns the active subscriptions of orgID, oldest first. Errors:
// EFORBIDDEN unless actor administers orgID.
func (w *Webhooks) List(ctx context.Context, actor okno.Actor, orgID int64) ([]Subscription, error) {
	if err := w.authorize(ctx, actor, orgID); err != nil {
		return nil, err
	}
	rows, err := w.cfg.DB.QueryContext(ctx, `SELECT id, org_id, url, events, active, created_at, created_by
		FROM webhooks WHERE org_id = ? AND active ORDER BY id LIMIT ?`, orgID, maxWebhooksPerOrg)
	if err != nil {
		return nil, fmt.Errorf("notify: webhooks of %d: %w", orgID, err)
	}
	defer rows.Close()
	subs := []Subscription{}
	for rows.Next() {
		s, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("notify: webhooks of %d: %w", orgID, err)
		}
		subs = append(subs, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: webhooks of %d: %w", orgID, err)
	}
	return subs, nil
}

func scanSubscription(sc interface{ Scan(...any) error }) (Subscription, error) {
	var s Subscription
	var events string
	if err := sc.Scan(&s.ID, &s.OrgID, &s.URL, &events, &s.Active, &s.CreatedAt, &s.CreatedBy); err != nil {
		return Subscription{}, err
	}
	s.CreatedAt = s.CreatedAt.UTC()
	return s, json.Unmarshal([]byte(events), &s.Events)
}

// Delete ends a subscription at once; events not yet delivered to it are
// dropped. Its row stays for the history of its deliveries. Errors:
// ENOTFOUND "notify.webhook_not_found" when there is no such active
// subscription or actor may not administer its organisation (never
// telling the two apart).
func (w *Webhooks) Delete(ctx context.Context, actor okno.Actor, id int64) error {
	notFound := okno.Errorf(okno.ENOTFOUND, "notify.webhook_not_found")
	return w.cfg.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		s, err := scanSubscription(tx.QueryRowContext(ctx, `SELECT id, org_id, url, events, active, created_at, created_by
			FROM webhooks WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !s.Active) {
			return notFound
		}
		if err != nil {
			return fmt.Errorf("notify: delete webhook %d: %w", id, err)
		}
		if err := w.authorize(ctx, actor, s.OrgID); okno.IsCode(err, okno.EFORBIDDEN) {
			return notFound
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET active = FALSE WHERE id = ?`, id); err != nil {
			return fmt.Errorf("notify: delete webhook %d: %w", id, err)
		}
		before := s
		s.Active = false
		return w.audit(ctx, tx, actor, "notify.webhook_delete", &before, &s)
	})
}

// authorize is the one rule of who manages subscriptions: those who
// administer the organisation.
func (w *Webhooks) authorize(ctx context.Context, actor okno.Actor, orgID int64) error {
	ok, err := w.cfg.Admins.CanAdminister(ctx, actor, orgID)
	if err != nil {
		return err
	}
	if !ok {
		return okno.Errorf(okno.EFORBIDDEN, "error.forbidden")
	}
	return nil
}

// audit appends a subscription's change; the digest leaves out nothing
// secret because the secret is not part of a Subscription.
func (w *Webhooks) audit(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, before, after *Subscription) error {
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "webhook", ObjectID: strconv.FormatInt(after.ID, 10), After: audit.Digest(after)}
	if before != nil {
		e.Before = audit.Digest(before)
	}
	_, err := w.cfg.Audit.Append(ctx, tx, e)
	return err
}
