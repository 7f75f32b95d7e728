package notify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/smpptest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: testNow} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// contactBook is the test's Contacts: addresses and languages by user.
type contactBook struct {
	mu    sync.Mutex
	addrs map[int64]map[Channel]string
	langs map[int64]string
}

func (b *contactBook) set(user int64, lang string, addrs map[Channel]string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.addrs[user], b.langs[user] = addrs, lang
}

func (b *contactBook) Contact(_ context.Context, user int64, ch Channel) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if a, ok := b.addrs[user][ch]; ok {
		return a, nil
	}
	return "", okno.Errorf(okno.ENOTFOUND, "identity.not_found")
}

func (b *contactBook) Language(_ context.Context, user int64) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.langs[user]
}

// noticeRig is Notices on a real database and outbox, sending to the real
// cabinet, the demo mailbox for e-mail (or a real SMTP sink) and a real
// SMPP server.
type noticeRig struct {
	db    *sqldb.DB
	clock *testClock
	q     *outbox.Queue
	ns    *Notices
	prefs *Preferences
	book  *contactBook
	cab   *Cabinet
	mb    *Mailbox
	smsc  *smsc
}

// newNoticeRig builds the rig; smtp, when not nil, carries e-mail.
func newNoticeRig(t *testing.T, db *sqldb.DB, smtp *SMTP) *noticeRig {
	t.Helper()
	r := &noticeRig{db: db, clock: newTestClock(), book: &contactBook{addrs: map[int64]map[Channel]string{}, langs: map[int64]string{}}}
	r.q = outbox.New(db, nil, r.clock.Now)
	r.prefs = NewPreferences(db, r.clock.Now)
	r.cab = NewCabinet(db, r.clock.Now)
	r.mb = NewMailbox(db, mustKeyring(t), r.clock.Now)
	r.smsc = startSMSC(t)
	tm, err := LoadTemplates(TemplateFiles())
	if err != nil {
		t.Fatal(err)
	}
	var mb *Mailbox
	if smtp == nil {
		mb = r.mb
	}
	sender := NewRouter(smtp, mb, r.cab).WithSMS(newTestSMPP(t, r.smsc.srv.Addr(), smpptest.DefaultPasswd))
	r.ns, err = NewNotices(NoticesConfig{DB: db, Outbox: r.q, Templates: tm, Contacts: r.book, Sender: sender,
		BaseURL: "https://okno.example/", Now: r.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	r.ns.Register(r.q)
	return r
}

func (r *noticeRig) notify(t *testing.T, ns ...Notice) {
	t.Helper()
	err := r.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		for _, n := range ns {
			if err := r.ns.Notify(context.Background(), tx, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (r *noticeRig) process(t *testing.T) int {
	t.Helper()
	n, err := r.q.ProcessDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (r *noticeRig) deliveries(t *testing.T, prefix string) []Delivery {
	t.Helper()
	ds, err := r.ns.Deliveries(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func ping(key string, user int64) Notice {
	return Notice{Key: key, UserID: user, Template: "test.ping", Audience: "applicant",
		Vars: map[string]string{"ref": "2026-000123"}, Link: "/cabinet/settings"}
}

// ignoreDeliveryTimes leaves out what the clock decides.
var ignoreDeliveryTimes = cmpopts.IgnoreFields(Delivery{}, "ID", "CreatedAt", "UpdatedAt", "SentAt")

func TestNoticesEndToEnd(t *testing.T) {
	addr, dir := smtpSink(t)
	smtp, err := NewSMTP(SMTPConfig{Addr: addr, From: "noreply@okno.example", AllowPlain: true, Timeout: 10 * time.Second}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newNoticeRig(t, db, smtp)
		ctx := context.Background()
		ivan := addUser(t, db)
		r.book.set(ivan, "ru", map[Channel]string{ChannelEmail: "ivan@example.ru", ChannelSMS: "+79161234567"})
		if err := r.prefs.SetChannels(ctx, ivan, []Channel{ChannelEmail, ChannelSMS}); err != nil {
			t.Fatal(err)
		}
		before := len(dumped(t, dir))
		r.notify(t, ping("case:12:event:1:user:ivan", ivan))
		if n := r.process(t); n != 4 {
			t.Fatalf("ran %d messages, want 4 (the notice, a delivery on each of 3 channels)", n)
		}

		got := r.deliveries(t, "case:12:")
		want := []Delivery{
			{NoticeKey: "case:12:event:1:user:ivan", Channel: ChannelCabinet, UserID: ivan, Template: "test.ping", Status: DeliverySent, Attempts: 1},
			{NoticeKey: "case:12:event:1:user:ivan", Channel: ChannelEmail, UserID: ivan, Template: "test.ping", Status: DeliverySent, Attempts: 1},
			{NoticeKey: "case:12:event:1:user:ivan", Channel: ChannelSMS, UserID: ivan, Template: "test.ping", Status: DeliverySent, Attempts: 1},
		}
		if diff := cmp.Diff(want, got, ignoreDeliveryTimes); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		for _, d := range got {
			if !d.SentAt.Equal(sqldb.Now(testNow)) {
				t.Errorf("%s sent at %v, want %v", d.Channel, d.SentAt, testNow)
			}
		}

		subject, body, err := r.ns.cfg.Templates.Render("test.ping", "applicant", "email", "ru",
			map[string]string{"ref": "2026-000123", "link": "https://okno.example/cabinet/settings"})
		if err != nil {
			t.Fatal(err)
		}
		inbox, err := r.cab.ListForUser(ctx, ivan, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(inbox) != 1 || inbox[0].Subject != subject || inbox[0].Body != body {
			t.Errorf("cabinet = %+v, want subject %q, body %q", inbox, subject, body)
		}

		msgs := dumped(t, dir)
		if len(msgs) != before+1 {
			t.Fatalf("SMTP sink has %d messages, want %d", len(msgs), before+1)
		}
		gotSubject, gotBody := readMail(t, msgs[len(msgs)-1])
		if gotSubject != subject || gotBody != strings.ReplaceAll(body, "\n", "\r\n") {
			t.Errorf("e-mail = %q, %q; want %q, %q", gotSubject, gotBody, subject, body)
		}

		_, sms, err := r.ns.cfg.Templates.Render("test.ping", "applicant", "sms", "ru", map[string]string{"ref": "2026-000123", "link": ""})
		if err != nil {
			t.Fatal(err)
		}
		subs, _ := r.smsc.received()
		if got := decodeSubmits(t, subs); got != sms {
			t.Errorf("SMS = %q, want %q", got, sms)
		}
	})
}

// readMail returns a message's decoded subject and body.
func readMail(t *testing.T, raw []byte) (subject, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	enc, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(enc)))
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(b)
}

func TestNoticesLanguageAndDefaults(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newNoticeRig(t, db, nil)
		ctx := context.Background()
		john := addUser(t, db)
		r.book.set(john, "en", map[Channel]string{ChannelEmail: "john@example.com"})
		n := ping("case:1:event:1:user:john", john)
		// A relative link among the vars: the absolute one wins. No
		// channels chosen: the cabinet and e-mail.
		n.Vars["link"] = "/cabinet/settings"
		r.notify(t, n)
		if n := r.process(t); n != 3 {
			t.Fatalf("ran %d messages, want 3 (the notice, a delivery on each of 2 channels)", n)
		}
		got, err := r.mb.List(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Subject != "Okno portal notification check" || got[0].To != "john@example.com" ||
			!strings.Contains(got[0].Body, "https://okno.example/cabinet/settings") {
			t.Errorf("mailbox = %+v, want the English e-mail with the absolute link", got)
		}
	})
}

func TestNotifyOncePerKeyAndOnlyOnCommit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newNoticeRig(t, db, nil)
		ctx := context.Background()
		user := addUser(t, db)
		r.book.set(user, "ru", map[Channel]string{ChannelEmail: "ivan@example.ru"})
		r.notify(t, ping("case:5:event:1:user:1", user))
		r.notify(t, ping("case:5:event:1:user:1", user), ping("case:5:event:1:user:1", user))
		rollback := errors.New("the action failed")
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			if err := r.ns.Notify(ctx, tx, ping("case:5:event:2:user:1", user)); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if n := r.process(t); n != 3 {
			t.Errorf("ran %d messages, want 3 (the notice once, its cabinet and e-mail deliveries)", n)
		}
		if got := len(r.deliveries(t, "case:5:")); got != 2 {
			t.Errorf("%d deliveries after giving one notice three times, want 2 (cabinet and e-mail)", got)
		}
		if got := len(r.deliveries(t, "case:5:event:2:")); got != 0 {
			t.Errorf("%d deliveries of a rolled-back notice", got)
		}
		if n := r.process(t); n != 0 {
			t.Errorf("ran %d messages again", n)
		}
	})
}

func TestNoticeFanOutRunsOnceAndDropsNoAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newNoticeRig(t, db, nil)
		ctx := context.Background()
		user := addUser(t, db)
		r.book.set(user, "ru", map[Channel]string{})
		n := ping("case:6:event:1:user:1", user)
		payload, err := json.Marshal(noticeMessage(n))
		if err != nil {
			t.Fatal(err)
		}
		// The fan-out run twice (a crash after its commit) writes nothing twice.
		for range 2 {
			if err := r.ns.fanOut(ctx, outbox.Message{Topic: NoticeTopic, Key: n.Key, Payload: payload}); err != nil {
				t.Fatal(err)
			}
		}
		if n := r.process(t); n != 2 {
			t.Errorf("ran %d messages, want the cabinet and e-mail deliveries once", n)
		}
		if got := len(r.deliveries(t, "case:6:")); got != 2 {
			t.Errorf("%d deliveries, want 2", got)
		}
		// A notice to an account that is gone is done with: no delivery, no dead letter.
		r.notify(t, ping("case:7:event:1:user:9", user+1000))
		if n := r.process(t); n != 1 {
			t.Errorf("ran %d messages, want the notice", n)
		}
		if got := len(r.deliveries(t, "case:7:")); got != 0 {
			t.Errorf("%d deliveries to no account", got)
		}
		if st, err := r.q.Stats(ctx); err != nil || st.Pending != 0 || st.Dead != 0 {
			t.Errorf("outbox %+v (%v), want nothing pending nor dead", st, err)
		}
	})
}

func manyVars(n int) map[string]string {
	vars := map[string]string{}
	for i := range n {
		vars["v"+strconv.Itoa(i)] = "x"
	}
	return vars
}

func TestNotifyRefusesBadNotices(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newNoticeRig(t, db, nil)
		user := addUser(t, db)
		edit := func(f func(*Notice)) Notice {
			n := ping("case:9:event:1", user)
			f(&n)
			return n
		}
		tests := map[string]struct {
			n    Notice
			code okno.ErrorCode
		}{
			"no key":           {edit(func(n *Notice) { n.Key = "" }), okno.EINTERNAL},
			"long key":         {edit(func(n *Notice) { n.Key = strings.Repeat("k", 201) }), okno.EINTERNAL},
			"no recipient":     {edit(func(n *Notice) { n.UserID = 0 }), okno.EINVALID},
			"unknown template": {edit(func(n *Notice) { n.Template = "case.unknown" }), okno.EINTERNAL},
			"unknown audience": {edit(func(n *Notice) { n.Audience = "controller" }), okno.EINTERNAL},
			"bad var name":     {edit(func(n *Notice) { n.Vars["Ref Number"] = "1" }), okno.EINTERNAL},
			"too many vars":    {edit(func(n *Notice) { n.Vars = manyVars(33) }), okno.EINTERNAL},
			"long var":         {edit(func(n *Notice) { n.Vars["ref"] = strings.Repeat("я", 501) }), okno.EINTERNAL},
			"absolute link":    {edit(func(n *Notice) { n.Link = "https://evil.example/" }), okno.EINTERNAL},
			"scheme-less link": {edit(func(n *Notice) { n.Link = "//evil.example/" }), okno.EINTERNAL},
		}
		for name, tt := range tests {
			err := db.InTx(context.Background(), func(tx *sqldb.Tx) error { return r.ns.Notify(context.Background(), tx, tt.n) })
			if got := okno.ErrorCodeOf(err); got != tt.code {
				t.Errorf("%s: code %q (%v), want %q", name, got, err, tt.code)
			}
		}
		if got := len(r.deliveries(t, "case:9:")); got != 0 {
			t.Errorf("%d deliveries of refused notices", got)
		}
	})
}

func TestDeliveryWithoutAddressFailsOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newNoticeRig(t, db, nil)
		ctx := context.Background()
		user := addUser(t, db)
		r.book.set(user, "ru", map[Channel]string{}) // signed up without e-mail or phone
		if err := r.prefs.SetChannels(ctx, user, []Channel{ChannelSMS}); err != nil {
			t.Fatal(err)
		}
		r.notify(t, ping("case:3:event:1:user:1", user))
		r.process(t)
		got := r.deliveries(t, "case:3:")
		want := []Delivery{
			{NoticeKey: "case:3:event:1:user:1", Channel: ChannelCabinet, UserID: user, Template: "test.ping", Status: DeliverySent, Attempts: 1},
			{NoticeKey: "case:3:event:1:user:1", Channel: ChannelSMS, UserID: user, Template: "test.ping", Status: DeliveryFailed, LastError: "no address on this channel"},
		}
		if diff := cmp.Diff(want, got, ignoreDeliveryTimes); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		st, err := r.q.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending != 0 || st.Dead != 0 {
			t.Errorf("outbox %+v: a missing address is neither retried nor a dead letter", st)
		}
	})
}

func TestDeliveryRetriesThenGivesUpOnPermanentRefusal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		r := newNoticeRig(t, db, nil)
		ctx := context.Background()
		user := addUser(t, db)
		r.book.set(user, "ru", map[Channel]string{ChannelSMS: "+79161234567"})
		if err := r.prefs.SetChannels(ctx, user, []Channel{ChannelSMS}); err != nil {
			t.Fatal(err)
		}
		sms := func(prefix string) Delivery {
			t.Helper()
			for _, d := range r.deliveries(t, prefix) {
				if d.Channel == ChannelSMS {
					return d
				}
			}
			t.Fatalf("no SMS delivery of %s", prefix)
			return Delivery{}
		}

		r.smsc.reset(0x58) // ESME_RTHROTTLED
		r.notify(t, ping("case:4:event:1:user:1", user))
		r.process(t)
		d := sms("case:4:event:1:")
		if d.Status != DeliveryQueued || d.Attempts != 1 || !strings.Contains(d.LastError, "ESME_RTHROTTLED") || strings.Contains(d.LastError, "9161234567") {
			t.Fatalf("after throttling: %+v, want queued with the status and without the phone", d)
		}
		r.smsc.reset(0)
		r.clock.Add(time.Minute) // past the first backoff
		if n := r.process(t); n != 1 {
			t.Fatalf("ran %d messages after the backoff, want the retry", n)
		}
		if d := sms("case:4:event:1:"); d.Status != DeliverySent || d.Attempts != 2 || d.LastError != "" {
			t.Errorf("after the retry: %+v, want sent on the second attempt", d)
		}

		r.smsc.reset(0x0B) // ESME_RINVDSTADR
		r.notify(t, ping("case:4:event:2:user:1", user))
		r.process(t)
		if d := sms("case:4:event:2:"); d.Status != DeliveryFailed || d.Attempts != 1 || !strings.Contains(d.LastError, "ESME_RINVDSTADR") {
			t.Errorf("after a permanent refusal: %+v, want failed", d)
		}
		r.clock.Add(time.Hour)
		if n := r.process(t); n != 0 {
			t.Errorf("ran %d messages after a permanent refusal, want none", n)
		}
		if st, err := r.q.Stats(ctx); err != nil || st.Dead != 1 {
			t.Errorf("outbox %+v (%v), want the refused message dead", st, err)
		}
	})
}

func TestPrefixEnd(t *testing.T) {
	for p, want := range map[string]string{
		"case:12:":        "case:12;",
		"a":               "b",
		"дело":            "делп",
		"x\U0010FFFF":     "y",
		"\U0010FFFF":      "",
		"a\uD7FF":         "a\uE000",
		"":                "",
		"case:12:event:~": "case:12:event:\u007f",
	} {
		if got := prefixEnd(p); got != want {
			t.Errorf("prefixEnd(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestDeliveriesRefusesBadPrefix(t *testing.T) {
	db := storetest.OpenSQLite(t)
	r := newNoticeRig(t, db, nil)
	for _, p := range []string{"", strings.Repeat("k", 201), "\xff"} {
		if _, err := r.ns.Deliveries(context.Background(), p); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("Deliveries(%q): err = %v, want invalid", p, err)
		}
	}
}

func TestNewNoticesChecksConfig(t *testing.T) {
	db := storetest.OpenSQLite(t)
	tm, err := LoadTemplates(TemplateFiles())
	if err != nil {
		t.Fatal(err)
	}
	base := NoticesConfig{DB: db, Outbox: outbox.New(db, nil, fixedNow), Templates: tm, Contacts: &contactBook{}, Sender: NewRouter(nil, nil, nil), Now: fixedNow}
	for url, ok := range map[string]bool{
		"https://okno.example": true, "http://localhost:8080/": true, "https://okno.example/portal": true,
		"": false, "okno.example": false, "ftp://okno.example": false, "https://okno.example/?a=1": false, "https://u:p@okno.example": false,
	} {
		cfg := base
		cfg.BaseURL = url
		if _, err := NewNotices(cfg); (err == nil) != ok {
			t.Errorf("NewNotices(BaseURL %q) err = %v, want ok %v", url, err, ok)
		}
	}
}
