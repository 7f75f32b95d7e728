package web

import "testing"

func TestTileSource(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"", ""},
		{"https://tile.openstreetmap.org/{z}/{x}/{y}.png", " https://tile.openstreetmap.org"},
		{"https://{s}.tile.example.org/{z}/{x}/{y}.png", " https://*.tile.example.org"},
		{"http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", " http://127.0.0.1:8080"},
		{"javascript:alert(1)", ""},
		{"https://evil.example; script-src *", ""},
		{"/tiles/{z}/{x}/{y}.png", ""},
	} {
		if got := tileSource(tt.url); got != tt.want {
			t.Errorf("tileSource(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
