package appeal

// Placeholder of the contract: the change that writes this file replaces it.

import (
	"context"

	"github.com/okno/okno/outbox"
)

// analyticsJobs registers the analytics' outbox handlers (refreshing
// pre-aggregates).
func (s *Service) analyticsJobs(q *outbox.Queue) {
	q.Register(AnalyticsTopic, func(context.Context, outbox.Message) error { return nil })
}
