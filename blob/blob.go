// Package blob keeps files — attachments, photos, result documents — as
// content-addressed objects: the address is the SHA-256 of the content, so
// storing the same file twice stores it once and an address can never
// point at changed bytes. The file system store keeps them under the data
// directory, sealed with package vault's keys (attachments are personal
// data); an S3-compatible store can implement the same interface later.
//
// Types are told by content, never by the name a file came with.
package blob

import "context"

// Object describes a stored file.
type Object struct {
	Address   string // lowercase hex SHA-256 of the content
	Size      int64
	MediaType string // sniffed from the content, e.g. "image/jpeg", "application/pdf"
}

// Store keeps objects. Put is idempotent: the same content gives the same
// object. Get of an unknown address is an okno ENOTFOUND error.
type Store interface {
	Put(ctx context.Context, content []byte) (Object, error)
	Get(ctx context.Context, address string) ([]byte, error)
	// Preview returns a JPEG at most PreviewSize pixels on its longer side
	// of an image object, made on first request and kept; other types
	// give an EINVALID error.
	Preview(ctx context.Context, address string) ([]byte, error)
}

// PreviewSize is the longer side of a preview, in pixels.
const PreviewSize = 480
