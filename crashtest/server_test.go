package crashtest

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readyWithin bounds how long a start may take before the test gives up:
// far above any real recovery, so only a server that cannot start trips it.
const readyWithin = 60 * time.Second

// BinEnv names the variable that points the test at an okno binary
// built before (a release to check) instead of building cmd/okno.
const BinEnv = "OKNO_CRASH_BIN"

// buildOkno compiles cmd/okno into a temporary directory, so the test
// runs the binary an operator runs, with its own signal handling and
// start-up path.
func buildOkno(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv(BinEnv); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "okno")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/okno/okno/cmd/okno")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/okno: %v\n%s", err, out)
	}
	return bin
}

// freeAddr is a loopback address no one listens on now. The server is
// restarted on the same address, as a real one behind a proxy is.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is one okno process at a time on a fixed data directory,
// database and address.
type server struct {
	t    *testing.T
	bin  string
	data string // the data directory: keys, blobs and, for SQLite, the database
	dsn  string // "" for SQLite
	addr string
	logf *os.File // every process's stderr, appended, for a failure's story

	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
}

func newServer(t *testing.T, bin, dsn string) *server {
	t.Helper()
	data := t.TempDir()
	logf, err := os.Create(filepath.Join(t.TempDir(), "okno.log"))
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, bin: bin, data: data, dsn: dsn, addr: freeAddr(t), logf: logf}
	t.Cleanup(func() {
		s.kill()
		logf.Close()
	})
	return s
}

// URL is the server's base URL.
func (s *server) URL() string { return "http://" + s.addr }

// args are the flags every command gets: the same data, the same database.
func (s *server) args(cmd string, more ...string) []string {
	args := append(strings.Fields(cmd), "--data", s.data, "--sqlite-sync", "FULL", "--log-format", "text", "--log-level", "warn")
	if s.dsn != "" {
		args = append(args, "--db", s.dsn)
	}
	return append(args, more...)
}

// env is a clean environment: no OKNO_* setting of the developer's shell
// may change what the test runs.
func env() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TZ=UTC"}
}

// run runs a one-shot command (okno apikey create, okno audit verify) and
// returns its standard output.
func (s *server) run(cmd string, more ...string) (string, error) {
	s.t.Helper()
	c := exec.Command(s.bin, s.args(cmd, more...)...)
	c.Env = env()
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		return out.String() + errb.String(), err
	}
	return out.String(), nil
}

// start runs `okno <cmd>` and waits until /readyz answers 200. It returns
// the recovery time: from the process's start to the first 200.
func (s *server) start(cmd string) time.Duration {
	s.t.Helper()
	if s.cmd != nil {
		s.t.Fatal("start: a server is already running")
	}
	c := exec.Command(s.bin, s.args(cmd, "--addr", s.addr)...)
	c.Env = env()
	c.Stdout, c.Stderr = s.logf, s.logf
	began := time.Now()
	if err := c.Start(); err != nil {
		s.t.Fatalf("start okno %s: %v", cmd, err)
	}
	s.cmd, s.exited = c, make(chan struct{})
	go func(done chan struct{}) {
		_ = c.Wait()
		close(done)
	}(s.exited)
	if err := s.waitReady(); err != nil {
		s.t.Fatalf("okno %s did not become ready: %v\n%s", cmd, err, s.logTail())
	}
	return time.Since(began)
}

// waitReady polls /readyz until it answers 200, the process exits, or
// readyWithin passes. Polling is the client's view: the server is back
// when it answers.
func (s *server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyWithin)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/readyz", nil)
		if res, err := client.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.exited:
			return errExited
		case <-tick.C:
		}
	}
}

var errExited = errors.New("the process exited")

// kill sends SIGKILL — no shutdown hook runs, no buffer is flushed — and
// waits for the process to be gone.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
	s.cmd = nil
}

// stop asks the process to shut down gracefully and waits for it.
func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(readyWithin):
		s.t.Errorf("okno did not stop on SIGTERM within %s", readyWithin)
		s.kill()
	}
	s.cmd = nil
}

// logTail is the end of what the processes wrote, for failure messages.
func (s *server) logTail() string {
	b, err := os.ReadFile(s.logf.Name())
	if err != nil {
		return err.Error()
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
