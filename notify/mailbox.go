package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// MailboxMessage is one message caught by the demo mailbox, decrypted.
type MailboxMessage struct {
	ID        int64
	Channel   Channel
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
}

// Mailbox is the DEMO/DEVELOPMENT mailbox: it catches e-mail, SMS and post
// that an installation without an SMTP relay or an SMS gateway cannot send,
// and shows them on the demo page, so that a new user can sign up with a code
// "sent" to them. A production installation must not route real citizens'
// messages here: anyone who can see the demo page sees every message.
//
// Recipients and bodies (codes, addresses) are sealed with the vault and
// bound to their row; recipients also get a blind index for lookups. Subjects
// are stored in plain text and so must hold no personal data.
type Mailbox struct {
	db  *sqldb.DB
	v   vault.Sealer
	now func() time.Time
}

// NewMailbox returns the demo mailbox on db, sealing with v; now stamps messages.
func NewMailbox(db *sqldb.DB, v vault.Sealer, now func() time.Time) *Mailbox {
	return &Mailbox{db: db, v: v, now: now}
}

// SealedColumns lists notify's vault-sealed columns — the demo mailbox's
// recipients and bodies, the webhooks' signing secrets — for key rotation.
func SealedColumns() []vault.Column {
	return []vault.Column{
		{Table: "demo_mailbox", IDColumn: "id", Column: "recipient_enc"},
		{Table: "demo_mailbox", IDColumn: "id", Column: "body_enc"},
		{Table: "webhooks", IDColumn: "id", Column: "secret_enc"},
	}
}

// mailboxIndexDomain separates the mailbox's blind indexes from those of
// accounts, so that the two tables cannot be joined on them.
const mailboxIndexDomain = "demo_mailbox.recipient"

// normaliseRecipient makes lookups by recipient ignore case and surrounding
// space; callers normalise phone numbers and addresses further themselves.
func normaliseRecipient(to string) string { return strings.ToLower(strings.TrimSpace(to)) }

func mailboxAAD(column string, id int64) string {
	return "demo_mailbox." + column + ":" + strconv.FormatInt(id, 10)
}

// Send stores an e-mail, SMS or letter in the demo mailbox.
func (mb *Mailbox) Send(ctx context.Context, m Message) error {
	if err := requireChannel(m, ChannelEmail, ChannelSMS, ChannelPost); err != nil {
		return err
	}
	if strings.TrimSpace(m.To) == "" {
		return okno.Errorf(okno.EINVALID, "notify.recipient_missing")
	}
	bidx := mb.v.BlindIndex(mailboxIndexDomain, normaliseRecipient(m.To))
	err := mb.db.InTx(ctx, func(tx *sqldb.Tx) error {
		// The row is inserted first so that the sealed values can be bound
		// to its id; both statements commit together.
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO demo_mailbox (channel, recipient_enc, recipient_bidx, subject, body_enc, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			string(m.Channel), []byte{}, bidx, m.Subject, []byte{}, sqldb.Now(mb.now())).Scan(&id)
		if err != nil {
			return err
		}
		to, err := mb.v.Seal([]byte(m.To), mailboxAAD("recipient_enc", id))
		if err != nil {
			return err
		}
		body, err := mb.v.Seal([]byte(m.Body), mailboxAAD("body_enc", id))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE demo_mailbox SET recipient_enc = ?, body_enc = ? WHERE id = ?`, to, body, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("notify: demo mailbox: %w", err)
	}
	return nil
}

// List returns the newest messages first, at most limit (1..100; other
// values mean 20), decrypted for the demo page.
func (mb *Mailbox) List(ctx context.Context, limit int) ([]MailboxMessage, error) {
	return mb.list(ctx, `SELECT id, channel, recipient_enc, subject, body_enc, created_at
		FROM demo_mailbox ORDER BY id DESC LIMIT ?`, limit)
}

// ListFor returns the newest messages to one recipient first (same limits as
// List), found by blind index: "show me the code sent to my address".
func (mb *Mailbox) ListFor(ctx context.Context, to string, limit int) ([]MailboxMessage, error) {
	bidx := mb.v.BlindIndex(mailboxIndexDomain, normaliseRecipient(to))
	return mb.list(ctx, `SELECT id, channel, recipient_enc, subject, body_enc, created_at
		FROM demo_mailbox WHERE recipient_bidx = ? ORDER BY id DESC LIMIT ?`, limit, bidx)
}

func (mb *Mailbox) list(ctx context.Context, query string, limit int, args ...any) ([]MailboxMessage, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := mb.db.QueryContext(ctx, query, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("notify: demo mailbox list: %w", err)
	}
	defer rows.Close()
	ms := []MailboxMessage{}
	for rows.Next() {
		var m MailboxMessage
		var to, body []byte
		if err := rows.Scan(&m.ID, &m.Channel, &to, &m.Subject, &body, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("notify: demo mailbox list: %w", err)
		}
		pt, err := mb.v.Open(to, mailboxAAD("recipient_enc", m.ID))
		if err != nil {
			return nil, fmt.Errorf("notify: demo mailbox message %d recipient: %w", m.ID, err)
		}
		m.To = string(pt)
		if pt, err = mb.v.Open(body, mailboxAAD("body_enc", m.ID)); err != nil {
			return nil, fmt.Errorf("notify: demo mailbox message %d body: %w", m.ID, err)
		}
		m.Body = string(pt)
		m.CreatedAt = m.CreatedAt.UTC()
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: demo mailbox list: %w", err)
	}
	return ms, nil
}
