package casework_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestOpenIdempotent: a retried open — even two at once — returns the
// case the first one made; another actor's same key is another case.
func TestOpenIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		in := casework.NewCase{Process: "appeal", OrgID: f.housing.ID, Subject: "Открытый люк", IdempotencyKey: "form-7f3a"}
		ids := make([]int64, 4)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				c, err := f.s.Open(ctx, f.citizenActor(), in)
				if err != nil {
					t.Errorf("open %d: %v", i, err)
				}
				ids[i] = c.ID
			})
		}
		wg.Wait()
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Fatalf("retried opens made cases %v, want one", ids)
			}
		}
		other, err := f.s.Open(ctx, citizen(f.u.otherCitizen), in)
		if err != nil {
			t.Fatal(err)
		}
		if other.ID == ids[0] {
			t.Errorf("another citizen's open with the same key returned the first citizen's case")
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d cases, want 2 (%v)", n, err)
		}
		opened := 0
		for _, e := range f.log.Entries() {
			if e.Action == "case.open" {
				opened++
			}
		}
		if opened != 2 {
			t.Errorf("%d case.open audit entries, want 2", opened)
		}
	})
}

// TestOpen: who may open for whom, and what opening checks.
func TestOpen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		base := casework.NewCase{Process: "appeal", OrgID: f.housing.ID, Subject: "Тема"}
		with := func(mod func(*casework.NewCase)) casework.NewCase { in := base; mod(&in); return in }
		apiKey := okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 3, OrgID: f.housing.ID, Roles: []okno.Role{okno.RoleOfficial}}
		for _, tc := range []struct {
			name    string
			actor   okno.Actor
			in      casework.NewCase
			code    okno.ErrorCode
			fields  []okno.FieldError
			channel casework.Channel
		}{
			{"a citizen for themself", f.citizenActor(), base, "", nil, casework.ChannelWeb},
			{"a citizen for another", f.citizenActor(), with(func(in *casework.NewCase) { in.ApplicantID = f.u.otherCitizen }), okno.EFORBIDDEN, nil, ""},
			{"anonymous", okno.Actor{}, base, okno.EUNAUTHORIZED, nil, ""},
			{"an operator for any organisation", f.operatorActor(), with(func(in *casework.NewCase) { in.ApplicantID = f.u.citizen }), "", nil, casework.ChannelOperator},
			{"an official for their organisation", f.specActor(), base, "", nil, casework.ChannelOperator},
			{"an official for another organisation", staff(f.u.otherOfficial, f.other, okno.RoleOfficial), base, okno.EFORBIDDEN, nil, ""},
			{"a supervisor", f.bossActor(), base, okno.EFORBIDDEN, nil, ""},
			{"an API key for its organisation", apiKey, base, "", nil, casework.ChannelAPI},
			{"an API key for another", okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: 3, OrgID: f.other.ID}, base, okno.EFORBIDDEN, nil, ""},
			{"the system", okno.System, base, "", nil, casework.ChannelSystem},
			{"nothing given", f.citizenActor(), casework.NewCase{Subject: "  "}, okno.EINVALID, []okno.FieldError{
				{Field: "process", Key: "casework.process_required"}, {Field: "org", Key: "casework.org_required"},
				{Field: "subject", Key: "casework.subject_required"}}, ""},
			{"unknowns", f.citizenActor(), with(func(in *casework.NewCase) { in.Process, in.OrgID, in.PositionID = "nope", 9999, 1 }),
				okno.EINVALID, []okno.FieldError{{Field: "process", Key: "casework.process_unknown"}, {Field: "org", Key: "casework.org_unknown"}}, ""},
			{"an applicant with no account", f.operatorActor(), with(func(in *casework.NewCase) { in.ApplicantID = 999999 }),
				okno.EINVALID, []okno.FieldError{{Field: "applicant", Key: "casework.applicant_unknown"}}, ""},
			{"a position of another organisation", f.citizenActor(), with(func(in *casework.NewCase) { in.PositionID = f.pos.other.ID }),
				okno.EINVALID, []okno.FieldError{{Field: "position", Key: "casework.position_unknown"}}, ""},
			{"too much", f.citizenActor(), with(func(in *casework.NewCase) {
				in.Subject = strings.Repeat("я", 301)
				in.Data = map[string]any{"text": strings.Repeat("x", 256<<10)}
				in.LegalClock = &calendar.Period{Days: 0}
			}), okno.EINVALID, []okno.FieldError{{Field: "subject", Key: "casework.too_long", Args: []any{300}},
				{Field: "data", Key: "casework.data_too_large", Args: []any{256}},
				{Field: "legal_clock", Key: "casework.legal_clock_invalid", Args: []any{3650}}}, ""},
		} {
			c, err := f.s.Open(ctx, tc.actor, tc.in)
			if okno.ErrorCodeOf(err) != tc.code {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.code)
				continue
			}
			if err != nil {
				if diff := cmp.Diff(tc.fields, okno.AsError(err).Fields); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tc.name, diff)
				}
				continue
			}
			if c.Channel != tc.channel {
				t.Errorf("%s: channel %s, want %s", tc.name, c.Channel, tc.channel)
			}
		}

		// A shorter legal clock for a category: 8 working days.
		c, err := f.s.Open(ctx, f.citizenActor(), with(func(in *casework.NewCase) {
			in.LegalClock = &calendar.Period{Days: 8, Unit: calendar.WorkingDays}
		}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Legal.Period.String() != "8w" || !c.Legal.Due.Equal(midnight(2026, 3, 14)) {
			t.Errorf("legal clock %s due %v, want 8w due 14 March", c.Legal.Period, c.Legal.Due)
		}
	})
}
