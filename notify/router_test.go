package notify

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestRouterDemo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		mb := NewMailbox(db, mustKeyring(t), clock())
		cab := NewCabinet(db, clock())
		r := NewRouter(nil, mb, cab)
		user := addUser(t, db)
		for _, m := range []Message{
			{Channel: ChannelEmail, To: "ivan@example.ru", Subject: "Код", Body: "1"},
			{Channel: ChannelSMS, To: "+79001234567", Body: "2"},
			{Channel: ChannelPost, To: "г. Казань", Body: "3"},
			{Channel: ChannelCabinet, UserID: user, Subject: "Заявление принято", Body: "4"},
		} {
			if err := r.Send(ctx, m); err != nil {
				t.Fatalf("Send(%s): %v", m.Channel, err)
			}
		}
		got, err := mb.List(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var channels []Channel
		for _, m := range got {
			channels = append(channels, m.Channel)
		}
		if diff := cmp.Diff([]Channel{ChannelPost, ChannelSMS, ChannelEmail}, channels); diff != "" {
			t.Errorf("mailbox channels (-want +got):\n%s", diff)
		}
		if n, err := cab.UnreadCount(ctx, user); err != nil || n != 1 {
			t.Errorf("cabinet unread = %d, %v; want 1", n, err)
		}
		if err := r.Send(ctx, Message{Channel: "pigeon", To: "x"}); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("unknown channel: err = %v, want invalid", err)
		}
	})
}

func TestRouterEmailToSMTP(t *testing.T) {
	addr, dir := smtpSink(t)
	s, err := NewSMTP(SMTPConfig{Addr: addr, From: "noreply@okno.example", AllowPlain: true}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenSQLite(t)
	mb := NewMailbox(db, mustKeyring(t), clock())
	r := NewRouter(s, mb, nil)
	ctx := context.Background()
	if err := r.Send(ctx, Message{Channel: ChannelEmail, To: "ivan@example.ru", Subject: "Код", Body: "1"}); err != nil {
		t.Fatal(err)
	}
	if n := len(dumped(t, dir)); n != 1 {
		t.Errorf("SMTP server received %d messages, want 1", n)
	}
	if got, err := mb.List(ctx, 10); err != nil || len(got) != 0 {
		t.Errorf("mailbox has %d messages (%v), want none: e-mail goes to SMTP when configured", len(got), err)
	}
	// Without a mailbox (production) SMS has nowhere to go and says so.
	if err := NewRouter(s, nil, nil).Send(ctx, Message{Channel: ChannelSMS, To: "+79001234567", Body: "2"}); !okno.IsCode(err, okno.EINTERNAL) || okno.AsError(err).Key != "notify.channel_unavailable" {
		t.Errorf("SMS without a gateway: err = %v, want notify.channel_unavailable", err)
	}
}
