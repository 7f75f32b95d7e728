package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestDigestIsOfCanonicalJSON(t *testing.T) {
	type caseState struct {
		State string `json:"state"`
		Note  string `json:"note"`
		N     int    `json:"n"`
	}
	type reordered struct {
		N     int    `json:"n"`
		Note  string `json:"note"`
		State string `json:"state"`
	}
	tests := []struct {
		name string
		v    any
		want string // the canonical JSON whose SHA-256 Digest must be
	}{
		{"struct", caseState{"review", "a<b & c", 3}, `{"n":3,"note":"a<b & c","state":"review"}`},
		{"same fields, other order", reordered{3, "a<b & c", "review"}, `{"n":3,"note":"a<b & c","state":"review"}`},
		{"nested map", map[string]any{"b": []any{1.5, map[string]int{"z": 1, "a": 2}}, "a": nil}, `{"a":null,"b":[1.5,{"a":2,"z":1}]}`},
		{"large integer kept exact", map[string]int64{"id": 1<<53 + 1}, `{"id":9007199254740993}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hex.EncodeToString(Digest(tt.v))
			sum := sha256.Sum256([]byte(tt.want))
			want := hex.EncodeToString(sum[:])
			if got != want {
				t.Fatalf("Digest = %s, want SHA-256 of %s = %s", got, tt.want, want)
			}
		})
	}
}

func TestDigestPanicsOnWhatJSONCannotHold(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Digest of a channel did not panic")
		}
	}()
	Digest(make(chan int))
}
