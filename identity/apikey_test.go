package identity

import (
	"context"
	"regexp"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// organisation inserts a bare organisation row for keys to belong to.
func organisation(t *testing.T, db *sqldb.DB) int64 {
	t.Helper()
	var orgID int64
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO organisations (kind, name, created_at, updated_at)
			VALUES ('agency', 'Комитет', ?, ?) RETURNING id`, testNow, testNow).Scan(&orgID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return orgID
}

func TestAPIKeys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		org := organisation(t, db)
		admin := okno.Actor{Kind: okno.ActorStaff, UserID: 4, OrgID: org, Roles: []okno.Role{okno.RoleAdmin}}
		otherAdmin := okno.Actor{Kind: okno.ActorStaff, UserID: 5, OrgID: org + 1, Roles: []okno.Role{okno.RoleAdmin}}

		if _, _, err := e.svc.CreateAPIKey(ctx, otherAdmin, "ЖКХ", org); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Fatalf("admin of another organisation: %v, want forbidden", err)
		}
		_, _, err := e.svc.CreateAPIKey(ctx, admin, " ", org)
		wantKey(t, err, okno.EINVALID, "identity.apikey_name_invalid")
		plain, k, err := e.svc.CreateAPIKey(ctx, admin, "Портал ЖКХ", org)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^okno_[a-z2-7]{8}_[a-z2-7]{52}$`).MatchString(plain) || plain[5:13] != k.Prefix {
			t.Fatalf("key %q (prefix %q) is not okno_<prefix>_<secret>", plain, k.Prefix)
		}
		got, err := e.svc.AuthenticateAPIKey(ctx, plain)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != k.ID || got.OrgID != org || got.Actor().Ref() != "apikey:"+id(k.ID)+"@org:"+id(org) || got.LastUsedAt.IsZero() {
			t.Errorf("AuthenticateAPIKey = %+v", got)
		}
		flipped := plain[:len(plain)-1] + "a"
		if flipped == plain {
			flipped = plain[:len(plain)-1] + "b"
		}
		for _, bad := range []string{"", "okno_", plain + "x", flipped} {
			if _, err := e.svc.AuthenticateAPIKey(ctx, bad); !okno.IsCode(err, okno.EUNAUTHORIZED) {
				t.Errorf("AuthenticateAPIKey(%q) = %v, want unauthorized", bad, err)
			}
		}
		keys, err := e.svc.ListAPIKeys(ctx, admin, org)
		if err != nil || len(keys) != 1 || keys[0].Name != "Портал ЖКХ" {
			t.Fatalf("ListAPIKeys = %+v, %v", keys, err)
		}
		wantKey(t, e.svc.RevokeAPIKey(ctx, otherAdmin, k.ID), okno.ENOTFOUND, "identity.apikey_not_found")
		if err := e.svc.RevokeAPIKey(ctx, admin, k.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AuthenticateAPIKey(ctx, plain)
		wantKey(t, err, okno.EUNAUTHORIZED, "identity.apikey_invalid")
		if err := e.svc.RevokeAPIKey(ctx, admin, k.ID); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
	})
}

// TestAPIKeyRoles: a key acts with the roles it was made with, and can
// never be made an administrator.
func TestAPIKeyRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		org := organisation(t, db)
		_, _, err := e.svc.CreateAPIKey(ctx, okno.System, "ЦУР", org, okno.RoleAdmin)
		wantKey(t, err, okno.EINVALID, "identity.apikey_role_invalid")
		_, _, err = e.svc.CreateAPIKey(ctx, okno.System, "ЦУР", org, okno.Role("mayor"))
		wantKey(t, err, okno.EINVALID, "identity.apikey_role_invalid")
		plain, _, err := e.svc.CreateAPIKey(ctx, okno.System, "ЦУР", org, okno.RoleOfficial, okno.RoleOperator)
		if err != nil {
			t.Fatal(err)
		}
		k, err := e.svc.AuthenticateAPIKey(ctx, plain)
		if err != nil {
			t.Fatal(err)
		}
		a := k.Actor()
		if !a.Has(okno.RoleOfficial) || !a.Has(okno.RoleOperator) || a.Has(okno.RoleAdmin) || len(a.Roles) != 2 {
			t.Errorf("key's actor roles = %v, want official and operator", a.Roles)
		}
	})
}
