package appeal

// Placeholder of the contract: the change that writes this file replaces it.

import (
	"context"
	"io"
	"time"
)

// ImportReport says what Import did.
type ImportReport struct {
	Read, Imported, Skipped, Failed int
	Took                            time.Duration
}

// Import loads historic appeals (the Saint Petersburg portal's export
// format, JSON lines) as closed cases with their answers and timelines.
func (s *Service) Import(ctx context.Context, r io.Reader) (ImportReport, error) {
	return ImportReport{}, errNotYet
}
