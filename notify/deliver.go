package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// errNoAddress is a person without an address on a delivery's channel.
var errNoAddress = errors.New("no address on this channel")

// pending is a queued delivery with what it needs to be rendered.
type pending struct {
	Delivery
	audience, vars, link string
}

// deliver is the outbox handler of DeliverTopic: it renders the delivery
// in the person's language, looks up their address, sends, and records
// the outcome. A delivery already sent or failed is left alone, so a
// message run twice sends once as far as the table can tell.
func (ns *Notices) deliver(ctx context.Context, m outbox.Message) error {
	var p deliverPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil || p.Delivery <= 0 {
		return outbox.Permanent(fmt.Errorf("notify: deliver: bad payload: %w", err))
	}
	var d pending
	var err error
	d.Delivery, err = scanDelivery(ns.cfg.DB.QueryRowContext(ctx, `SELECT `+deliveryColumns+`, audience, vars, link
		FROM notify_deliveries WHERE id = ?`, p.Delivery), &d.audience, &d.vars, &d.link)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the person's account was deleted, and its deliveries with it
	}
	if err != nil {
		return fmt.Errorf("notify: deliver %d: %w", p.Delivery, err)
	}
	if d.Status != DeliveryQueued {
		return nil
	}
	msg, err := ns.compose(ctx, d)
	switch {
	case errors.Is(err, errNoAddress):
		// Not a fault to retry nor a dead letter: the person has no phone
		// or e-mail. The failure is recorded for them and support to see.
		return ns.record(ctx, d.ID, DeliveryFailed, err, "")
	case err != nil && isPermanent(err):
		return ns.settle(ctx, d.ID, DeliveryFailed, err, "")
	case err != nil:
		return err // the contacts or the database failed: try again
	}
	err = ns.cfg.Sender.Send(ctx, msg)
	status := DeliveryQueued
	switch {
	case err == nil:
		status = DeliverySent
	case isPermanent(err), m.Attempt+1 >= deliverAttempts:
		status = DeliveryFailed
	}
	ns.log.InfoContext(ctx, "notify: delivery attempt", "delivery", d.ID, "channel", string(d.Channel),
		"user_id", d.UserID, "status", string(status), "attempt", m.Attempt+1)
	return ns.settle(ctx, d.ID, status, err, msg.To)
}

// settle records an attempt and tells the outbox what to do next: nothing
// after a success, give up after a permanent failure, retry otherwise.
func (ns *Notices) settle(ctx context.Context, id int64, status DeliveryStatus, cause error, to string) error {
	if err := ns.record(ctx, id, status, cause, to); err != nil {
		return err
	}
	if cause != nil && isPermanent(cause) && !outbox.IsPermanent(cause) {
		return outbox.Permanent(cause)
	}
	return cause
}

// compose renders a delivery and addresses it.
func (ns *Notices) compose(ctx context.Context, d pending) (Message, error) {
	vars := map[string]string{}
	if err := json.Unmarshal([]byte(d.vars), &vars); err != nil {
		return Message{}, outbox.Permanent(fmt.Errorf("notify: delivery %d vars: %w", d.ID, err))
	}
	link := d.link
	if link == "" {
		link = "/"
	}
	vars["link"] = ns.base + link
	lang := ns.cfg.Contacts.Language(ctx, d.UserID)
	subject, body, err := ns.cfg.Templates.Render(d.Template, d.audience, string(d.Channel), lang, vars)
	if err != nil {
		return Message{}, outbox.Permanent(err)
	}
	msg := Message{Channel: d.Channel, UserID: d.UserID, Subject: subject, Body: body}
	if d.Channel == ChannelCabinet {
		return msg, nil // the inbox is found by user ID
	}
	msg.To, err = ns.cfg.Contacts.Contact(ctx, d.UserID, d.Channel)
	if okno.IsCode(err, okno.ENOTFOUND) || (err == nil && strings.TrimSpace(msg.To) == "") {
		return Message{}, errNoAddress
	}
	if err != nil {
		return Message{}, fmt.Errorf("notify: delivery %d contact: %w", d.ID, err)
	}
	return msg, nil
}

// isPermanent reports whether retrying err cannot help: the outbox says so,
// the sender could never carry the message (invalid), or the gateway
// refused it for good (an SMTP 5xx, an SMSC's permanent status).
func isPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return outbox.IsPermanent(err) || okno.IsCode(err, okno.EINVALID) || (errors.As(err, &p) && p.Permanent())
}

// record writes an attempt's outcome. cause is stored without the
// recipient's address, which some errors might echo.
func (ns *Notices) record(ctx context.Context, id int64, status DeliveryStatus, cause error, to string) error {
	now := sqldb.Now(ns.cfg.Now())
	var sent any
	if status == DeliverySent {
		sent = now
	}
	lastError := ""
	if cause != nil {
		lastError = safeError(cause, to)
	}
	// A delivery without an address was never attempted on a channel.
	attempt := 1
	if errors.Is(cause, errNoAddress) {
		attempt = 0
	}
	_, err := ns.cfg.DB.ExecContext(ctx, `UPDATE notify_deliveries
		SET status = ?, attempts = attempts + ?, last_error = ?, updated_at = ?, sent_at = ?
		WHERE id = ? AND status = 'queued'`, string(status), attempt, lastError, now, sent, id)
	if err != nil {
		return fmt.Errorf("notify: record delivery %d: %w", id, err)
	}
	return nil
}

// maxLastError bounds a stored error.
const maxLastError = 500

// safeError is err's text for the table and the logs: without the
// recipient's address, and short.
func safeError(err error, to string) string {
	s := err.Error()
	if to = strings.TrimSpace(to); to != "" {
		s = strings.ReplaceAll(s, to, "[recipient]")
	}
	return truncateRunes(s, maxLastError)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
