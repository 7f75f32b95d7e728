package notify

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestPreferences(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		p := NewPreferences(db, clock())
		ivan, maria := addUser(t, db), addUser(t, db)
		channels := func(user int64) []Channel {
			t.Helper()
			got, err := p.Channels(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if diff := cmp.Diff([]Channel{ChannelCabinet, ChannelEmail}, channels(ivan)); diff != "" {
			t.Errorf("defaults (-want +got):\n%s", diff)
		}
		steps := []struct {
			set  []Channel
			want []Channel
		}{
			{[]Channel{ChannelSMS}, []Channel{ChannelCabinet, ChannelSMS}},
			{[]Channel{ChannelSMS, ChannelEmail, ChannelSMS}, []Channel{ChannelCabinet, ChannelEmail, ChannelSMS}},
			{nil, []Channel{ChannelCabinet}}, // the cabinet cannot be turned off
			{[]Channel{ChannelEmail, ChannelCabinet}, []Channel{ChannelCabinet, ChannelEmail}},
		}
		for _, s := range steps {
			if err := p.SetChannels(ctx, ivan, s.set); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s.want, channels(ivan)); diff != "" {
				t.Errorf("after SetChannels(%v) (-want +got):\n%s", s.set, diff)
			}
		}
		if diff := cmp.Diff([]Channel{ChannelCabinet, ChannelEmail}, channels(maria)); diff != "" {
			t.Errorf("another user's channels changed (-want +got):\n%s", diff)
		}

		for name, chans := range map[string][]Channel{
			"post":      {ChannelPost},
			"unknown":   {"pigeon"},
			"too many":  {ChannelSMS, ChannelSMS, ChannelSMS, ChannelSMS},
			"one wrong": {ChannelEmail, "fax"},
		} {
			err := p.SetChannels(ctx, ivan, chans)
			if e := okno.AsError(err); e.Code != okno.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "channels" {
				t.Errorf("%s: err = %v, want invalid on field channels", name, err)
			}
		}
		if diff := cmp.Diff([]Channel{ChannelCabinet, ChannelEmail}, channels(ivan)); diff != "" {
			t.Errorf("a refused change changed the channels (-want +got):\n%s", diff)
		}
		if err := p.SetChannels(ctx, ivan+maria+1000, []Channel{ChannelSMS}); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("unknown user: err = %v, want invalid", err)
		}
		if diff := cmp.Diff([]Channel{ChannelCabinet, ChannelEmail, ChannelSMS}, Choosable()); diff != "" {
			t.Errorf("Choosable (-want +got):\n%s", diff)
		}
	})
}
