package notify

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/vault"
)

func mustKeyring(t *testing.T) *vault.Keyring {
	t.Helper()
	k, err := vault.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestMailbox(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		k := mustKeyring(t)
		mb := NewMailbox(db, k, clock())
		sent := []Message{
			{Channel: ChannelEmail, To: "Ivan.Petrov@example.ru", Subject: "Код подтверждения", Body: "Ваш код: 482913"},
			{Channel: ChannelSMS, To: "+79001234567", Body: "Код 771204"},
			{Channel: ChannelPost, To: "420111, г. Казань, ул. Баумана, д. 1, кв. 2", Subject: "Письмо с кодом", Body: "Код активации: 550011"},
			{Channel: ChannelEmail, To: "ivan.petrov@example.ru ", Subject: "Код подтверждения", Body: "Ваш код: 100200"},
		}
		for _, m := range sent {
			if err := mb.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}

		got, err := mb.List(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		sec := func(n int) MailboxMessage {
			m := sent[n-1]
			return MailboxMessage{Channel: m.Channel, To: m.To, Subject: m.Subject, Body: m.Body, CreatedAt: sqldb.Now(testNow.Add(time.Duration(n) * time.Second))}
		}
		ignoreID := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())
		if diff := cmp.Diff([]MailboxMessage{sec(4), sec(3), sec(2)}, got, ignoreID); diff != "" {
			t.Errorf("List (-want +got):\n%s", diff)
		}
		// Lookup by recipient ignores case and surrounding space.
		got, err = mb.ListFor(ctx, "IVAN.PETROV@example.ru", 10)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]MailboxMessage{sec(4), sec(1)}, got, ignoreID); diff != "" {
			t.Errorf("ListFor (-want +got):\n%s", diff)
		}

		// Codes and recipients are not stored in clear text, and each sealed
		// value is bound to its row.
		rows, err := db.QueryContext(ctx, `SELECT id, recipient_enc, body_enc FROM demo_mailbox`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var to, body []byte
			if err := rows.Scan(&id, &to, &body); err != nil {
				t.Fatal(err)
			}
			for _, m := range sent {
				if bytes.Contains(to, []byte(m.To)) || bytes.Contains(body, []byte(m.Body)) {
					t.Errorf("row %d holds plaintext", id)
				}
			}
			if _, err := k.Open(body, mailboxAAD("body_enc", id+1)); err == nil {
				t.Errorf("row %d body opens under another row's aad", id)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}

		// Key rotation reaches the mailbox's columns and List still reads them.
		rep, err := k.Rotate(ctx, db, SealedColumns())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rewrapped != 2*len(sent) {
			t.Errorf("rotation rewrapped %d values, want %d", rep.Rewrapped, 2*len(sent))
		}
		if got, err := mb.List(ctx, 10); err != nil || len(got) != len(sent) {
			t.Errorf("List after rotation: %d messages, %v; want %d", len(got), err, len(sent))
		}
	})
}

func TestMailboxRejects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		mb := NewMailbox(db, mustKeyring(t), clock())
		for _, m := range []Message{
			{Channel: ChannelEmail, To: " ", Body: "x"},
			{Channel: ChannelCabinet, UserID: 1, Body: "x"},
			{Channel: "pigeon", To: "x", Body: "x"},
		} {
			if err := mb.Send(context.Background(), m); !okno.IsCode(err, okno.EINVALID) {
				t.Errorf("Send(%+v): err = %v, want invalid", m, err)
			}
		}
	})
}
