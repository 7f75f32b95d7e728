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
// demo mailbox otherwise; SMS and post to the demo mailbox (see WithSMS
// for the SMPP gateway); cabinet messages to the cabinet inbox. A nil mailbox (a
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

// WithSMS returns a copy of r that carries SMS through sms (the SMPP
// gateway) instead of the demo mailbox. A nil sms returns r unchanged, so
// that an installation without a gateway keeps the mailbox or none.
func (r *Router) WithSMS(sms *SMPP) *Router {
	if sms == nil {
		return r
	}
	c := &Router{routes: make(map[Channel]Sender, len(r.routes)+1)}
	for ch, s := range r.routes {
		c.routes[ch] = s
	}
	c.routes[ChannelSMS] = sms
	return c
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
