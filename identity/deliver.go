package identity

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
)

// Message is a text to one person, shaped like notify.Message so that
// cmd/okno adapts a notify.Sender with a field-by-field copy (the Channel
// types differ, so Go does not allow a plain conversion).
type Message struct {
	Channel Channel
	To      string // e-mail address, "+7…" phone or postal address: personal data
	UserID  int64
	Subject string
	Body    string
}

// Sender delivers a Message. An *okno.Error with code invalid means the
// message can never be delivered; other errors are retried.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// DeliverHandler returns the outbox handler of topic "identity.deliver": it
// opens the recipient's address and the sealed code, renders the text and
// hands it to sender. A code that has been used, replaced or has expired
// by the time the message runs is not sent: it could only confuse.
// Register it with the outbox under DeliverTopic.
func DeliverHandler(svc *Service, sender Sender) outbox.Handler {
	return func(ctx context.Context, m outbox.Message) error {
		var d delivery
		if err := json.Unmarshal(m.Payload, &d); err != nil {
			return outbox.Permanent(fmt.Errorf("identity: deliver: payload: %w", err))
		}
		msg, send, err := svc.render(ctx, d)
		if err != nil || !send {
			return err
		}
		if err := sender.Send(ctx, msg); err != nil {
			if okno.IsCode(err, okno.EINVALID) {
				return outbox.Permanent(err)
			}
			return err
		}
		svc.opts.Logger.InfoContext(ctx, "identity: delivered", "user_id", d.UserID, "channel", string(d.Channel), "kind", d.Kind)
		return nil
	}
}

// DeliverTopic is the outbox topic of messages to people.
const DeliverTopic = deliverTopic

// render builds the message of a delivery, or send=false when there is
// nothing worth sending any more.
func (s *Service) render(ctx context.Context, d delivery) (Message, bool, error) {
	column := map[Channel]string{ChannelEmail: "email_enc", ChannelSMS: "phone_enc", ChannelPost: "address_enc"}[d.Channel]
	if column == "" {
		return Message{}, false, outbox.Permanent(fmt.Errorf("identity: deliver: unknown channel %q", d.Channel))
	}
	var sealed []byte
	err := s.db.QueryRowContext(ctx, `SELECT `+column+` FROM users WHERE id = ?`, d.UserID).Scan(&sealed)
	if err != nil || sealed == nil {
		// The account is gone or has no address on this channel any more.
		return Message{}, false, outbox.Permanent(errors.Join(errors.New("identity: deliver: no recipient"), err))
	}
	to, err := s.vault.Open(sealed, aad(column, d.UserID))
	if err != nil {
		return Message{}, false, err
	}
	t := s.opts.Translate
	msg := Message{Channel: d.Channel, To: string(to), UserID: d.UserID}
	if d.Kind == deliverExists {
		msg.Subject, msg.Body = t("identity.msg_exists_subject"), t("identity.msg_exists_body")
		return msg, true, nil
	}
	if live, err := s.codeIsLive(ctx, d.UserID, d.CodeID); err != nil || !live {
		return Message{}, false, err
	}
	code, err := s.vault.Open(d.Code, deliveryAAD(d.CodeID))
	if err != nil {
		return Message{}, false, err
	}
	switch d.Kind {
	case deliverCode:
		msg.Subject, msg.Body = t("identity.msg_code_subject"), t("identity.msg_code_body", string(code), int(s.opts.CodeTTL.Minutes()))
	case deliverPostCode:
		msg.Subject, msg.Body = t("identity.msg_post_subject"), t("identity.msg_post_body", string(code))
	default:
		return Message{}, false, outbox.Permanent(fmt.Errorf("identity: deliver: unknown kind %q", d.Kind))
	}
	return msg, true, nil
}

// codeIsLive reports whether code codeID is still the user's usable code.
// Time is compared in Go, not SQL, so both engines agree exactly.
func (s *Service) codeIsLive(ctx context.Context, userID, codeID int64) (bool, error) {
	var expires time.Time
	err := s.db.QueryRowContext(ctx, `SELECT expires_at FROM user_codes WHERE id = ? AND user_id = ? AND used_at IS NULL`,
		codeID, userID).Scan(&expires)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && s.clock().Before(expires), err
}
