package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/okno/okno/paydemo"
)

const paydemoUsage = `usage: okno paydemo --secret-file FILE --notify-url URL [--addr 127.0.0.1:8099] [--public-url URL] [--state-file FILE] [--chaos]`

// cmdPaydemo runs the demonstration payment provider: its own HTTP server,
// no database, no money (okno paydemo).
func cmdPaydemo(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("paydemo", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", "127.0.0.1:8099", "address to listen on")
	secretFile := fs.String("secret-file", "", "file holding the secret shared with Okno (at least 16 bytes): signs notifications, authenticates API calls")
	notifyURL := fs.String("notify-url", "", "Okno's notification endpoint, e.g. http://127.0.0.1:8080/api/v1/payments/notifications")
	publicURL := fs.String("public-url", "", "this server's address as a browser reaches it (default http://ADDR)")
	stateFile := fs.String("state-file", "", "keep the demo's state in this JSON file across restarts (default: memory only)")
	chaos := fs.Bool("chaos", false, "test switch: send notifications late, shuffled, and many of them twice")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *secretFile == "" || *notifyURL == "" {
		return exitError{2, paydemoUsage}
	}
	secret, err := os.ReadFile(*secretFile)
	if err != nil {
		return fmt.Errorf("paydemo: secret: %w", err)
	}
	secret = bytes.TrimSpace(secret)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer ln.Close()
	if *publicURL == "" {
		*publicURL = "http://" + ln.Addr().String()
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	srv, err := paydemo.New(paydemo.Options{Secret: secret, NotifyURL: *notifyURL, PublicURL: *publicURL,
		StateFile: *stateFile, Chaos: *chaos, Log: log})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ДЕМОНСТРАЦИОННАЯ платёжная система — деньги не списываются.\nAPI: %s/api/v1  notifications → %s  chaos: %v\n",
		*publicURL, *notifyURL, *chaos)
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	wg.Go(func() { srv.Run(runCtx) })
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = hs.Shutdown(shutdown)
	}
	stop()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
