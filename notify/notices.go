package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// DeliverTopic is the outbox topic of notice deliveries; Register handles it.
const DeliverTopic = "notify.deliver"

// deliverAttempts is how many times a delivery is tried before it is
// recorded as failed: the outbox's default spread, about an hour and a half.
const deliverAttempts = 10

// DeliveryStatus is what became of a notice on one channel.
type DeliveryStatus string

// The delivery statuses.
const (
	DeliveryQueued DeliveryStatus = "queued" // waiting for its first or next attempt
	DeliverySent   DeliveryStatus = "sent"   // the channel accepted it
	DeliveryFailed DeliveryStatus = "failed" // given up: LastError says why
)

// Delivery is one notice on one channel, for the case page and support.
type Delivery struct {
	ID        int64
	NoticeKey string
	Channel   Channel
	UserID    int64
	Template  string
	Status    DeliveryStatus
	Attempts  int
	LastError string // why the last attempt failed; never personal data
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time // zero until sent
}

// Contacts gives the addresses and language of a person at delivery time,
// so that notices never carry them and a changed address is used at once;
// identity implements it. An empty address, or an error with code
// not_found, means the person has none on that channel.
type Contacts interface {
	Contact(ctx context.Context, userID int64, ch Channel) (address string, err error)
	Language(ctx context.Context, userID int64) string // "ru" or "en"
}

// NoticesConfig is what Notices is built from.
type NoticesConfig struct {
	DB        *sqldb.DB
	Outbox    outbox.Enqueuer
	Templates *Templates
	Contacts  Contacts
	Sender    Sender // a Router: cabinet, e-mail, SMS
	BaseURL   string // the portal's absolute address, e.g. "https://okno.spb.example": {{.link}} starts with it
	Now       func() time.Time
	Logger    *slog.Logger // nil discards
}

// Notices turns a feature's Notice into one delivery per channel the
// person chose, each carried out from the outbox: rendered in the person's
// language, addressed at delivery time, retried when a gateway fails, and
// recorded with its status.
type Notices struct {
	cfg  NoticesConfig
	base string
	log  *slog.Logger
}

// NewNotices checks cfg and returns the notices service. Register its
// outbox handler with Register.
func NewNotices(cfg NoticesConfig) (*Notices, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("notify: base URL %q: want an absolute http(s) address without query, like https://okno.region.example", cfg.BaseURL)
	}
	if cfg.DB == nil || cfg.Outbox == nil || cfg.Templates == nil || cfg.Contacts == nil || cfg.Sender == nil || cfg.Now == nil {
		return nil, errors.New("notify: notices need a database, an outbox, templates, contacts, a sender and a clock")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notices{cfg: cfg, base: strings.TrimRight(u.String(), "/"), log: log}, nil
}

// Register makes the deliveries run on q.
func (ns *Notices) Register(q *outbox.Queue) {
	q.Register(DeliverTopic, ns.deliver, outbox.MaxAttempts(deliverAttempts))
}

// Has reports whether a template has texts for audience ("applicant",
// "staff"), so that a feature can fall back to a generic template when a
// process an administrator published brings none of its own.
func (ns *Notices) Has(template, audience string) bool {
	return ns.cfg.Templates.Has(template, audience)
}

// Limits on a notice: it is built by code, but it travels through tables.
const (
	maxNoticeKey  = 200
	maxNoticeVars = 32
	maxNoticeVar  = 500 // characters per value
	maxNoticeLink = 500
)

var noticeVarRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Notify records n in the caller's transaction: one delivery per channel
// the person chose, each with an outbox message, so that the notice goes
// out if and only if the caller's action commits. A key given before is a
// no-op. {{.link}} is always the portal's base URL and n.Link, whatever
// Vars say. A notice that breaks the limits, or names a template with no
// texts for its audience, is an error, so the feature's action fails
// while it can still be fixed.
func (ns *Notices) Notify(ctx context.Context, tx *sqldb.Tx, n Notice) error {
	if err := ns.check(n); err != nil {
		return err
	}
	chans, err := channelsOf(ctx, tx, n.UserID)
	if err != nil {
		return err
	}
	vars := n.Vars
	if vars == nil {
		vars = map[string]string{}
	}
	varsJSON, err := json.Marshal(vars)
	if err != nil {
		return fmt.Errorf("notify: notice %s: %w", n.Key, err)
	}
	ids, err := ns.insertDeliveries(ctx, tx, n, chans, string(varsJSON))
	if err != nil {
		return err
	}
	for _, id := range ids {
		payload, _ := json.Marshal(deliverPayload{Delivery: id}) // cannot fail
		err = ns.cfg.Outbox.Enqueue(ctx, tx, outbox.Message{Topic: DeliverTopic, Key: "delivery:" + strconv.FormatInt(id, 10), Payload: payload})
		if err != nil {
			return err
		}
	}
	return nil
}

// insertDeliveries writes n's delivery on each of chans in one statement
// (a notice's deliveries are written by every case action, in its
// transaction) and returns the ids of those that are new, in ascending
// order: a channel the notice was given on before is left alone.
func (ns *Notices) insertDeliveries(ctx context.Context, tx *sqldb.Tx, n Notice, chans []Channel, vars string) ([]int64, error) {
	if len(chans) == 0 {
		return nil, nil
	}
	now := sqldb.Now(ns.cfg.Now())
	var q strings.Builder
	q.WriteString(`INSERT INTO notify_deliveries
		(notice_key, channel, user_id, template, audience, vars, link, status, created_at, updated_at) VALUES `)
	args := make([]any, 0, 9*len(chans))
	for i, ch := range chans {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(`(?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`)
		args = append(args, n.Key, string(ch), n.UserID, n.Template, n.Audience, vars, n.Link, now, now)
	}
	q.WriteString(` ON CONFLICT (notice_key, channel) DO NOTHING RETURNING id`)
	rows, err := tx.QueryContext(ctx, q.String(), args...)
	if sqldb.ViolationOf(err) == sqldb.ForeignKey {
		return nil, okno.Wrap(okno.EINVALID, "notify.recipient_missing", err)
	}
	if err != nil {
		return nil, fmt.Errorf("notify: notice %s: %w", n.Key, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("notify: notice %s: %w", n.Key, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); sqldb.ViolationOf(err) == sqldb.ForeignKey {
		return nil, okno.Wrap(okno.EINVALID, "notify.recipient_missing", err)
	} else if err != nil {
		return nil, fmt.Errorf("notify: notice %s: %w", n.Key, err)
	}
	slices.Sort(ids)
	return ids, nil
}

// deliverPayload is a delivery's outbox message: the row holds the rest.
type deliverPayload struct {
	Delivery int64 `json:"delivery"`
}

// check enforces a notice's limits.
func (ns *Notices) check(n Notice) error {
	bad := func(format string, args ...any) error {
		return okno.Wrap(okno.EINTERNAL, "notify.notice_invalid", fmt.Errorf("notify: notice %q: "+format, append([]any{n.Key}, args...)...))
	}
	switch {
	case n.Key == "" || len(n.Key) > maxNoticeKey || !printable(n.Key):
		return bad("key must be 1 to %d printable characters", maxNoticeKey)
	case n.UserID <= 0:
		return okno.Errorf(okno.EINVALID, "notify.recipient_missing")
	case !ns.cfg.Templates.Has(n.Template, n.Audience):
		return okno.Wrap(okno.EINTERNAL, "notify.template_missing", fmt.Errorf("notify: no template %s for %s", n.Template, n.Audience))
	case len(n.Vars) > maxNoticeVars:
		return bad("more than %d vars", maxNoticeVars)
	case len(n.Link) > maxNoticeLink || !printable(n.Link) || strings.ContainsAny(n.Link, " \\") ||
		(n.Link != "" && (!strings.HasPrefix(n.Link, "/") || strings.HasPrefix(n.Link, "//"))):
		return bad("link must be a path on the portal")
	}
	for k, v := range n.Vars {
		if !noticeVarRE.MatchString(k) {
			return bad("var %q: names are lower-case words", k)
		}
		if utf8.RuneCountInString(v) > maxNoticeVar || !utf8.ValidString(v) {
			return bad("var %q is longer than %d characters", k, maxNoticeVar)
		}
	}
	return nil
}

func printable(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

const deliveryColumns = `id, notice_key, channel, user_id, template, status, attempts, last_error, created_at, updated_at, sent_at`

func scanDelivery(sc interface{ Scan(...any) error }, extra ...any) (Delivery, error) {
	var d Delivery
	var sent sql.NullTime
	err := sc.Scan(append([]any{&d.ID, &d.NoticeKey, &d.Channel, &d.UserID, &d.Template, &d.Status, &d.Attempts, &d.LastError,
		&d.CreatedAt, &d.UpdatedAt, &sent}, extra...)...)
	d.CreatedAt, d.UpdatedAt, d.SentAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), sent.Time.UTC()
	if !sent.Valid {
		d.SentAt = time.Time{}
	}
	return d, err
}

// maxDeliveries bounds one Deliveries answer: a case's notices are tens.
const maxDeliveries = 500

// Deliveries returns the deliveries of the notices whose key starts with
// noticeKeyPrefix (a case's: "case:12:"), oldest first, at most 500. The
// prefix must not be empty: all deliveries are not a list anyone reads.
func (ns *Notices) Deliveries(ctx context.Context, noticeKeyPrefix string) ([]Delivery, error) {
	end := prefixEnd(noticeKeyPrefix)
	if len(noticeKeyPrefix) > maxNoticeKey || !utf8.ValidString(noticeKeyPrefix) || end == "" {
		return nil, okno.Errorf(okno.EINVALID, "notify.prefix_invalid")
	}
	// A range, not LIKE: both engines walk the unique index for it, and
	// "_" or "%" in a key mean nothing special.
	rows, err := ns.cfg.DB.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries
		WHERE notice_key >= ? AND notice_key < ? ORDER BY id LIMIT ?`,
		noticeKeyPrefix, end, maxDeliveries)
	if err != nil {
		return nil, fmt.Errorf("notify: deliveries: %w", err)
	}
	defer rows.Close()
	ds := []Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("notify: deliveries: %w", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: deliveries: %w", err)
	}
	return ds, nil
}

// prefixEnd is the least string above every string that starts with p, in
// byte order (which for UTF-8 is code point order): p with its last
// character incremented.
func prefixEnd(p string) string {
	for p != "" {
		r, size := utf8.DecodeLastRuneInString(p)
		p = p[:len(p)-size]
		if r < utf8.MaxRune {
			next := r + 1
			if next == 0xD800 { // skip the surrogates, which UTF-8 cannot hold
				next = 0xE000
			}
			return p + string(next)
		}
	}
	return "" // p was all U+10FFFF: nothing is above it
}
