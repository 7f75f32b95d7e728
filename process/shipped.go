package process

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/okno/okno"
)

// shipped holds the definitions every installation starts with: the
// citizen appeal, the service application and the pre-trial complaint.
//
//go:embed shipped/*.yaml
var shipped embed.FS

// Shipped returns the definitions shipped with Okno, by file name
// ("appeal.yaml"), for publishing and for the command line's examples.
func Shipped() (map[string][]byte, error) {
	names, err := fs.Glob(shipped, "shipped/*.yaml")
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(names))
	for _, n := range names {
		b, err := shipped.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out[path.Base(n)] = b
	}
	return out, nil
}

// shippedRetries is how often PublishShipped retries a process that another
// node published at the same moment; the retry finds it published.
const shippedRetries = 3

// PublishShipped publishes each shipped definition whose text no version of
// its process holds yet: on a new installation all of them, after an
// upgrade the ones Okno changed. A version an administrator published
// later is kept until a new Okno ships a changed text; to keep a process of
// one's own for good, publish it under another name. Nodes starting
// together are safe: a node that loses the race retries and finds the text
// published. Files are published in name order, so a shipped process with
// children must sort after them. One that cannot be published (an
// administrator gave its name to a process of another kind) does not keep
// the others from being published; the error names each.
func (r *Registry) PublishShipped(ctx context.Context) error {
	files, err := fs.Glob(shipped, "shipped/*.yaml")
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range files {
		src, err := shipped.ReadFile(name)
		if err != nil {
			return err
		}
		for attempt := 0; ; attempt++ {
			_, _, err = r.publish(ctx, okno.System, src, true)
			if err == nil || !okno.IsCode(err, okno.ECONFLICT) || attempt == shippedRetries {
				break
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("process: publish shipped %s: %w", path.Base(name), err))
		}
	}
	return errors.Join(errs...)
}
