package vault

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mustLoad returns a keyring with a fresh key file in a temporary data directory.
func mustLoad(tb testing.TB) *Keyring {
	tb.Helper()
	k, err := Load(tb.TempDir(), "")
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := mustLoad(t)
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"ascii", []byte("ivanov@example.ru")},
		{"russian", []byte("г. Казань, ул. Баумана, д. 1, кв. 2")},
		{"binary", bytes.Repeat([]byte{0, 0xff}, 4096)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blob, err := k.Seal(tt.plaintext, "users.email_enc:42")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(blob), len(tt.plaintext)+Overhead; got != want {
				t.Errorf("len(blob) = %d, want %d", got, want)
			}
			if len(tt.plaintext) > 4 && bytes.Contains(blob, tt.plaintext) {
				t.Error("blob contains the plaintext")
			}
			got, err := k.Open(blob, "users.email_enc:42")
			if err != nil {
				t.Fatal(err)
			}
			// Empty and nil both open as an empty, non-nil slice.
			want := tt.plaintext
			if want == nil {
				want = []byte{}
			}
			if got == nil {
				t.Error("Open returned nil, want a non-nil slice")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Open (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSealIsRandomised(t *testing.T) {
	k := mustLoad(t)
	a, err := k.Seal([]byte("same"), "t.c:1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.Seal([]byte("same"), "t.c:1")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same value are equal; want fresh data keys and nonces")
	}
}

func TestSealRefusesEmptyAAD(t *testing.T) {
	k := mustLoad(t)
	if _, err := k.Seal([]byte("x"), ""); err == nil {
		t.Fatal("Seal with empty aad succeeded, want an error")
	}
}

func TestOpenWrongAADFails(t *testing.T) {
	k := mustLoad(t)
	blob, err := k.Seal([]byte("123-456-789 01"), "users.snils_enc:42")
	if err != nil {
		t.Fatal(err)
	}
	for _, aad := range []string{"users.snils_enc:43", "users.inn_enc:42", "", "users.snils_enc:42 "} {
		if _, err := k.Open(blob, aad); !errors.Is(err, ErrAuth) {
			t.Errorf("Open with aad %q: err = %v, want ErrAuth", aad, err)
		}
	}
}

func TestOpenFailsOnAnyFlippedByte(t *testing.T) {
	k := mustLoad(t)
	blob, err := k.Seal([]byte("+79001234567"), "users.phone_enc:7")
	if err != nil {
		t.Fatal(err)
	}
	for i := range blob {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(blob)
			bad[i] ^= mask
			_, err := k.Open(bad, "users.phone_enc:7")
			if !errors.Is(err, ErrAuth) && !errors.Is(err, ErrUnknownKey) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("byte %d ^ %#x: err = %v, want a vault error", i, mask, err)
			}
		}
	}
	for _, n := range []int{0, 1, Overhead - 1, len(blob) - 1} {
		if _, err := k.Open(blob[:n], "users.phone_enc:7"); err == nil {
			t.Errorf("Open of %d-byte prefix succeeded", n)
		}
	}
	if _, err := k.Open(append(bytes.Clone(blob), 0), "users.phone_enc:7"); !errors.Is(err, ErrAuth) {
		t.Errorf("Open with a trailing byte: err = %v, want ErrAuth", err)
	}
}

func TestOpenOtherInstallationFails(t *testing.T) {
	blob, err := mustLoad(t).Seal([]byte("x"), "t.c:1")
	if err != nil {
		t.Fatal(err)
	}
	// Both key files have a master key 1, but not the same one.
	if _, err := mustLoad(t).Open(blob, "t.c:1"); !errors.Is(err, ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
}

func TestBlindIndex(t *testing.T) {
	k := mustLoad(t)
	got := k.BlindIndex("email", "ivanov@example.ru")
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte("email\x00ivanov@example.ru"))
	if diff := cmp.Diff(m.Sum(nil), got); diff != "" {
		t.Errorf("BlindIndex (-want +got):\n%s", diff)
	}
	if len(got) != 32 {
		t.Errorf("len = %d, want 32", len(got))
	}
	if !bytes.Equal(got, k.BlindIndex("email", "ivanov@example.ru")) {
		t.Error("BlindIndex is not deterministic")
	}
	distinct := [][2]string{
		{"email", "ivanov@example.ru"},
		{"phone", "ivanov@example.ru"},
		{"ab", "c"},
		{"a", "bc"},
	}
	seen := map[string][2]string{}
	for _, dv := range distinct {
		h := string(k.BlindIndex(dv[0], dv[1]))
		if prev, ok := seen[h]; ok {
			t.Errorf("BlindIndex%q = BlindIndex%q", dv, prev)
		}
		seen[h] = dv
	}
	if bytes.Equal(got, mustLoad(t).BlindIndex("email", "ivanov@example.ru")) {
		t.Error("two installations give the same blind index")
	}
}

func BenchmarkSeal(b *testing.B) {
	for _, n := range []int{32, 1024} {
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			k := mustLoad(b)
			pt := bytes.Repeat([]byte("a"), n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Seal(pt, "users.email_enc:42"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{32, 1024} {
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			k := mustLoad(b)
			blob, err := k.Seal(bytes.Repeat([]byte("a"), n), "users.email_enc:42")
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Open(blob, "users.email_enc:42"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	k := mustLoad(b)
	b.ReportAllocs()
	for b.Loop() {
		k.BlindIndex("email", "ivanov@example.ru")
	}
}
