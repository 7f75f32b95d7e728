package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// EventTopic is the outbox topic of events: one message per event,
// written in the feature's transaction, fanned out to the subscriptions
// that hear of it by the handler Register installs.
const EventTopic = "notify.webhook.event"

// WebhookTopic is the outbox topic of webhook deliveries; Register handles it.
const WebhookTopic = "notify.webhook"

// Register makes the events fan out, and the webhook deliveries run, on q.
func (w *Webhooks) Register(q *outbox.Queue) {
	q.Register(EventTopic, w.fanOut, outbox.MaxAttempts(webhookAttempts))
	q.Register(WebhookTopic, w.deliver, outbox.MaxAttempts(webhookAttempts), outbox.Timeout(time.Minute))
}

// eventBody is the JSON every receiver gets.
type eventBody struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	CreatedAt time.Time      `json:"created_at"`
	Data      map[string]any `json:"data"`
}

// Emit records e in the caller's transaction as one outbox message, so
// that it is told if and only if the caller's action commits; the same
// key emitted again is a no-op. Moments after the commit the message is
// fanned out (see fanOut) to every subscription active then of e's
// organisation or an organisation above it whose events match e's type;
// an event of organisation 0 concerns the whole region and reaches the
// subscribers of the region's root organisations. Subscriptions are not
// looked up here, so that the caller's transaction stays short. An event
// that breaks the limits (a type like "case.answered", a key of at most
// 200 characters, a body of at most 64 KiB) is an error, so that the
// caller's action fails while it can be fixed.
func (w *Webhooks) Emit(ctx context.Context, tx *sqldb.Tx, e Event) error {
	if !eventTypeRE.MatchString(e.Type) || e.Key == "" || len(e.Key) > maxNoticeKey || !printable(e.Key) || e.OrgID < 0 {
		return okno.Wrap(okno.EINTERNAL, "notify.event_invalid", fmt.Errorf("notify: event %q of type %q", e.Key, e.Type))
	}
	data := e.Data
	if data == nil {
		data = map[string]any{}
	}
	body, err := json.Marshal(eventBody{ID: e.Key, Type: e.Type, CreatedAt: sqldb.Now(w.cfg.Now()), Data: data})
	if err != nil || len(body) > maxEventBody {
		return okno.Wrap(okno.EINTERNAL, "notify.event_invalid", fmt.Errorf("notify: event %s: body of %d bytes: %v", e.Key, len(body), err))
	}
	payload, err := json.Marshal(eventMessage{Key: e.Key, Type: e.Type, OrgID: e.OrgID, Body: body})
	if err != nil {
		return fmt.Errorf("notify: event %s: %w", e.Key, err)
	}
	return w.cfg.Outbox.Enqueue(ctx, tx, outbox.Message{Topic: EventTopic, Key: e.Key, Payload: payload})
}

// eventMessage is an event as EventTopic carries it: the body is rendered
// at Emit, so that created_at is when the event happened and every
// subscriber gets the same bytes. Like Event.Data, it holds no personal
// data.
type eventMessage struct {
	Key   string          `json:"key"`
	Type  string          `json:"type"`
	OrgID int64           `json:"org_id"`
	Body  json.RawMessage `json:"body"`
}

// fanOut is the outbox handler of EventTopic: it finds the subscriptions
// that hear of the event and writes a delivery for each, with its outbox
// message, in one transaction. Run again it writes nothing twice:
// deliveries are unique per subscription and event, their messages per
// delivery, and only queued ones are posted.
func (w *Webhooks) fanOut(ctx context.Context, m outbox.Message) error {
	var em eventMessage
	if err := json.Unmarshal(m.Payload, &em); err != nil || em.Key == "" {
		return outbox.Permanent(fmt.Errorf("notify: event: bad payload: %w", err))
	}
	subs, err := w.subscribers(ctx, em)
	if err != nil || len(subs) == 0 {
		return err
	}
	now := sqldb.Now(w.cfg.Now())
	return w.cfg.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, id := range subs {
			_, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event_key, event_type, body, status, created_at)
				VALUES (?, ?, ?, ?, 'queued', ?)
				ON CONFLICT (webhook_id, event_key) DO NOTHING`, id, em.Key, em.Type, string(em.Body), now)
			if err != nil {
				return fmt.Errorf("notify: event %s: %w", em.Key, err)
			}
			var did int64
			var status string
			err = tx.QueryRowContext(ctx, `SELECT id, status FROM webhook_deliveries WHERE webhook_id = ? AND event_key = ?`, id, em.Key).
				Scan(&did, &status)
			if err != nil {
				return fmt.Errorf("notify: event %s: %w", em.Key, err)
			}
			if status != "queued" {
				continue
			}
			payload, _ := json.Marshal(deliverPayload{Delivery: did}) // cannot fail
			err = w.cfg.Outbox.Enqueue(ctx, tx, outbox.Message{Topic: WebhookTopic, Key: "webhook:" + strconv.FormatInt(did, 10), Payload: payload})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// subscribers returns the active subscriptions that hear of e, oldest
// first: those of its organisation and the organisations above it, or of
// the root organisations for a region-wide event, whose patterns match.
func (w *Webhooks) subscribers(ctx context.Context, e eventMessage) ([]int64, error) {
	q := `SELECT w.id, w.events FROM webhooks w JOIN organisations o ON o.id = w.org_id
		WHERE w.active AND o.parent_id IS NULL ORDER BY w.id`
	var args []any
	if e.OrgID != 0 {
		orgs := []int64{e.OrgID}
		if w.cfg.Ancestors != nil {
			up, err := w.cfg.Ancestors(ctx, e.OrgID)
			if err != nil {
				return nil, fmt.Errorf("notify: event %s: organisations above %d: %w", e.Key, e.OrgID, err)
			}
			orgs = append(orgs, up...)
		}
		q = `SELECT id, events FROM webhooks WHERE active AND org_id IN (?` + strings.Repeat(", ?", len(orgs)-1) + `) ORDER BY id`
		for _, id := range orgs {
			args = append(args, id)
		}
	}
	rows, err := w.cfg.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("notify: event %s: subscriptions: %w", e.Key, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var events string
		var patterns []string
		if err := rows.Scan(&id, &events); err != nil {
			return nil, fmt.Errorf("notify: event %s: subscriptions: %w", e.Key, err)
		}
		if err := json.Unmarshal([]byte(events), &patterns); err != nil {
			return nil, fmt.Errorf("notify: webhook %d events: %w", id, err)
		}
		if matchesAny(patterns, e.Type) {
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: event %s: subscriptions: %w", e.Key, err)
	}
	return ids, nil
}

// matchesAny reports whether an event type matches one of the patterns:
// "*" matches all, "case.*" every type under "case.", anything else only
// itself.
func matchesAny(patterns []string, typ string) bool {
	for _, p := range patterns {
		if p == "*" || p == typ || (strings.HasSuffix(p, ".*") && strings.HasPrefix(typ, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// errPrivateAddress is a subscription whose host resolves inside the network.
var errPrivateAddress = errors.New("notify: webhook: the address is private or loopback")

// webhookDelivery is a queued delivery with its subscription.
type webhookDelivery struct {
	id, webhookID          int64
	status, key, typ, body string
	url                    string
	secretEnc              []byte
	active                 bool
}

// deliver is the outbox handler of WebhookTopic: it posts the event,
// signed, and records the answer. 2xx is delivered; anything else is
// retried until the attempts run out.
func (w *Webhooks) deliver(ctx context.Context, m outbox.Message) error {
	var p deliverPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil || p.Delivery <= 0 {
		return outbox.Permanent(fmt.Errorf("notify: webhook: bad payload: %w", err))
	}
	var d webhookDelivery
	err := w.cfg.DB.QueryRowContext(ctx, `SELECT d.id, d.webhook_id, d.status, d.event_key, d.event_type, d.body, w.url, w.secret_enc, w.active
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?`, p.Delivery).
		Scan(&d.id, &d.webhookID, &d.status, &d.key, &d.typ, &d.body, &d.url, &d.secretEnc, &d.active)
	if errors.Is(err, sql.ErrNoRows) {
		return outbox.Permanent(fmt.Errorf("notify: webhook delivery %d does not exist", p.Delivery))
	}
	if err != nil {
		return fmt.Errorf("notify: webhook delivery %d: %w", p.Delivery, err)
	}
	if d.status != "queued" {
		return nil
	}
	if !d.active {
		return w.record(ctx, d.id, "failed", 0, errors.New("the subscription was deleted"), false)
	}
	secret, err := w.cfg.Sealer.Open(d.secretEnc, webhookAAD(d.webhookID))
	if err != nil {
		return fmt.Errorf("notify: webhook %d secret: %w", d.webhookID, err)
	}
	code, err := w.post(ctx, d, secret)
	if errors.Is(err, errPrivateAddress) && !outbox.IsPermanent(err) {
		err = outbox.Permanent(err) // the address will not move out of the network by itself
	}
	status := "queued"
	switch {
	case err == nil:
		status = "delivered"
	case outbox.IsPermanent(err), m.Attempt+1 >= webhookAttempts:
		status = "failed"
	}
	w.log.InfoContext(ctx, "notify: webhook attempt", "delivery", d.id, "webhook", d.webhookID, "status", status, "code", code, "attempt", m.Attempt+1)
	if rerr := w.record(ctx, d.id, status, code, err, true); rerr != nil {
		return rerr
	}
	return err
}

// post sends one delivery and returns the status code it got.
func (w *Webhooks) post(ctx context.Context, d webhookDelivery, secret []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, strings.NewReader(d.body))
	if err != nil {
		return 0, outbox.Permanent(fmt.Errorf("notify: webhook %d: %w", d.webhookID, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Okno-Webhooks/1")
	req.Header.Set("Okno-Event-Id", d.key)
	req.Header.Set("Okno-Event-Type", d.typ)
	req.Header.Set("Okno-Signature", signature(secret, w.cfg.Now().Unix(), []byte(d.body)))
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("notify: webhook %d: %w", d.webhookID, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // only to reuse the connection
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("notify: webhook %d answered %d", d.webhookID, resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// record writes an attempt's outcome.
func (w *Webhooks) record(ctx context.Context, id int64, status string, code int, cause error, attempted bool) error {
	now := sqldb.Now(w.cfg.Now())
	var delivered any
	if status == "delivered" {
		delivered = now
	}
	lastError, attempt := "", 0
	if cause != nil {
		lastError = truncateRunes(cause.Error(), maxLastError)
	}
	if attempted {
		attempt = 1
	}
	_, err := w.cfg.DB.ExecContext(ctx, `UPDATE webhook_deliveries
		SET status = ?, attempts = attempts + ?, last_status_code = ?, last_error = ?, delivered_at = ?
		WHERE id = ? AND status = 'queued'`, status, attempt, code, lastError, delivered, id)
	if err != nil {
		return fmt.Errorf("notify: record webhook delivery %d: %w", id, err)
	}
	return nil
}

// guardedClient posts webhooks with timeouts, no proxy (a proxy would
// dial for us, past the guard) and, unless allowPrivate, a dialer that
// refuses private and loopback addresses after name resolution.
func guardedClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || privateAddr(ap.Addr()) {
				return errPrivateAddress
			}
			return nil
		}
	}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 20 * time.Second,
			MaxIdleConns:          20,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
	}
}

// reservedNets are ranges that are neither private nor loopback by Go's
// reckoning yet never a receiver on the Internet.
var reservedNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this" network
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
}

// privateAddr reports whether a is not a public unicast address.
func privateAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return true
	}
	for _, p := range reservedNets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// signature is the Okno-Signature header: the time and the HMAC-SHA256 of
// "<time>.<body>" under the subscription's secret, as receivers check it
// (VerifySignature).
func signature(secret []byte, unix int64, body []byte) string {
	t := strconv.FormatInt(unix, 10)
	return "t=" + t + ",v1=" + hex.EncodeToString(mac(secret, t, body))
}

func mac(secret []byte, t string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(t))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Errors of VerifySignature.
var (
	ErrSignatureInvalid = errors.New("notify: webhook signature does not match")
	ErrSignatureExpired = errors.New("notify: webhook signature is too old or from the future")
)

// VerifySignature checks an Okno-Signature header against the body a
// receiver got and the secret it was given: the HMAC must match one of the
// v1 values (a header may carry several while a secret is being replaced)
// and the time must be within tolerance of now, so that a captured request
// cannot be replayed later. A tolerance of 0 skips the time check. It is
// what receivers run, and what Okno's tests run.
func VerifySignature(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if len(header) > 1024 {
		return ErrSignatureInvalid
	}
	var t string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			t = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	unix, err := strconv.ParseInt(t, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignatureInvalid
	}
	want := mac([]byte(secret), t, body)
	if !slices.ContainsFunc(sigs, func(s []byte) bool { return hmac.Equal(s, want) }) {
		return ErrSignatureInvalid
	}
	if d := now.Sub(time.Unix(unix, 0)); tolerance > 0 && (d > tolerance || d < -tolerance) {
		return ErrSignatureExpired
	}
	return nil
}
