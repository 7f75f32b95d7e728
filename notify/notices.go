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
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// NoticeTopic is the outbox topic of notices: one message per notice,
// written in the feature's transaction, fanned out to its deliveries by
// the handler Register installs.
const NoticeTopic = "notify.notice"

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
// recorded with its status. The channels are read when the notice is
// fanned out, moments after the feature's transaction commits, not in it:
// that transaction (every case action's) stays short, and the notice is
// as durable, being in the outbox the moment it commits.
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

// Register makes the notices fan out, and their deliveries run, on q.
func (ns *Notices) Register(q *outbox.Queue) {
	q.Register(NoticeTopic, ns.fanOut, outbox.MaxAttempts(deliverAttempts))
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

// Notify records n in the caller's transaction as one outbox message, so
// that the notice goes out if and only if the caller's action commits. A
// key given before is a no-op. Moments after the commit the message is
// fanned out: one delivery per channel the person chose then (see
// fanOut). {{.link}} is always the portal's base URL and n.Link, whatever
// Vars say. A notice that breaks the limits, or names a template with no
// texts for its audience, is an error, so the feature's action fails
// while it can still be fixed. A recipient whose account does not exist
// (or is deleted before the fan-out) gets no deliveries.
func (ns *Notices) Notify(ctx context.Context, tx *sqldb.Tx, n Notice) error {
	if err := ns.check(n); err != nil {
		return err
	}
	payload, err := json.Marshal(noticeMessage(n))
	if err != nil {
		return fmt.Errorf("notify: notice %s: %w", n.Key, err)
	}
	return ns.cfg.Outbox.Enqueue(ctx, tx, outbox.Message{Topic: NoticeTopic, Key: n.Key, Payload: payload})
}

// noticeMessage is a Notice as NoticeTopic carries it. Like the Notice,
// it holds no personal data: ids, a template name, values and a path.
type noticeMessage struct {
	Key      string            `json:"key"`
	UserID   int64             `json:"user_id"`
	Template string            `json:"template"`
	Audience string            `json:"audience"`
	Vars     map[string]string `json:"vars"`
	Link     string            `json:"link"`
}

// errRecipientGone is a notice whose recipient has no account (any more).
var errRecipientGone = errors.New("notify: the recipient's account does not exist")

// fanOut is the outbox handler of NoticeTopic: it reads the channels the
// person has chosen, writes a delivery on each and an outbox message per
// delivery still queued, in one transaction. Run again (a crash, a retry)
// it writes nothing twice: deliveries are unique per notice and channel,
// their messages per delivery, and only queued ones are sent.
func (ns *Notices) fanOut(ctx context.Context, m outbox.Message) error {
	var nm noticeMessage
	if err := json.Unmarshal(m.Payload, &nm); err != nil {
		return outbox.Permanent(fmt.Errorf("notify: notice: bad payload: %w", err))
	}
	n := Notice(nm)
	if err := ns.check(n); err != nil {
		return outbox.Permanent(err) // a template removed since: nothing to render
	}
	chans, err := channelsOf(ctx, ns.cfg.DB, n.UserID)
	if err != nil {
		return err
	}
	vars := n.Vars
	if vars == nil {
		vars = map[string]string{}
	}
	varsJSON, err := json.Marshal(vars)
	if err != nil {
		return outbox.Permanent(fmt.Errorf("notify: notice %s: %w", n.Key, err))
	}
	err = ns.cfg.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := ns.insertDeliveries(ctx, tx, n, chans, string(varsJSON)); err != nil {
			return err
		}
		ids, err := queuedDeliveries(ctx, tx, n.Key)
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
	})
	if errors.Is(err, errRecipientGone) {
		ns.log.InfoContext(ctx, "notify: notice to no account", "user_id", n.UserID)
		return nil
	}
	return err
}

// insertDeliveries writes n's delivery on each of chans in one statement;
// a channel the notice was given on before is left alone.
func (ns *Notices) insertDeliveries(ctx context.Context, tx *sqldb.Tx, n Notice, chans []Channel, vars string) error {
	if len(chans) == 0 {
		return nil
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
	q.WriteString(` ON CONFLICT (notice_key, channel) DO NOTHING`)
	_, err := tx.ExecContext(ctx, q.String(), args...)
	if sqldb.ViolationOf(err) == sqldb.ForeignKey {
		return fmt.Errorf("%w: %w", errRecipientGone, err)
	}
	if err != nil {
		return fmt.Errorf("notify: notice %s: %w", n.Key, err)
	}
	return nil
}

// queuedDeliveries returns the ids of the notice's deliveries not yet
// sent nor given up, in ascending order.
func queuedDeliveries(ctx context.Context, tx *sqldb.Tx, key string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM notify_deliveries WHERE notice_key = ? AND status = 'queued' ORDER BY id`, key)
	if err != nil {
		return nil, fmt.Errorf("notify: notice %s: %w", key, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("notify: notice %s: %w", key, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: notice %s: %w", key, err)
	}
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
