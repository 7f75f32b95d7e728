package identity

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/storetest"
)

func TestPasswordHash(t *testing.T) {
	s := New(nil, nil, nil, nil, nil, Options{})
	h, err := s.hashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q, want argon2id PHC with the default parameters", h)
	}
	h2, _ := s.hashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	for _, tt := range []struct {
		pw     string
		ok     bool
		rehash bool
	}{{"correct horse battery", true, false}, {"correct horse batterY", false, false}, {"", false, false}} {
		ok, rehash, err := s.verifyPassword(h, tt.pw)
		if err != nil || ok != tt.ok || rehash != tt.rehash {
			t.Errorf("verify(%q) = %v, %v, %v; want %v, %v", tt.pw, ok, rehash, err, tt.ok, tt.rehash)
		}
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x,t=1,p=1$AA$AAAAAAAAAAAAAAAAAAAAAA", "$argon2id$v=19$m=8,t=1,p=1$!!$AAAAAAAAAAAAAAAAAAAAAA"} {
		if _, _, err := s.verifyPassword(bad, "x"); err == nil {
			t.Errorf("verify accepted malformed hash %q", bad)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	tests := []struct {
		pw   string
		want []okno.FieldError
	}{
		{"correct horse battery", nil},
		{"пароль12", nil}, // eight characters in 14 bytes: length counts characters
		{"пароль1", []okno.FieldError{{Field: "password", Key: "identity.password_short", Args: []any{8}}}},
		{"QWERTY123", []okno.FieldError{{Field: "password", Key: "identity.password_common"}}},
		{strings.Repeat("a", 257), []okno.FieldError{{Field: "password", Key: "identity.password_long", Args: []any{256}}}},
	}
	for _, tt := range tests {
		var got []okno.FieldError
		if err := checkPassword(tt.pw, "password"); err != nil {
			got = okno.AsError(err).Fields
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("checkPassword(%.10q) (-want +got):\n%s", tt.pw, diff)
		}
	}
}

func BenchmarkHashPassword(b *testing.B) {
	s := New(nil, nil, nil, nil, nil, Options{})
	for b.Loop() {
		if _, err := s.hashPassword("correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignIn is a whole successful citizen sign-in on SQLite with the
// default argon2id cost: throttle checks, hash, new session, audit entry.
func BenchmarkSignIn(b *testing.B) {
	e := newEnv(b, storetest.OpenSQLite(b))
	e.svc.opts.Password = DefaultArgon2
	e.citizen("ivan@mail.ru", "correct horse battery")
	ctx := context.Background()
	cr := Credentials{Contact: "ivan@mail.ru", Password: "correct horse battery", IP: "192.0.2.1"}
	for b.Loop() {
		if _, err := e.svc.SignIn(ctx, cr); err != nil {
			b.Fatal(err)
		}
	}
}
