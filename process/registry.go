package process

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// Registry stores published versions of definitions in process_versions
// and hands them out parsed. A version is immutable once published, so
// parsed definitions are cached by id for the life of the Registry; the
// cache holds at most one entry per published version, which are few.
// Callers share the cached *Definition and must not change it.
type Registry struct {
	db  *sqldb.DB
	log audit.Appender
	now func() time.Time

	mu    sync.Mutex
	cache map[int64]Version
}

// NewRegistry returns the registry over db; publications are audited in log.
func NewRegistry(db *sqldb.DB, log audit.Appender, now func() time.Time) *Registry {
	return &Registry{db: db, log: log, now: now, cache: map[int64]Version{}}
}

// mayPublish is the one rule of who publishes definitions: the system
// (the command line, shipped definitions) and administrators. A
// definition is region-wide: an official or a service owner does not
// change the regulation every organisation works by.
func mayPublish(actor okno.Actor) bool {
	return actor.Kind == okno.ActorSystem || (actor.Kind == okno.ActorStaff && actor.Has(okno.RoleAdmin))
}

// Publish validates src and stores it as the next version of its process,
// in one transaction with its audit entry. Text identical to the latest
// version publishes nothing and returns that version with created false.
// An invalid definition, one whose kind differs from earlier versions',
// or one whose children effects name processes not yet published, is
// refused with an EINVALID error from which ProblemsOf gives every
// problem. Two publishers at the same moment get distinct versions, or one
// of them an ECONFLICT error: never the same version twice.
func (r *Registry) Publish(ctx context.Context, actor okno.Actor, src []byte) (Version, bool, error) {
	return r.publish(ctx, actor, src, false)
}

// publish is Publish; known says to publish nothing when any version, not
// only the latest, holds the same text (PublishShipped).
func (r *Registry) publish(ctx context.Context, actor okno.Actor, src []byte, known bool) (Version, bool, error) {
	if !mayPublish(actor) {
		return Version{}, false, okno.Errorf(okno.EFORBIDDEN, "process.forbidden")
	}
	d, pos, ps := decode(src)
	if d != nil {
		ps = append(ps, pos.locate(Validate(d))...)
	}
	if len(ps) > 0 {
		sortProblems(ps)
		return Version{}, false, invalid(ps)
	}
	sum := sha256.Sum256(src)
	digest := hex.EncodeToString(sum[:])
	var v Version
	created := false
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		latest, same, err := head(ctx, tx, d.Name, digest)
		if err != nil {
			return err
		}
		if same != 0 && (known || same == latest) {
			v, err = r.byVersion(ctx, tx, d.Name, same)
			return err
		}
		ps, err := r.references(ctx, tx, d)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			return invalid(pos.locate(ps))
		}
		v, err = r.insert(ctx, tx, actor, d, string(src), digest, latest+1)
		created = err == nil
		return err
	})
	if err != nil {
		return Version{}, false, err
	}
	if created {
		r.remember(v)
	}
	return v, created, nil
}

// head tells in one statement — one snapshot, so that what is checked is
// what the next version is numbered from — the latest version of a
// process and the latest one holding digest (0: none). Two publishers
// that saw the same head insert the same next version: the unique index
// refuses the second.
func head(ctx context.Context, q sqldb.Querier, name, digest string) (latest, same int, err error) {
	var s sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0), MAX(CASE WHEN digest = ? THEN version END)
		FROM process_versions WHERE name = ?`, digest, name).Scan(&latest, &s)
	return latest, int(s.Int64), err
}

func (r *Registry) byVersion(ctx context.Context, q sqldb.Querier, name string, version int) (Version, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM process_versions WHERE name = ? AND version = ?`, name, version).Scan(&id)
	if err != nil {
		return Version{}, sqldb.NotFound(err, "process.not_found")
	}
	return r.byID(ctx, q, id)
}

// references checks what only the stored versions can tell: the kind
// stays what earlier versions said, and children name published processes.
func (r *Registry) references(ctx context.Context, q sqldb.Querier, d *Definition) ([]Problem, error) {
	c := &checker{}
	var kind Kind
	err := q.QueryRowContext(ctx, `SELECT kind FROM process_versions WHERE name = ? ORDER BY version DESC LIMIT 1`, d.Name).Scan(&kind)
	switch {
	case err == nil && kind != d.Kind:
		c.add("kind", "process.kind_changed", string(kind))
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	for i, a := range d.Actions {
		for j, e := range a.Effects {
			for k, name := range e.Processes {
				var one int
				err := q.QueryRowContext(ctx, `SELECT 1 FROM process_versions WHERE name = ? LIMIT 1`, name).Scan(&one)
				switch {
				case errors.Is(err, sql.ErrNoRows):
					p := index(at(index(at(index("actions", i), "effects"), j), "processes"), k)
					c.add(p, "process.children_unpublished", name)
				case err != nil:
					return nil, err
				}
			}
		}
	}
	return c.ps, nil
}

// insert stores d as version number of its process and audits it.
func (r *Registry) insert(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, d *Definition, src, digest string, number int) (Version, error) {
	v := Version{Name: d.Name, Version: number, Definition: d, Source: src, Digest: digest,
		PublishedAt: sqldb.Now(r.now()), PublishedBy: actor.Ref()}
	err := tx.QueryRowContext(ctx, `INSERT INTO process_versions (name, version, kind, source, digest, published_at, published_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		v.Name, v.Version, d.Kind, v.Source, v.Digest, v.PublishedAt, v.PublishedBy).Scan(&v.ID)
	if sqldb.ViolationOf(err) == sqldb.Unique {
		return Version{}, okno.Wrap(okno.ECONFLICT, "process.publish_conflict", err)
	}
	if err != nil {
		return Version{}, err
	}
	_, err = r.log.Append(ctx, tx, audit.Entry{
		Actor: actor.Ref(), Action: "process.publish", ObjectType: "process_version", ObjectID: strconv.FormatInt(v.ID, 10),
		After: audit.Digest(struct {
			Name    string
			Version int
			Digest  string
		}{v.Name, v.Version, v.Digest}),
	})
	return v, err
}

// Latest returns the latest published version of the named process; a
// new case starts on it.
func (r *Registry) Latest(ctx context.Context, name string) (Version, error) {
	var id int64
	err := r.db.QueryRowContext(ctx, `SELECT id FROM process_versions WHERE name = ? ORDER BY version DESC LIMIT 1`, name).Scan(&id)
	if err != nil {
		return Version{}, sqldb.NotFound(err, "process.not_found")
	}
	return r.byID(ctx, r.db, id)
}

// ByID returns a published version by its row id: the one a case runs on.
func (r *Registry) ByID(ctx context.Context, id int64) (Version, error) {
	return r.byID(ctx, r.db, id)
}

// Versions returns every version of the named process, newest first;
// ENOTFOUND when it has none.
func (r *Registry) Versions(ctx context.Context, name string) ([]Version, error) {
	vs, err := r.list(ctx, `SELECT id FROM process_versions WHERE name = ? ORDER BY version DESC LIMIT ?`, name, maxList)
	if err == nil && len(vs) == 0 {
		return nil, okno.Errorf(okno.ENOTFOUND, "process.not_found")
	}
	return vs, err
}

// List returns the latest version of every process, by name.
func (r *Registry) List(ctx context.Context) ([]Version, error) {
	return r.list(ctx, `SELECT p.id FROM process_versions p
		WHERE p.version = (SELECT MAX(q.version) FROM process_versions q WHERE q.name = p.name)
		ORDER BY p.name LIMIT ?`, maxList)
}

// maxList bounds the lists: far more processes, or versions of one, than
// a region has.
const maxList = 1000

func (r *Registry) list(ctx context.Context, query string, args ...any) ([]Version, error) {
	rows, err := r.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	vs := make([]Version, 0, len(ids))
	for _, id := range ids {
		v, err := r.byID(ctx, r.db, id)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// byID returns a version from the cache, or reads and decodes it. A stored
// version is decoded but not validated again: it was valid when published,
// and a later, stricter Okno must still run the cases that use it.
func (r *Registry) byID(ctx context.Context, q sqldb.Querier, id int64) (Version, error) {
	r.mu.Lock()
	v, ok := r.cache[id]
	r.mu.Unlock()
	if ok {
		return v, nil
	}
	err := q.QueryRowContext(ctx, `SELECT id, name, version, source, digest, published_at, published_by
		FROM process_versions WHERE id = ?`, id).
		Scan(&v.ID, &v.Name, &v.Version, &v.Source, &v.Digest, &v.PublishedAt, &v.PublishedBy)
	if err != nil {
		return Version{}, sqldb.NotFound(err, "process.not_found")
	}
	d, _, ps := decode([]byte(v.Source))
	if d == nil || len(ps) > 0 {
		return Version{}, fmt.Errorf("process: stored version %d of %s does not decode: %w", id, v.Name, Problems(ps))
	}
	v.Definition = d
	r.remember(v)
	return v, nil
}

func (r *Registry) remember(v Version) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cache[v.ID] = v
}
