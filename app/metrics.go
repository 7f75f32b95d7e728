package app

import (
	"context"
	"time"
)

// registerMetrics exposes database pool and outbox figures, read at scrape time.
func (a *App) registerMetrics() {
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
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			st, err := a.Outbox.Stats(ctx)
			if err != nil {
				a.log.Warn("metrics: outbox stats", "err", err)
				return
			}
			emit(float64(st.Pending), "pending")
			emit(float64(st.Due), "due")
			emit(float64(st.Running), "running")
			emit(float64(st.Dead), "dead")
		})
	a.Metrics.NewGaugeFunc("okno_outbox_lag_seconds", "How long the oldest due outbox message has waited.", func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		st, err := a.Outbox.Stats(ctx)
		if err != nil {
			return 0
		}
		return st.Lag.Seconds()
	})
}
