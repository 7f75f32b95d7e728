package paydemo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/okno/okno/payment"
)

// chaosDelay holds notifications back under the chaos switch, so that
// several pile up and go out shuffled.
const chaosDelay = 2 * time.Second

// queueLocked queues a notification of event about p (as it is now).
func (s *Server) queueLocked(event string, p *demoPayment, rf *payment.ProviderRefund) {
	now := s.o.Now().UTC()
	n := payment.Notification{ID: newID("ntf_"), Event: event, CreatedAt: now, Payment: p.ProviderPayment, Refund: rf}
	n.Payment.ConfirmationURL = ""
	at := now
	if s.o.Chaos {
		at = now.Add(chaosDelay)
	}
	s.st.Queue = append(s.st.Queue, &delivery{Notification: n, NextAt: at})
}

// nudge wakes Run to deliver now.
func (s *Server) nudge() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Pending reports how many notifications wait to be acknowledged.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.st.Queue)
}

// Deliver sends every notification that is due once (and, under the chaos
// switch, in a shuffled order with some sent twice), and reports how many
// were acknowledged. One not acknowledged with a 2xx is tried again later,
// the wait doubling from a second up to ten minutes, until MaxAttempts.
func (s *Server) Deliver(ctx context.Context) int {
	s.sending.Lock()
	defer s.sending.Unlock()
	now := s.o.Now()
	s.mu.Lock()
	var due []*delivery
	for _, d := range s.st.Queue {
		if !d.NextAt.After(now) {
			due = append(due, d)
		}
	}
	if s.o.Chaos {
		s.rnd.Shuffle(len(due), func(i, j int) { due[i], due[j] = due[j], due[i] })
	}
	twice := make([]bool, len(due))
	for i := range due {
		twice[i] = s.o.Chaos && s.rnd.IntN(2) == 0
	}
	s.mu.Unlock()

	done := map[*delivery]bool{}
	for i, d := range due {
		if ctx.Err() != nil {
			break
		}
		ok := s.send(ctx, d.Notification)
		if ok && twice[i] {
			s.send(ctx, d.Notification) // the same notification again: Okno must ignore it
		}
		done[d] = ok
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.st.Queue[:0]
	acked := 0
	for _, d := range s.st.Queue {
		ok, tried := done[d]
		switch {
		case ok:
			acked++
			continue
		case tried:
			d.Attempts++
			if d.Attempts >= s.o.MaxAttempts {
				s.o.Log.Warn("paydemo: notification dropped", "id", d.Notification.ID, "attempts", d.Attempts)
				continue
			}
			d.NextAt = now.Add(min(time.Second<<(d.Attempts-1), 10*time.Minute))
		}
		kept = append(kept, d)
	}
	clear(s.st.Queue[len(kept):])
	s.st.Queue = kept
	if err := s.saveLocked(); err != nil {
		s.o.Log.Error("paydemo: save", "err", err)
	}
	return acked
}

// send POSTs one signed notification and reports whether it was
// acknowledged.
func (s *Server) send(ctx context.Context, n payment.Notification) bool {
	body, err := json.Marshal(n)
	if err != nil {
		return false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.o.NotifyURL, bytes.NewReader(body))
	if err != nil {
		return false
	}
	ts := s.o.Now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(payment.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(payment.HeaderSignature, payment.Sign(s.o.Secret, ts, body))
	resp, err := s.o.Client.Do(req)
	if err != nil {
		s.o.Log.Warn("paydemo: notify", "id", n.ID, "err", err)
		return false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		s.o.Log.Warn("paydemo: notify refused", "id", n.ID, "status", resp.StatusCode)
	}
	return resp.StatusCode/100 == 2
}

// Run delivers notifications until ctx is done: at once after a change,
// and every second for retries.
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-t.C:
		}
		s.Deliver(ctx)
	}
}

// load reads the state file, if any.
func (s *Server) load() error {
	if s.o.StateFile == "" {
		return nil
	}
	b, err := os.ReadFile(s.o.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("paydemo: state file %s: %w", s.o.StateFile, err)
	}
	if st.Payments == nil {
		st.Payments = map[string]*demoPayment{}
	}
	if st.Keys == nil {
		st.Keys = map[string]keyUse{}
	}
	s.st = st
	return nil
}

// saveLocked rewrites the state file (a temporary file renamed over it,
// so a crash leaves the old or the new one whole).
func (s *Server) saveLocked() error {
	if s.o.StateFile == "" {
		return nil
	}
	b, err := json.Marshal(s.st)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.o.StateFile), ".paydemo-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), s.o.StateFile)
}
