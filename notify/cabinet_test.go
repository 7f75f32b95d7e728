package notify

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// addUser inserts a citizen account and returns its id.
func addUser(t *testing.T, db *sqldb.DB) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO users (kind, password_hash, created_at, updated_at)
			VALUES ('citizen', '', ?, ?) RETURNING id`, sqldb.Now(testNow), sqldb.Now(testNow)).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// clock returns a now function that advances a second per call.
func clock() func() time.Time {
	t := testNow
	return func() time.Time { t = t.Add(time.Second); return t }
}

func TestCabinet(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := clock()
		c := NewCabinet(db, now)
		ivan, maria := addUser(t, db), addUser(t, db)
		for _, subj := range []string{"Заявление № 1 принято", "Заявление № 1 рассмотрено", "Ответ на обращение № 7"} {
			if err := c.Send(ctx, Message{Channel: ChannelCabinet, UserID: ivan, Subject: subj, Body: "Подробности — в личном кабинете."}); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Send(ctx, Message{Channel: ChannelCabinet, UserID: maria, Subject: "Опрос открыт", Body: "Примите участие."}); err != nil {
			t.Fatal(err)
		}

		got, err := c.ListForUser(ctx, ivan, 2)
		if err != nil {
			t.Fatal(err)
		}
		sec := func(n int) time.Time { return sqldb.Now(testNow.Add(time.Duration(n) * time.Second)) }
		want := []Notification{
			{UserID: ivan, Subject: "Ответ на обращение № 7", Body: "Подробности — в личном кабинете.", CreatedAt: sec(3)},
			{UserID: ivan, Subject: "Заявление № 1 рассмотрено", Body: "Подробности — в личном кабинете.", CreatedAt: sec(2)},
		}
		ignoreID := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())
		if diff := cmp.Diff(want, got, ignoreID); diff != "" {
			t.Fatalf("ListForUser (-want +got):\n%s", diff)
		}

		if n, err := c.UnreadCount(ctx, ivan); err != nil || n != 3 {
			t.Fatalf("UnreadCount = %d, %v; want 3", n, err)
		}
		if err := c.MarkRead(ctx, ivan, got[0].ID); err != nil {
			t.Fatal(err)
		}
		// Marking again keeps the first read time.
		if err := c.MarkRead(ctx, ivan, got[0].ID); err != nil {
			t.Fatal(err)
		}
		// Maria cannot mark Ivan's notification, and it stays unread for him.
		if err := c.MarkRead(ctx, maria, got[1].ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Fatalf("MarkRead of another user's notification: err = %v, want not_found", err)
		}
		if n, err := c.UnreadCount(ctx, ivan); err != nil || n != 2 {
			t.Fatalf("UnreadCount after MarkRead = %d, %v; want 2", n, err)
		}
		if n, err := c.UnreadCount(ctx, maria); err != nil || n != 1 {
			t.Fatalf("UnreadCount(maria) = %d, %v; want 1", n, err)
		}
		got, err = c.ListForUser(ctx, ivan, 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := sec(5); !got[0].ReadAt.Equal(want) {
			t.Errorf("ReadAt = %v, want %v (the first MarkRead)", got[0].ReadAt, want)
		}
	})
}

func TestCabinetRejects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		c := NewCabinet(db, clock())
		for _, m := range []Message{
			{Channel: ChannelCabinet, Subject: "Без адресата"},
			{Channel: ChannelCabinet, UserID: 999, Subject: "Нет такого пользователя"},
			{Channel: ChannelEmail, UserID: addUser(t, db), To: "ivan@example.ru"},
		} {
			if err := c.Send(context.Background(), m); !okno.IsCode(err, okno.EINVALID) {
				t.Errorf("Send(%+v): err = %v, want invalid", m, err)
			}
		}
	})
}
