package app

import (
	"context"
	"sync"
	"time"

	"github.com/okno/okno/outbox"
)

// registerMetrics exposes database pool and outbox figures, read at scrape time.
func (a *App) registerMetrics() {
	stats := outboxStatsOncePerScrape(a)
	a.Metrics.NewGaugeVecFunc("okno_db_connections", "Database connections by pool and state.", []string{"pool", "state"},
		func(emit func(v float64, values ...string)) {
			w, r := a.DB.Stats()
			emit(float64(w.InUse), "write", "in_use")
			emit(float64(w.Idle), "write", "idle")
			emit(float64(w.WaitCount), "write", "waited_total")
			emit(w.WaitDuration.Seconds(), "write", "waited_seconds_total")
			emit(float64(r.InUse), "read", "in_use")
			emit(float64(r.Idle), "read", "idle")
			emit(float64(r.WaitCount), "read", "waited_total")
			emit(r.WaitDuration.Seconds(), "read", "waited_seconds_total")
		})
	a.Metrics.NewGaugeVecFunc("okno_outbox_messages", "Outbox messages by state, and the age of the oldest due one.", []string{"state"},
		func(emit func(v float64, values ...string)) {
			st, ok := stats()
			if !ok {
				return
			}
			emit(float64(st.Pending), "pending")
			emit(float64(st.Due), "due")
			emit(float64(st.Running), "running")
			emit(float64(st.Dead), "dead")
		})
	a.Metrics.NewGaugeFunc("okno_outbox_lag_seconds", "How long the oldest due outbox message has waited.", func() float64 {
		st, _ := stats()
		return st.Lag.Seconds()
	})
}

// outboxStatsOncePerScrape returns a reader of the outbox figures that
// queries at most once a second, so the two outbox metrics of one scrape
// share one query.
func outboxStatsOncePerScrape(a *App) func() (outbox.Stats, bool) {
	var (
		mu   sync.Mutex
		at   time.Time
		st   outbox.Stats
		good bool
	)
	return func() (outbox.Stats, bool) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < time.Second {
			return st, good
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var err error
		st, err = a.Outbox.Stats(ctx)
		at, good = time.Now(), err == nil
		if err != nil {
			a.log.Warn("metrics: outbox stats", "err", err)
		}
		return st, good
	}
}
