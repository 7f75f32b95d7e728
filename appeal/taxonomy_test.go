package appeal_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestShippedTaxonomy checks the shipped file: 15 categories, codes ASCII
// and unique, every reason with a hint, an English title and canned
// replies.
func TestShippedTaxonomy(t *testing.T) {
	tax, err := appeal.ShippedTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	if len(tax.Categories) != 15 {
		t.Errorf("%d categories, want 15", len(tax.Categories))
	}
	code := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	n := 0
	for _, c := range tax.Categories {
		if !code.MatchString(c.Code) || c.TitleEn == "" {
			t.Errorf("category %q: code or English title", c.Title)
		}
		for _, r := range c.Reasons {
			n++
			if !code.MatchString(r.Code) || r.TitleEn == "" || r.Hint == "" {
				t.Errorf("reason %q: code %q, English title or hint missing", r.Title, r.Code)
			}
			if len(r.Replies) < 2 {
				t.Errorf("reason %s: %d canned replies, want at least 2", r.Code, len(r.Replies))
			}
			if got, _, ok := tax.Reason(r.Code); !ok || got.Title != r.Title {
				t.Errorf("Reason(%s) = %q, %v", r.Code, got.Title, ok)
			}
			if got, _, ok := tax.ReasonByTitle(c.Title, r.Title); !ok || got.Code != r.Code {
				t.Errorf("ReasonByTitle(%q) = %q, %v", r.Title, got.Code, ok)
			}
		}
	}
	if n < 120 {
		t.Errorf("%d reasons, want about 125", n)
	}
}

// TestTaxonomyCoversData checks that every category/subcategory pair of
// the Saint Petersburg data is a reason of the shipped taxonomy, so that
// history imports and the classifier's labels match.
func TestTaxonomyCoversData(t *testing.T) {
	recs := readPortalData(t)
	tax, err := appeal.ShippedTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	missing := map[[2]string]int{}
	for _, r := range recs {
		got, c, ok := tax.ReasonByTitle(r.Category, r.Subcategory)
		if !ok {
			missing[[2]string{r.Category, r.Subcategory}]++
			continue
		}
		if c.Title != r.Category || got.Title != r.Subcategory {
			t.Errorf("titles differ from the data: %q / %q", c.Title, got.Title)
		}
	}
	for k, n := range missing {
		t.Errorf("%d appeals of %q / %q: no reason", n, k[0], k[1])
	}
}

func TestSeedTaxonomy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newRoutingWorld(t, db) // seeds once
		shipped, _ := appeal.ShippedTaxonomy()
		reasons := 0
		for _, c := range shipped.Categories {
			reasons += len(c.Reasons)
		}
		seeded := 0
		for _, e := range w.log.Entries() {
			if e.Action == "appeal.category.create" || e.Action == "appeal.reason.create" {
				seeded++
			}
		}
		if seeded != len(shipped.Categories)+reasons {
			t.Errorf("%d audit entries of creation, want %d", seeded, len(shipped.Categories)+reasons)
		}
		audited := len(w.log.Entries())
		added, err := w.s.SeedTaxonomy(ctx)
		if err != nil || added != 0 {
			t.Errorf("second seed added %d, %v", added, err)
		}
		if len(w.log.Entries()) != audited {
			t.Error("second seed audited something")
		}
		lift, mkd := w.reason("mkd-lift")
		if lift.ID == 0 || lift.CategoryID != mkd.ID || lift.Hint == "" || len(lift.Replies) < 2 || lift.Replies[0].ID == 0 {
			t.Errorf("seeded reason: %+v", lift)
		}
		if got, _, ok := w.tax.ReasonByID(lift.ID); !ok || got.Code != "mkd-lift" {
			t.Errorf("ReasonByID = %+v, %v", got, ok)
		}
		// What administrators decide survives seeding.
		if err := w.s.SetLegalPeriod(ctx, w.admin, mkd.ID, 0, "8w"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.SeedTaxonomy(ctx); err != nil {
			t.Fatal(err)
		}
		tax, err := w.s.Taxonomy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p := tax.LegalPeriod(lift.ID); p == nil || p.String() != "8w" {
			t.Errorf("legal period after reseeding: %v", p)
		}
	})
}

func TestSetLegalPeriod(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newRoutingWorld(t, db)
		lift, mkd := w.reason("mkd-lift")
		intercom, _ := w.reason("mkd-intercom")
		_, blag := w.reason("blag-light-street")
		period := func(reasonID int64) string {
			t.Helper()
			tax, err := w.s.Taxonomy(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if p := tax.LegalPeriod(reasonID); p != nil {
				return p.String()
			}
			return ""
		}
		if got := period(lift.ID); got != "" {
			t.Errorf("shipped period %q, want the process's", got)
		}
		if err := w.s.SetLegalPeriod(ctx, w.admin, mkd.ID, 0, "8w"); err != nil {
			t.Fatal(err)
		}
		if err := w.s.SetLegalPeriod(ctx, w.admin, mkd.ID, lift.ID, " 5w "); err != nil {
			t.Fatal(err)
		}
		if got, got2 := period(lift.ID), period(intercom.ID); got != "5w" || got2 != "8w" {
			t.Errorf("periods: lift %q (want 5w), intercom %q (want the category's 8w)", got, got2)
		}
		if err := w.s.SetLegalPeriod(ctx, w.admin, mkd.ID, lift.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got := period(lift.ID); got != "8w" {
			t.Errorf("reset reason: %q, want the category's", got)
		}
		audited := len(w.log.Entries())
		for _, bad := range []string{"8", "-3d", "8x", "99999d", "восемь"} {
			err := w.s.SetLegalPeriod(ctx, w.admin, mkd.ID, 0, bad)
			if !okno.IsCode(err, okno.EINVALID) || routingFields(err)[0] != "legal_period" {
				t.Errorf("period %q: %v", bad, err)
			}
		}
		if err := w.s.SetLegalPeriod(ctx, w.admin, blag.ID, lift.ID, "8w"); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("reason of another category: %v", err)
		}
		official := okno.Actor{Kind: okno.ActorStaff, UserID: 8, OrgID: w.agency.ID, Roles: []okno.Role{okno.RoleOfficial}}
		if err := w.s.SetLegalPeriod(ctx, official, mkd.ID, 0, "8w"); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("an official: %v", err)
		}
		if len(w.log.Entries()) != audited {
			t.Error("rejected changes were audited")
		}
	})
}

func TestSetReplies(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newRoutingWorld(t, db)
		lift, _ := w.reason("mkd-lift")
		want := []appeal.Reply{{Title: "Лифт запущен", Body: "Уважаемый заявитель! Лифт по адресу [адрес] запущен [дата]."}}
		if err := w.s.SetReplies(ctx, w.admin, lift.ID, want); err != nil {
			t.Fatal(err)
		}
		tax, _ := w.s.Taxonomy(ctx)
		got, _, _ := tax.ReasonByID(lift.ID)
		if len(got.Replies) != 1 || got.Replies[0].Title != want[0].Title || got.Replies[0].Body != want[0].Body {
			t.Errorf("replies = %+v", got.Replies)
		}
		long := make([]rune, appeal.MaxReplyBody+1)
		for i := range long {
			long[i] = 'я'
		}
		err := w.s.SetReplies(ctx, w.admin, lift.ID, []appeal.Reply{{Title: "", Body: "x"}, {Title: "x", Body: string(long)}})
		if diff := routingFields(err); !okno.IsCode(err, okno.EINVALID) || len(diff) != 2 || diff[0] != "replies[0].title" || diff[1] != "replies[1].body" {
			t.Errorf("bad replies: %v %v", err, diff)
		}
		if err := w.s.SetReplies(ctx, okno.Actor{Kind: okno.ActorCitizen, UserID: 1}, lift.ID, want); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("a citizen: %v", err)
		}
		if err := w.s.SetReplies(ctx, w.admin, 999999, want); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("unknown reason: %v", err)
		}
	})
}
