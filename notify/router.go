package notify

import (
	"context"

	"github.com/okno/okno"
)

// Router sends each message through the sender for its channel.
type Router struct {
	routes map[Channel]Sender
}

// NewRouter routes e-mail to the SMTP relay when smtp is not nil and to the
// demo mailbox otherwise; SMS and post to the demo mailbox until their
// gateways exist; cabinet messages to the cabinet inbox. A nil mailbox (a
// production installation) leaves the channels it would carry unavailable,
// so that a missing gateway fails loudly instead of hiding codes in a table.
func NewRouter(smtp *SMTP, mailbox *Mailbox, cabinet *Cabinet) *Router {
	r := &Router{routes: map[Channel]Sender{}}
	if mailbox != nil {
		r.routes[ChannelEmail] = mailbox
		r.routes[ChannelSMS] = mailbox
		r.routes[ChannelPost] = mailbox
	}
	if smtp != nil {
		r.routes[ChannelEmail] = smtp
	}
	if cabinet != nil {
		r.routes[ChannelCabinet] = cabinet
	}
	return r
}

// Send implements Sender.
func (r *Router) Send(ctx context.Context, m Message) error {
	s, ok := r.routes[m.Channel]
	if !ok {
		if err := requireChannel(m, ChannelEmail, ChannelSMS, ChannelPost, ChannelCabinet); err != nil {
			return err
		}
		return okno.Errorf(okno.EINTERNAL, "notify.channel_unavailable", string(m.Channel))
	}
	return s.Send(ctx, m)
}
