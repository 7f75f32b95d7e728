package appeal

// Placeholder of the contract: the change that writes this file replaces it.

import (
	"context"
	"github.com/okno/okno/outbox"
)

type modelHolder struct{}

// Suggest returns the k likeliest reasons or categories for text.
func (s *Service) Suggest(text string, k int) []Suggestion { return nil }

// classifierJobs registers the classifier's outbox handlers (scheduled
// retraining from history).
func (s *Service) classifierJobs(q *outbox.Queue) {
	q.Register(ClassifierTopic, func(context.Context, outbox.Message) error { return nil })
}
