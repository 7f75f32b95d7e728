package web_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// TestSecurityOversizedBodies posts to every state-changing route of the
// route table a body one byte over the route's limit: declared in
// Content-Length (refused with 413 before a byte is read, whoever asks),
// and streamed in chunks without a length by an actor the route admits,
// with a valid CSRF token (refused while reading: 413 or the handler's
// error, never 5xx, never more read than the limit). The server answers
// a health check afterwards.
func TestSecurityOversizedBodies(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := securityWorld(t, live)
		addr := strings.TrimPrefix(live.URL, "http://")
		tokens := map[string]string{}
		for _, ra := range w.cast {
			if ra.token != "" {
				v := live.NewVisitor(t).SignedIn(ra.token)
				v.Get("/design")
				tokens[ra.name] = csrfTokenRE.FindStringSubmatch(v.Last)[1]
			}
		}
		const defaultLimit = 1 << 20 // web.Config's default, which the app keeps
		unsafe := 0
		for _, rt := range live.App.Web.Routes() {
			if rt.Method == "" || rt.Method == http.MethodGet || rt.Method == http.MethodHead || rt.Pattern == "/signout" {
				continue
			}
			unsafe++
			limit := rt.MaxBody
			if limit <= 0 {
				limit = defaultLimit
			}
			path := w.target(rt.Pattern)

			// Declared: only the headers are sent; the answer must come
			// without the body.
			res := declaredBody(t, addr, rt.Method, path, limit+1)
			want := http.StatusRequestEntityTooLarge
			if strings.HasPrefix(rt.Pattern, "/open311/") {
				want = http.StatusBadRequest // the GeoReport error documents know no 413
			}
			if res.StatusCode != want {
				t.Errorf("%s with Content-Length %d (limit %d): status %d, want %d", rt, limit+1, limit, res.StatusCode, want)
			}

			// Streamed: as the first actor the rule admits.
			h := map[string]string{}
			for _, ra := range w.cast {
				if ra.key != "" && rt.IsAPI() && rt.Access.Allows(ra.actor, ra.assurance) {
					h["Authorization"] = "Bearer " + ra.key
					break
				}
				if ra.token != "" && rt.Access.Allows(ra.actor, ra.assurance) {
					h["Cookie"], h[web.CSRFHeader] = "okno_session="+ra.token, tokens[ra.name]
					break
				}
			}
			ctype := "application/x-www-form-urlencoded"
			if rt.IsAPI() {
				ctype = "application/json"
			}
			req, err := http.NewRequest(rt.Method, live.URL+path, io.NopCloser(io.MultiReader(strings.NewReader("x="), &endless{n: limit})))
			mustOK(t, err)
			req.ContentLength = -1 // chunked: the server learns the size only by reading
			req.Header.Set("Content-Type", ctype)
			for k, v := range h {
				req.Header.Set(k, v)
			}
			if res, err := noRedirectClient.Do(req); err == nil {
				res.Body.Close()
				if res.StatusCode >= 500 {
					t.Errorf("%s streaming %d bytes (limit %d): status %d", rt, limit+2, limit, res.StatusCode)
				}
			} else if !isConnReset(err) {
				t.Errorf("%s streaming %d bytes: %v", rt, limit+2, err)
			}
		}
		if unsafe < 50 {
			t.Fatalf("posted to %d routes: the table has more", unsafe)
		}
		if status, body := rawRequest(t, live, "GET", "/healthz", "", "", nil); status != http.StatusOK {
			t.Fatalf("after the oversized bodies /healthz says %d %q", status, body)
		}
	})
}

// endless yields n bytes of 'a', as slowly as the reader takes them.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	for i := range p {
		p[i] = 'a'
	}
	e.n -= int64(len(p))
	return len(p), nil
}

// isConnReset reports whether err is the server hanging up on a body it
// refused to read further, which is how a refusal looks to a streaming
// client that has not finished writing.
func isConnReset(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe")
}

// declaredBody sends a request announcing length bytes of body without
// sending them, and reads the answer.
func declaredBody(t *testing.T, addr, method, path string, length int64) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	mustOK(t, err)
	defer conn.Close()
	mustOK(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	_, err = io.WriteString(conn, method+" "+path+" HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "+
		strconv.FormatInt(length, 10)+"\r\n\r\n")
	mustOK(t, err)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	mustOK(t, err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// slowServer is a real web.Server on a loopback port with short timeouts,
// so that slow clients are cut off quickly.
func slowServer(t *testing.T, cfg web.Config) string {
	t.Helper()
	f := webtest.NewFakes(webtest.Cast())
	s := web.New(cfg, f.Deps())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustOK(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestSecuritySlowClients plays slow-loris against web.Server.Serve with
// short timeouts: a client trickling its headers a byte at a time, one
// trickling its body, and one holding an idle keep-alive connection are
// each disconnected by the server, long before the client would have
// finished. The trickle needs real time between bytes: that is what a
// slow client is, and no clock can be injected into the kernel.
func TestSecuritySlowClients(t *testing.T) {
	cfg := webtest.Config()
	cfg.ReadHeaderTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout = 150*time.Millisecond, 300*time.Millisecond, time.Second, 200*time.Millisecond
	addr := slowServer(t, cfg)
	const patience = 20 * time.Second // what the test waits at most: far above every timeout

	cases := []struct {
		name    string
		head    string // sent at once
		trickle string // then a byte every tick
	}{
		{"headers", "GET /healthz HTTP/1.1\r\n", "Host: " + addr + "\r\nX-Slow: " + strings.Repeat("a", 4000) + "\r\n\r\n"},
		{"body", "POST /signin HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n", strings.Repeat("a", 4000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			mustOK(t, err)
			defer conn.Close()
			_, err = io.WriteString(conn, tc.head)
			mustOK(t, err)
			sent := make(chan int, 1)
			go func() {
				tick := time.NewTicker(10 * time.Millisecond)
				defer tick.Stop()
				n := 0
				for ; n < len(tc.trickle); n++ {
					<-tick.C
					if _, err := conn.Write([]byte{tc.trickle[n]}); err != nil {
						break
					}
				}
				sent <- n
			}()
			mustOK(t, conn.SetReadDeadline(time.Now().Add(patience)))
			_, err = io.Copy(io.Discard, conn)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server kept a slow client's connection open for %v", patience)
			}
			conn.Close()
			if n := <-sent; n >= len(tc.trickle) {
				t.Errorf("the client trickled all %d bytes before the server hung up", n)
			}
		})
	}

	t.Run("idle", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		mustOK(t, err)
		defer conn.Close()
		_, err = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
		mustOK(t, err)
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		mustOK(t, err)
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %d", res.StatusCode)
		}
		mustOK(t, conn.SetReadDeadline(time.Now().Add(patience)))
		_, err = io.Copy(io.Discard, br)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the server kept an idle keep-alive connection for %v", patience)
		}
	})
}
