package catalog

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/sqldb"
)

// photoTypes are the images a responsible person's photo may be: what
// every browser shows.
var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true}

// SetOwnerPhoto stores the photo of a service's responsible person (JPEG
// or PNG judged by content, at most MaxPhotoBytes), for services
// published or not (administrators of the region); audited, and the
// service's version moves on.
func (s *Catalog) SetOwnerPhoto(ctx context.Context, actor okno.Actor, code string, photo []byte) error {
	if err := s.mayEdit(ctx, actor); err != nil {
		return err
	}
	var fe okno.FieldErrors
	switch {
	case len(photo) > MaxPhotoBytes:
		fe.Add("photo", "catalog.photo_large", MaxPhotoBytes>>20)
	case !photoTypes[blob.Sniff(photo)]:
		fe.Add("photo", "catalog.photo_type")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if s.d.Blobs == nil {
		return okno.Errorf(okno.EINTERNAL, "catalog.photo_store")
	}
	// The blob is stored first: content-addressed, it is harmless if the
	// transaction then fails, and the row never names a missing file.
	obj, err := s.d.Blobs.Put(ctx, photo)
	if err != nil {
		return err
	}
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var before string
		if err := tx.QueryRowContext(ctx, `SELECT owner_photo FROM services WHERE code = ?`, code).Scan(&before); err != nil {
			return sqldb.NotFound(err, "catalog.service_not_found")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE services SET owner_photo = ?, version = version + 1, updated_at = ? WHERE code = ?`,
			obj.Address, sqldb.Now(s.d.Now()), code); err != nil {
			return err
		}
		_, err := s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "catalog.owner_photo.set", ObjectType: "service",
			ObjectID: code, Before: audit.Digest(before), After: audit.Digest(obj.Address)})
		return err
	})
}

// OwnerPhoto returns the photo of a published service's responsible person
// and its content type; ENOTFOUND when there is none.
func (s *Catalog) OwnerPhoto(ctx context.Context, code string) ([]byte, string, error) {
	var addr string
	if err := s.d.DB.QueryRowContext(ctx, `SELECT owner_photo FROM services WHERE code = ? AND published = ?`, code, true).Scan(&addr); err != nil {
		return nil, "", sqldb.NotFound(err, "catalog.photo_not_found")
	}
	if addr == "" || s.d.Blobs == nil {
		return nil, "", okno.Errorf(okno.ENOTFOUND, "catalog.photo_not_found")
	}
	b, err := s.d.Blobs.Get(ctx, addr)
	if err != nil {
		return nil, "", err
	}
	return b, blob.Sniff(b), nil
}
