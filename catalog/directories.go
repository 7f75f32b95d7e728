package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// maxItemValue bounds what a form stores for a directory item.
const maxItemValue = 200

// dirs caches each directory's values for Has, which form validation
// calls once per field: PutDirectory forgets the directory it replaced.
// gen counts drops, so that values read before a PutDirectory committed
// are not cached after it.
type dirs struct {
	mu     sync.Mutex
	gen    uint64
	values map[string]map[string]bool
}

func (d *dirs) reset() {
	d.mu.Lock()
	d.values = nil
	d.gen++
	d.mu.Unlock()
}

func (d *dirs) get(code string) (map[string]bool, uint64, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.values[code]
	return v, d.gen, ok
}

func (d *dirs) put(code string, v map[string]bool, gen uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if gen != d.gen {
		return
	}
	if d.values == nil {
		d.values = map[string]map[string]bool{}
	}
	d.values[code] = v
}

func (d *dirs) drop(code string) {
	d.mu.Lock()
	delete(d.values, code)
	d.gen++
	d.mu.Unlock()
}

// PutDirectory creates or replaces a directory by code (administrators of
// the region); audited. Items need unique values; a parent must be an
// item of the same directory.
func (s *Catalog) PutDirectory(ctx context.Context, actor okno.Actor, d Directory) error {
	if err := s.mayEdit(ctx, actor); err != nil {
		return err
	}
	var fe okno.FieldErrors
	checkCode(&fe, "code", d.Code)
	checkText(&fe, "title", d.Title, true, MaxTitle)
	if len(d.Items) > MaxDirItems {
		fe.Add("items", "catalog.too_many", MaxDirItems)
	} else {
		values := map[string]bool{}
		for i, it := range d.Items {
			field := fmt.Sprintf("items[%d]", i)
			switch {
			case strings.TrimSpace(it.Value) == "" || it.Value != strings.TrimSpace(it.Value) || !utf8.ValidString(it.Value):
				fe.Add(field+".value", "catalog.item_value_bad")
			case utf8.RuneCountInString(it.Value) > maxItemValue:
				fe.Add(field+".value", "catalog.too_long", maxItemValue)
			case values[it.Value]:
				fe.Add(field+".value", "catalog.duplicate")
			}
			values[it.Value] = true
			checkText(&fe, field+".title", it.Title, true, MaxTitle)
		}
		for i, it := range d.Items {
			if it.Parent != "" && (!values[it.Parent] || it.Parent == it.Value) {
				fe.Add(fmt.Sprintf("items[%d].parent", i), "catalog.parent_unknown")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	title, _ := json.Marshal(d.Title)
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		before, err := directory(ctx, tx, d.Code)
		if err != nil && !okno.IsCode(err, okno.ENOTFOUND) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO directories (code, title, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at`, d.Code, string(title), sqldb.Now(s.d.Now())); err != nil {
			return fmt.Errorf("catalog: put directory: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM directory_items WHERE directory_code = ?`, d.Code); err != nil {
			return err
		}
		const cols = 5
		args := make([]any, 0, len(d.Items)*cols)
		for i, it := range d.Items {
			t, _ := json.Marshal(it.Title)
			args = append(args, d.Code, it.Value, string(t), it.Parent, i)
		}
		if len(args) > 0 {
			if err := sqldb.InsertRows(ctx, tx, `INSERT INTO directory_items (directory_code, value, title, parent, position) VALUES `, cols, args); err != nil {
				return err
			}
		}
		e := audit.Entry{Actor: actor.Ref(), Action: "catalog.directory.put", ObjectType: "directory", ObjectID: d.Code, After: audit.Digest(d)}
		if before.Code != "" {
			e.Before = audit.Digest(before)
		}
		tx.AfterCommit(func() { s.dirs.drop(d.Code) })
		_, err = s.d.Audit.Append(ctx, tx, e)
		return err
	})
}

func directory(ctx context.Context, q sqldb.Querier, code string) (Directory, error) {
	d := Directory{Code: code}
	var title string
	if err := q.QueryRowContext(ctx, `SELECT title FROM directories WHERE code = ?`, code).Scan(&title); err != nil {
		return Directory{}, sqldb.NotFound(err, "catalog.directory_not_found")
	}
	if err := json.Unmarshal([]byte(title), &d.Title); err != nil {
		return Directory{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT value, title, parent FROM directory_items WHERE directory_code = ? ORDER BY position`, code)
	if err != nil {
		return Directory{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var it DirItem
		var t string
		if err := rows.Scan(&it.Value, &t, &it.Parent); err != nil {
			return Directory{}, err
		}
		if err := json.Unmarshal([]byte(t), &it.Title); err != nil {
			return Directory{}, err
		}
		d.Items = append(d.Items, it)
	}
	return d, rows.Err()
}

// Directory returns a directory by code with its items in order.
func (s *Catalog) Directory(ctx context.Context, code string) (Directory, error) {
	return directory(ctx, s.d.DB, code)
}

// Has reports whether value is in a directory: formdecl.Directories. An
// unknown directory holds nothing.
func (s *Catalog) Has(ctx context.Context, directory, value string) (bool, error) {
	values, gen, ok := s.dirs.get(directory)
	if ok {
		return values[value], nil
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT value FROM directory_items WHERE directory_code = ?`, directory)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	values = map[string]bool{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return false, err
		}
		values[v] = true
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	if len(values) > 0 {
		s.dirs.put(directory, values, gen) // an unknown name is not cached: callers choose names
	}
	return values[value], nil
}
