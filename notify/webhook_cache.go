package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// How long Emit trusts what it remembers. Events are emitted inside
// every case action's transaction, and looking up who subscribed (and the
// organisations above the event's) cost as much as the rest of the action;
// subscriptions and the organisation tree change rarely.
//
// The trade-off: a subscription made or deleted on this node is seen at
// once (Subscribe and Delete forget the snapshot after they commit); one
// made on another node is heard of here within subscriptionsTTL, so
// events this node emits meanwhile do not reach it. A deleted one may be
// matched for as long on other nodes, which is harmless: deliveries check
// that their subscription is still active. An organisation moved to
// another parent has its events reach the old parent's subscribers for up
// to ancestorsTTL.
const (
	subscriptionsTTL = 10 * time.Second
	ancestorsTTL     = time.Minute
	maxAncestorCache = 10_000 // organisations remembered; the whole map is dropped when full
)

// subscription is what Emit needs of an active subscription.
type subscription struct {
	id, orgID int64
	root      bool // its organisation has no parent: it hears region-wide events
	patterns  []string
}

// subscriptionCache is a snapshot of every active subscription, and the
// organisations above those events come from.
type subscriptionCache struct {
	mu        sync.Mutex
	gen       uint64 // bumped by forget, so that a load begun before it is not kept
	subs      []subscription
	byOrg     map[int64]bool
	loadedAt  time.Time
	loaded    bool
	ancestors map[int64]ancestorEntry
}

type ancestorEntry struct {
	ids []int64
	at  time.Time
}

// forget drops the snapshot: this node changed a subscription.
func (c *subscriptionCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.loaded = false
	c.subs, c.byOrg = nil, nil
}

// active returns the snapshot of active subscriptions and the set of
// organisations that have one, reading them when the snapshot is older
// than subscriptionsTTL. The slice and map must not be changed.
func (w *Webhooks) active(ctx context.Context) ([]subscription, map[int64]bool, error) {
	c := &w.cache
	now := time.Now()
	c.mu.Lock()
	if c.loaded && now.Sub(c.loadedAt) < subscriptionsTTL && now.After(c.loadedAt) {
		subs, byOrg := c.subs, c.byOrg
		c.mu.Unlock()
		return subs, byOrg, nil
	}
	gen := c.gen
	c.mu.Unlock()
	subs, err := w.loadActive(ctx)
	if err != nil {
		return nil, nil, err
	}
	byOrg := map[int64]bool{}
	for _, s := range subs {
		byOrg[s.orgID] = true
	}
	c.mu.Lock()
	if c.gen == gen {
		c.subs, c.byOrg, c.loadedAt, c.loaded = subs, byOrg, now, true
	}
	c.mu.Unlock()
	return subs, byOrg, nil
}

// loadActive reads every active subscription, oldest first. There are at
// most maxWebhooksPerOrg per organisation.
func (w *Webhooks) loadActive(ctx context.Context) ([]subscription, error) {
	rows, err := w.cfg.DB.QueryContext(ctx, `SELECT w.id, w.org_id, w.events, o.parent_id IS NULL
		FROM webhooks w JOIN organisations o ON o.id = w.org_id WHERE w.active ORDER BY w.id`)
	if err != nil {
		return nil, fmt.Errorf("notify: active webhooks: %w", err)
	}
	defer rows.Close()
	var subs []subscription
	for rows.Next() {
		var s subscription
		var events string
		if err := rows.Scan(&s.id, &s.orgID, &events, &s.root); err != nil {
			return nil, fmt.Errorf("notify: active webhooks: %w", err)
		}
		if err := json.Unmarshal([]byte(events), &s.patterns); err != nil {
			return nil, fmt.Errorf("notify: webhook %d events: %w", s.id, err)
		}
		subs = append(subs, s)
	}
	return subs, rows.Err()
}

// ancestorsOf returns the organisations above orgID through
// cfg.Ancestors, remembered for ancestorsTTL.
func (w *Webhooks) ancestorsOf(ctx context.Context, orgID int64) ([]int64, error) {
	if w.cfg.Ancestors == nil {
		return nil, nil
	}
	c := &w.cache
	now := time.Now()
	c.mu.Lock()
	if e, ok := c.ancestors[orgID]; ok && now.Sub(e.at) < ancestorsTTL && now.After(e.at) {
		c.mu.Unlock()
		return e.ids, nil
	}
	c.mu.Unlock()
	ids, err := w.cfg.Ancestors(ctx, orgID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.ancestors == nil || len(c.ancestors) >= maxAncestorCache {
		c.ancestors = map[int64]ancestorEntry{}
	}
	c.ancestors[orgID] = ancestorEntry{ids: ids, at: now}
	c.mu.Unlock()
	return ids, nil
}
