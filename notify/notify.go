// Package notify delivers messages to people and to other systems: e-mail
// over SMTP, SMS over SMPP (its own small client), the citizen cabinet's
// inbox, and — in demo and development installations only — a demo mailbox
// that stands in for e-mail, SMS and post so that a new user can sign up
// without a mail server or an SMS gateway.
//
// Features hand it a Notice inside their transaction; Notices renders it
// from Templates on each channel the person chose (Preferences), in their
// language, and delivers it from the outbox with its status recorded.
// Webhooks post signed events to the systems organisations subscribed.
//
// It must never log a recipient or a message body: both may be personal data
// or a secret code. Message.LogValue shows only what is safe. Notices,
// events and delivery rows hold no personal data: addresses are looked up
// when a message goes out.
package notify

import (
	"context"
	"log/slog"

	"github.com/okno/okno"
)

// Channel is a way of reaching a person.
type Channel string

// The channels.
const (
	ChannelEmail   Channel = "email"
	ChannelSMS     Channel = "sms"
	ChannelPost    Channel = "post"    // a paper letter; To is the postal address
	ChannelCabinet Channel = "cabinet" // the citizen's inbox on the portal; To is unused
)

// Message is one notification to one person. To is the address on the
// channel (e-mail address, phone number, postal address) and is personal
// data; UserID is the account it concerns, 0 when there is none yet (a code
// sent during signup).
type Message struct {
	Channel Channel
	To      string
	UserID  int64
	Subject string
	Body    string // plain text
}

// LogValue implements slog.LogValuer so that logging a Message never writes
// its recipient, subject or body.
func (m Message) LogValue() slog.Value {
	return slog.GroupValue(slog.String("channel", string(m.Channel)), slog.Int64("user_id", m.UserID))
}

// Sender delivers a message. Implementations return an *okno.Error with
// code invalid for a message they cannot carry (wrong channel, no
// recipient), and other errors for delivery failures worth retrying.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// requireChannel checks that m is for one of the channels a sender carries.
func requireChannel(m Message, chans ...Channel) error {
	for _, c := range chans {
		if m.Channel == c {
			return nil
		}
	}
	return okno.Errorf(okno.EINVALID, "notify.channel_unknown", string(m.Channel))
}
