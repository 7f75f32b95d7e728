package web

import (
	"testing"
	"time"
)

// TestSecurityServerTimeoutDefaults checks that a server configured with
// nothing — as app.Open configures it — still cuts off slow clients:
// every timeout of http.Server that Serve sets is on, the header timeout
// short, and headers limited. TestSecuritySlowClients proves Serve
// applies them.
func TestSecurityServerTimeoutDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": c.ReadHeaderTimeout, "ReadTimeout": c.ReadTimeout,
		"WriteTimeout": c.WriteTimeout, "IdleTimeout": c.IdleTimeout,
	} {
		if d <= 0 {
			t.Errorf("%s defaults to %v: slow clients can hold connections forever", name, d)
		}
	}
	if c.ReadHeaderTimeout > 10*time.Second {
		t.Errorf("ReadHeaderTimeout defaults to %v: a slow-loris client holds a connection that long per header", c.ReadHeaderTimeout)
	}
	if c.MaxHeaderBytes <= 0 || c.MaxHeaderBytes > 1<<20 {
		t.Errorf("MaxHeaderBytes defaults to %d", c.MaxHeaderBytes)
	}
	if c.MaxBodyBytes <= 0 || c.MaxBodyBytes > 8<<20 {
		t.Errorf("MaxBodyBytes defaults to %d", c.MaxBodyBytes)
	}
}
