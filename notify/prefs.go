package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// choosable are the channels a person may choose among, in display order.
// The cabinet is always on: it is the record a citizen can always find.
// Paper post is not a notification channel: letters go out as a case's
// effect, not as a preference.
var choosable = []Channel{ChannelCabinet, ChannelEmail, ChannelSMS}

// defaultChannels are a person's channels until they choose: the cabinet
// and e-mail. SMS costs the region money per message, so it is opt-in.
var defaultChannels = map[Channel]bool{ChannelCabinet: true, ChannelEmail: true}

// Preferences are the channels each person chose for notifications, in
// the notify_channels table.
type Preferences struct {
	db  *sqldb.DB
	now func() time.Time
}

// NewPreferences returns the preferences on db; now stamps changes.
func NewPreferences(db *sqldb.DB, now func() time.Time) *Preferences {
	return &Preferences{db: db, now: now}
}

// Choosable lists the channels a person may choose among, in display
// order, for the page where they choose.
func Choosable() []Channel { return append([]Channel(nil), choosable...) }

// Channels returns the channels the user receives notifications on, in
// display order: the cabinet always, and e-mail and SMS as chosen
// (e-mail on, SMS off until the user chooses).
func (p *Preferences) Channels(ctx context.Context, userID int64) ([]Channel, error) {
	return channelsOf(ctx, p.db, userID)
}

// channelsOf reads a user's channels through q, so Notices can read them in
// the transaction of the notice.
func channelsOf(ctx context.Context, q sqldb.Querier, userID int64) ([]Channel, error) {
	rows, err := q.QueryContext(ctx, `SELECT channel, enabled FROM notify_channels WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("notify: channels of %d: %w", userID, err)
	}
	defer rows.Close()
	on := map[Channel]bool{}
	for ch, v := range defaultChannels {
		on[ch] = v
	}
	for rows.Next() {
		var ch Channel
		var enabled bool
		if err := rows.Scan(&ch, &enabled); err != nil {
			return nil, fmt.Errorf("notify: channels of %d: %w", userID, err)
		}
		on[ch] = enabled
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: channels of %d: %w", userID, err)
	}
	on[ChannelCabinet] = true
	var chans []Channel
	for _, ch := range choosable {
		if on[ch] {
			chans = append(chans, ch)
		}
	}
	return chans, nil
}

// SetChannels records the channels the user chose: those in chans are on,
// the other choosable ones off. The cabinet stays on whether or not it is
// listed. A channel that is not choosable is an EINVALID error on field
// "channels" and changes nothing. Whether the user has an address on a
// channel is not checked here: a notice to a missing address is recorded
// as failed with its reason, which the person can see and fix.
func (p *Preferences) SetChannels(ctx context.Context, userID int64, chans []Channel) error {
	if userID <= 0 {
		return okno.Errorf(okno.EINVALID, "notify.recipient_missing")
	}
	var fe okno.FieldErrors
	if len(chans) > len(choosable) {
		fe.Add("channels", "notify.channels_too_many", len(choosable))
		return fe.Err()
	}
	want := map[Channel]bool{ChannelCabinet: true}
	for _, ch := range chans {
		if !isChoosable(ch) {
			fe.Add("channels", "notify.channel_not_choosable", string(ch))
			return fe.Err()
		}
		want[ch] = true
	}
	now := sqldb.Now(p.now())
	err := p.db.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, ch := range choosable {
			_, err := tx.ExecContext(ctx, `INSERT INTO notify_channels (user_id, channel, enabled, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (user_id, channel) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`,
				userID, string(ch), want[ch], now)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if sqldb.ViolationOf(err) == sqldb.ForeignKey {
		return okno.Wrap(okno.EINVALID, "notify.recipient_missing", err)
	}
	if err != nil {
		return fmt.Errorf("notify: set channels of %d: %w", userID, err)
	}
	return nil
}

func isChoosable(ch Channel) bool {
	for _, c := range choosable {
		if c == ch {
			return true
		}
	}
	return false
}
