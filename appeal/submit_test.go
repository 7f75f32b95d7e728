package appeal_test

import (
	"context"
	"encoding/hex"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/textclass"
)

const litterText = "Во дворе дома 10 по Литейной третью неделю лежит куча мусора у детской площадки"

func TestSubmitChannels(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		ctx := context.Background()

		// A citizen on the web, with a photo.
		in := report(litterText)
		in.Photos = []casework.Upload{{Name: "двор.jpg", Content: jpegPhoto}}
		a := f.submit(f.citizenA(), in)
		if a.Status != appeal.StatusModeration || a.State != "moderation" || a.Channel != casework.ChannelWeb {
			t.Errorf("citizen's appeal: status %s, state %s, channel %s", a.Status, a.State, a.Channel)
		}
		if a.Text != litterText || a.ReasonCode != litter || a.CategoryCode != litterCt || a.Photos != 1 {
			t.Errorf("citizen's appeal: text %q, reason %s, category %s, photos %d", a.Text, a.ReasonCode, a.CategoryCode, a.Photos)
		}
		if a.OrgID != f.housing.ID || a.TerritoryID != f.centralD || a.Lat != centralPt[0] || a.Ref == "" || a.Token == "" || a.Version != 1 {
			t.Errorf("citizen's appeal: org %d, territory %d (want %d), lat %v, ref %q, token %q, version %d",
				a.OrgID, a.TerritoryID, f.centralD, a.Lat, a.Ref, a.Token, a.Version)
		}
		if want := time.Date(2026, 4, 1, 21, 0, 0, 0, time.UTC); !a.DueAt.Equal(want) {
			t.Errorf("due %v, want %v (30 calendar days, to the end of the Moscow day)", a.DueAt, want)
		}
		if a.Flags != nil {
			t.Errorf("a citizen sees flags: %v", a.Flags)
		}
		c, err := f.cases.Get(ctx, okno.System, a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.ApplicantID != f.citizen || c.OrgID != f.housing.ID || c.PositionID != f.specPos.ID || c.Data["text"] != litterText {
			t.Errorf("case: applicant %d, org %d, position %d, data %v", c.ApplicantID, c.OrgID, c.PositionID, c.Data)
		}
		var key string
		var cell int64
		var status string
		f.row(a.CaseID, "author_key, cell, status", &key, &cell, &status)
		if want := hex.EncodeToString(f.keys.BlindIndex("appeal.author", "citizen:"+strconv.FormatInt(f.citizen, 10))); key != want {
			t.Errorf("author_key %s, want the blind index of the citizen", key)
		}
		if cell == 0 || status != "moderation" {
			t.Errorf("cell %d, status %s", cell, status)
		}

		// A citizen through the JSON API.
		in = report(litterText + " и ещё пакеты")
		in.Channel = casework.ChannelAPI
		if a := f.submit(f.citizenA(), in); a.Channel != casework.ChannelAPI {
			t.Errorf("citizen through the API: channel %s", a.Channel)
		}

		// An operator for a caller without an account: recorded as such,
		// the caller's phone only sealed and blind-indexed.
		in = appeal.Submission{ReasonCode: puddles, Text: "На проезжей части огромная лужа, машины обливают пешеходов",
			HasPoint: true, Lat: northernPt[0], Lon: northernPt[1],
			Contact: appeal.Contact{FirstName: "Мария", LastName: "Сидорова", Phone: "8 (916) 123-45-67"}}
		op := f.submit(f.moderatorA(), in)
		if op.Channel != casework.ChannelOperator || op.OrgID != f.roads.ID || op.TerritoryID != f.northernD {
			t.Errorf("operator's appeal: channel %s, org %d, territory %d", op.Channel, op.OrgID, op.TerritoryID)
		}
		c, _ = f.cases.Get(ctx, okno.System, op.CaseID)
		contact, _ := c.Data["contact"].(map[string]any)
		if c.ApplicantID != 0 || contact["phone"] != "+79161234567" || c.Data["author_name"] != "Мария Сидорова" {
			t.Errorf("caller's case: applicant %d, data %v", c.ApplicantID, c.Data)
		}
		f.row(op.CaseID, "author_key", &key)
		if want := hex.EncodeToString(f.keys.BlindIndex("appeal.author", "caller:+79161234567")); key != want {
			t.Errorf("caller's author_key is not the blind index of the phone")
		}

		// An operator for a caller with an account.
		in = report("Жалоба по телефону: у подъезда переполнены мусорные баки")
		in.ApplicantID = f.citizen2
		if a := f.submit(f.moderatorA(), in); a.Channel != casework.ChannelOperator {
			t.Errorf("operator for an account: channel %s", a.Channel)
		} else if c, _ := f.cases.Get(ctx, okno.System, a.CaseID); c.ApplicantID != f.citizen2 {
			t.Errorf("operator for an account: applicant %d", c.ApplicantID)
		}

		// An Open311 client for one of its users: any organisation the
		// routing table picks.
		in = appeal.Submission{ReasonCode: heating, Text: "В квартире холодно, батареи чуть тёплые", HasPoint: true,
			Lat: northernPt[0], Lon: northernPt[1], Channel: casework.ChannelOpen311, AuthorHint: "User@Example.org",
			Contact: appeal.Contact{Email: "User@Example.org", DeviceID: "dev-1"}}
		o := f.submit(f.apiKey(7), in)
		if o.Channel != casework.ChannelOpen311 || o.OrgID != f.northern.ID || o.Token == "" {
			t.Errorf("Open311 appeal: channel %s, org %d, token %q", o.Channel, o.OrgID, o.Token)
		}
		f.row(o.CaseID, "author_key", &key)
		if want := hex.EncodeToString(f.keys.BlindIndex("appeal.author", "apikey:7:user@example.org")); key != want {
			t.Errorf("API client's author_key is not the blind index of key and hint")
		}

		// Personal data never in plain text outside the sealed case.
		for _, q := range []string{`SELECT COALESCE(address, '') || flags || author_key FROM appeals`,
			`SELECT COALESCE(before_digest, '') || after_digest || action FROM audit_entries`,
			`SELECT payload FROM outbox`} {
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				t.Logf("skip %q: %v", q, err)
				continue
			}
			for rows.Next() {
				var s string
				rows.Scan(&s)
				if strings.Contains(s, "9161234567") || strings.Contains(s, "Сидорова") || strings.Contains(s, "example.org") {
					t.Errorf("personal data in plain text: %q", s)
				}
			}
			rows.Close()
		}
	})
}

func TestSubmitHeatingRoutesByDistrict(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		in := appeal.Submission{ReasonCode: heating, Text: "В квартире холодно, батареи еле тёплые", HasPoint: true,
			Lat: centralPt[0], Lon: centralPt[1]}
		if a := f.submit(f.citizenA(), in); a.OrgID != f.housing.ID {
			t.Errorf("central heating went to %d, want the housing agency %d", a.OrgID, f.housing.ID)
		}
		in.Lat, in.Lon = northernPt[0], northernPt[1]
		if a := f.submit(f.citizenA(), in); a.OrgID != f.northern.ID {
			t.Errorf("northern heating went to %d, want the northern administration %d", a.OrgID, f.northern.ID)
		}
	})
}

// fieldKeys lists an error's field problems as "field:key".
func fieldKeys(err error) []string {
	var e *okno.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, fe := range e.Fields {
		out = append(out, fe.Field+":"+fe.Key)
	}
	slices.Sort(out)
	return out
}

func TestSubmitBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{MaxPhotoSize: 1 << 10})
		// One good appeal first, so that "nothing changed" is measured
		// against a non-empty world.
		f.submit(f.citizenA(), report(litterText))
		big := append(append([]byte{}, jpegPhoto...), make([]byte, 2<<10)...)
		type tc struct {
			name   string
			actor  okno.Actor
			edit   func(*appeal.Submission)
			code   okno.ErrorCode
			key    string
			fields []string
		}
		cit := f.citizenA()
		tests := []tc{
			{"anonymous", okno.Actor{}, nil, okno.EUNAUTHORIZED, "appeal.sign_in", nil},
			{"an official is no operator", f.specA(), nil, okno.EFORBIDDEN, "appeal.submit_forbidden", nil},
			{"for another citizen", cit, func(s *appeal.Submission) { s.ApplicantID = f.citizen2 }, okno.EFORBIDDEN, "appeal.submit_forbidden", nil},
			{"no reason", cit, func(s *appeal.Submission) { s.ReasonCode = "" }, okno.EINVALID, "", []string{"reason:appeal.reason_required"}},
			{"unknown reason", cit, func(s *appeal.Submission) { s.ReasonCode = "no-such" }, okno.EINVALID, "", []string{"reason:appeal.reason_unknown"}},
			{"unknown reason id", cit, func(s *appeal.Submission) { s.ReasonID = 999999 }, okno.EINVALID, "", []string{"reason:appeal.reason_unknown"}},
			{"no text", cit, func(s *appeal.Submission) { s.Text = "   " }, okno.EINVALID, "", []string{"text:appeal.text_required"}},
			{"short text", cit, func(s *appeal.Submission) { s.Text = "мусор" }, okno.EINVALID, "", []string{"text:appeal.text_short"}},
			{"text over 4000", cit, func(s *appeal.Submission) { s.Text = strings.Repeat("я", 4001) }, okno.EINVALID, "", []string{"text:appeal.text_long"}},
			{"NUL in text", cit, func(s *appeal.Submission) { s.Text = litterText + "\x00" }, okno.EINVALID, "", []string{"text:appeal.text_invalid"}},
			{"broken UTF-8", cit, func(s *appeal.Submission) { s.Text = litterText + "\xff" }, okno.EINVALID, "", []string{"text:appeal.text_invalid"}},
			{"long address", cit, func(s *appeal.Submission) { s.Address = strings.Repeat("д", 501) }, okno.EINVALID, "", []string{"address:appeal.too_long"}},
			{"no place", cit, func(s *appeal.Submission) { s.HasPoint, s.Address = false, "" }, okno.EINVALID, "", []string{"point:appeal.place_required"}},
			{"bad point", cit, func(s *appeal.Submission) { s.Lat = 95 }, okno.EINVALID, "", []string{"point:appeal.point_invalid"}},
			{"outside every district", cit, func(s *appeal.Submission) { s.Lat, s.Lon = seaPt[0], seaPt[1] }, okno.EINVALID, "", []string{"point:appeal.outside"}},
			{"outside, a city picked", cit, func(s *appeal.Submission) { s.Lat, s.Lon, s.TerritoryID = seaPt[0], seaPt[1], f.city }, okno.EINVALID, "", []string{"territory:appeal.territory_not_district"}},
			{"outside, unknown district", cit, func(s *appeal.Submission) { s.Lat, s.Lon, s.TerritoryID = seaPt[0], seaPt[1], 99999 }, okno.EINVALID, "", []string{"territory:appeal.territory_unknown"}},
			{"address without district", cit, func(s *appeal.Submission) { s.HasPoint = false }, okno.EINVALID, "", []string{"territory:appeal.territory_required"}},
			{"six photos", cit, func(s *appeal.Submission) {
				for range 6 {
					s.Photos = append(s.Photos, casework.Upload{Name: "a.jpg", Content: jpegPhoto})
				}
			}, okno.EINVALID, "", []string{"photos:appeal.photos_too_many"}},
			{"a PDF", cit, func(s *appeal.Submission) {
				s.Photos = []casework.Upload{{Name: "a.jpg", Content: jpegPhoto}, {Name: "скан.pdf", Content: pdfFile}}
			}, okno.EINVALID, "", []string{"photos:appeal.photo_not_image"}},
			{"text named .jpg", cit, func(s *appeal.Submission) {
				s.Photos = []casework.Upload{{Name: "фото.jpg", Content: []byte("<html>not a photo</html>")}}
			}, okno.EINVALID, "", []string{"photos:appeal.photo_not_image"}},
			{"huge photo", cit, func(s *appeal.Submission) { s.Photos = []casework.Upload{{Name: "big.jpg", Content: big}} }, okno.EINVALID, "", []string{"photos:appeal.photo_too_big"}},
			{"empty photo", cit, func(s *appeal.Submission) { s.Photos = []casework.Upload{{Name: "e.jpg"}} }, okno.EINVALID, "", []string{"photos:appeal.photo_empty"}},
			{"caller without name or phone", f.moderatorA(), nil, okno.EINVALID, "", []string{"contact.first_name:appeal.name_required", "contact.phone:ruid.required"}},
			{"caller with a bad phone", f.moderatorA(), func(s *appeal.Submission) {
				s.Contact = appeal.Contact{FirstName: "Мария", Phone: "12345"}
			}, okno.EINVALID, "", []string{"contact.phone:ruid.phone_format"}},
			{"API user with a bad e-mail", f.apiKey(1), func(s *appeal.Submission) { s.Contact.Email = "not-an-address" }, okno.EINVALID, "", []string{"contact.email:ruid.email_format"}},
			{"no route", cit, func(s *appeal.Submission) { s.ReasonCode = trade }, okno.EINVALID, "", []string{"reason:appeal.no_route"}},
			{"everything at once", cit, func(s *appeal.Submission) {
				s.ReasonCode, s.Text, s.Lat = "no-such", "", 95
				s.Photos = []casework.Upload{{Name: "x.jpg", Content: pdfFile}}
			}, okno.EINVALID, "", []string{"photos:appeal.photo_not_image", "point:appeal.point_invalid", "reason:appeal.reason_unknown", "text:appeal.text_required"}},
		}
		before := f.counts()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := report(litterText)
				if tt.edit != nil {
					tt.edit(&in)
				}
				_, err := f.s.Submit(context.Background(), tt.actor, in)
				if got := okno.ErrorCodeOf(err); got != tt.code {
					t.Fatalf("code %s, want %s (%v)", got, tt.code, err)
				}
				if tt.key != "" && okno.AsError(err).Key != tt.key {
					t.Errorf("key %s, want %s", okno.AsError(err).Key, tt.key)
				}
				if tt.fields != nil {
					if diff := cmp.Diff(tt.fields, fieldKeys(err)); diff != "" {
						t.Errorf("fields (-want +got):\n%s", diff)
					}
				}
				if diff := cmp.Diff(before, f.counts()); diff != "" {
					t.Errorf("bad input changed something (-before +after):\n%s", diff)
				}
			})
		}
	})
}

func TestSubmitOutsideTerritory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		// A point in the sea, the district picked by hand.
		in := report(litterText)
		in.Lat, in.Lon, in.TerritoryID = seaPt[0], seaPt[1], f.northernD
		a := f.submit(f.citizenA(), in)
		if a.TerritoryID != f.northernD || a.Lat != seaPt[0] || a.Lon != seaPt[1] {
			t.Errorf("picked district: territory %d, point %v,%v", a.TerritoryID, a.Lat, a.Lon)
		}
		// An address without a point: in the middle of its district.
		in = report(litterText)
		in.HasPoint, in.TerritoryID = false, f.centralD
		a = f.submit(f.citizenA(), in)
		if a.TerritoryID != f.centralD || a.Lat != 59.925 || a.Lon != 30.35 || a.Address != "ул. Литейная, 10" {
			t.Errorf("address only: territory %d, point %v,%v, address %q", a.TerritoryID, a.Lat, a.Lon, a.Address)
		}
		// A point inside a municipality belongs to its district.
		a = f.submit(f.citizenA(), report(litterText+" снова"))
		if a.TerritoryID != f.centralD {
			t.Errorf("a point in a municipality: territory %d, want the district %d", a.TerritoryID, f.centralD)
		}
	})
}

func TestSubmitIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		in := report(litterText)
		in.IdempotencyKey = "req-1"
		in.Photos = []casework.Upload{{Name: "a.png", Content: pngPhoto}}
		first := f.submit(f.citizenA(), in)
		before := f.counts()
		again := f.submit(f.citizenA(), in)
		if again.CaseID != first.CaseID || again.Text != first.Text || again.Token != first.Token {
			t.Errorf("retry: case %d (first %d), text %q, token %q", again.CaseID, first.CaseID, again.Text, again.Token)
		}
		if diff := cmp.Diff(before, f.counts()); diff != "" {
			t.Errorf("a retry stored something (-before +after):\n%s", diff)
		}
		// The key is per author.
		if other := f.submit(f.citizenB(), in); other.CaseID == first.CaseID {
			t.Error("another citizen's submission with the same key returned the first one's appeal")
		}
	})
}

func TestSubmitRateLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{PerHour: 2, PerDay: 3})
		ctx := context.Background()
		send := func(actor okno.Actor, i int) error {
			in := report(litterText + " номер " + strings.Repeat("ещё ", i))
			_, err := f.s.Submit(ctx, actor, in)
			return err
		}
		for i := range 2 {
			if err := send(f.citizenA(), i); err != nil {
				t.Fatal(err)
			}
			f.clock.Add(time.Minute)
		}
		before := f.counts()
		err := send(f.citizenA(), 3)
		if e := okno.AsError(err); e.Code != okno.ERATELIMITED || e.Key != "appeal.too_many" || e.Args[0] != 2 || e.Args[1] != "02.03.2026 11:00" {
			t.Fatalf("third in an hour: %v %v", err, e.Args)
		}
		if diff := cmp.Diff(before, f.counts()); diff != "" {
			t.Errorf("a refused appeal changed something (-before +after):\n%s", diff)
		}
		// Somebody else is not limited.
		if err := send(f.citizenB(), 0); err != nil {
			t.Errorf("another citizen: %v", err)
		}
		// An hour later one more, then the day is full.
		f.clock.Add(time.Hour)
		if err := send(f.citizenA(), 4); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
		err = send(f.citizenA(), 5)
		if e := okno.AsError(err); e.Code != okno.ERATELIMITED || e.Key != "appeal.too_many_day" {
			t.Fatalf("fourth in a day: %v", err)
		}
		// A caller is limited by phone number, whoever registers the call.
		caller := appeal.Contact{FirstName: "Мария", Phone: "+7 916 000-00-01"}
		for i := range 3 {
			in := report(litterText + strings.Repeat(" и", i))
			in.Contact = caller
			_, err = f.s.Submit(ctx, f.moderatorA(), in)
		}
		if okno.ErrorCodeOf(err) != okno.ERATELIMITED {
			t.Errorf("third call from one phone within the hour: %v", err)
		}
	})
}

func TestSubmitHTMLStoredAsGiven(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		text := `<script>alert("x")</script> Мусор <b>не вывозят</b> & пахнет, звоните +7 916 123-45-67`
		a := f.submit(f.citizenA(), report(text))
		if a.Text != text {
			t.Errorf("text %q, want it as given", a.Text)
		}
		f.act(f.moderatorA(), a.CaseID, "publish", "", nil)
		var public string
		f.row(a.CaseID, "public_text", &public)
		want := `<script>alert("x")</script> Мусор <b>не вывозят</b> & пахнет, звоните +7 *** ***-**-67`
		if public != want {
			t.Errorf("public text %q, want %q", public, want)
		}
	})
}

func TestSubmitFlags(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		ctx := context.Background()
		a := f.submit(f.citizenA(), report("Сосед с телефоном 8 916 123 45 67 бросает мусор из окна, ПОСМОТРИТЕ www.example.ru"))
		staffView, err := f.s.Get(ctx, f.specA(), a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, fl := range staffView.Flags {
			kinds = append(kinds, fl.Kind)
		}
		if diff := cmp.Diff([]string{appeal.FlagPersonalData, appeal.FlagLink}, kinds); diff != "" {
			t.Errorf("flags (-want +got):\n%s", diff)
		}
		if own, _ := f.s.Get(ctx, f.citizenA(), a.CaseID); own.Flags != nil {
			t.Errorf("the author sees flags: %v", own.Flags)
		}
		// The same text again from the same author: spam.
		b := f.submit(f.citizenA(), report(litterText))
		c := f.submit(f.citizenA(), report(litterText+"!"))
		for id, want := range map[int64]bool{b.CaseID: false, c.CaseID: true} {
			v, _ := f.s.Get(ctx, f.specA(), id)
			got := slices.ContainsFunc(v.Flags, func(fl appeal.Flag) bool { return fl.Kind == appeal.FlagSpam })
			if got != want {
				t.Errorf("case %d: spam flag %v, want %v (%v)", id, got, want, v.Flags)
			}
		}
	})
}

func TestGet(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		ctx := context.Background()
		in := report(litterText)
		in.Anonymous = true
		a := f.submit(f.citizenA(), in)
		for _, tt := range []struct {
			name  string
			actor okno.Actor
			text  bool
			flags bool
		}{
			{"author", f.citizenA(), true, false},
			{"official of the body", f.specA(), true, true},
			{"moderator in moderation", f.moderatorA(), true, true},
			{"controller above", f.controllerA(), true, true},
		} {
			got, err := f.s.Get(ctx, tt.actor, a.CaseID)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if (got.Text == litterText) != tt.text || !got.Anonymous || got.Version != 1 {
				t.Errorf("%s: text %q, anonymous %v, version %d", tt.name, got.Text, got.Anonymous, got.Version)
			}
			if got.AuthorName != "Иван" {
				t.Errorf("%s: author name %q", tt.name, got.AuthorName)
			}
		}
		for _, actor := range []okno.Actor{f.citizenB(), {}, staff(f.roadsman, f.roads, okno.RoleOfficial)} {
			if _, err := f.s.Get(ctx, actor, a.CaseID); okno.ErrorCodeOf(err) != okno.ENOTFOUND {
				t.Errorf("%s: %v, want not found", actor.Ref(), err)
			}
		}
		if _, err := f.s.Get(ctx, okno.System, 999999); okno.ErrorCodeOf(err) != okno.ENOTFOUND {
			t.Errorf("missing appeal: %v", err)
		}
	})
}

func TestSubmitMisfiled(t *testing.T) {
	// A model that knows litter from heating, trained on a few phrasings.
	var examples []textclass.Example
	for i, w := range []string{"двор", "площадка", "газон", "подъезд", "тротуар", "сквер"} {
		examples = append(examples,
			textclass.Example{Text: "куча мусора, " + w + " завален пакетами и бутылками " + strconv.Itoa(i), Label: "blag"},
			textclass.Example{Text: "в квартире холодно, батареи отопления еле тёплые, " + w + " " + strconv.Itoa(i), Label: "heating"})
	}
	m, err := textclass.Train(examples, textclass.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{}, func(d *appeal.Deps) { d.ModelPath = path })
		ctx := context.Background()
		// Heating filed as litter: flagged, with the likelier category.
		a := f.submit(f.citizenA(), report("В квартире холодно, батареи отопления еле тёплые"))
		v, err := f.s.Get(ctx, f.specA(), a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Flags) != 1 || v.Flags[0].Kind != appeal.FlagCategory || v.Flags[0].Detail != "heating" {
			t.Errorf("flags %v, want the category flag naming heating", v.Flags)
		}
		if v.Suggested == nil || v.Suggested.CategoryCode != "heating" || v.Suggested.Confidence < appeal.MisfiledConfidence {
			t.Errorf("suggestion %+v", v.Suggested)
		}
		// Litter filed as litter: nothing to say.
		b := f.submit(f.citizenA(), report("Куча мусора, двор завален пакетами и бутылками"))
		if v, _ := f.s.Get(ctx, f.specA(), b.CaseID); v.Flags != nil || v.Suggested != nil {
			t.Errorf("a well-filed appeal: flags %v, suggestion %+v", v.Flags, v.Suggested)
		}
	})
}
