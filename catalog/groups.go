package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// MaxSituationServices bounds a life situation's list of services.
const MaxSituationServices = 100

// PutCategory creates or updates a category by code (administrators of the
// region); audited.
func (s *Catalog) PutCategory(ctx context.Context, actor okno.Actor, c Category) error {
	if err := s.mayEdit(ctx, actor); err != nil {
		return err
	}
	var fe okno.FieldErrors
	checkCode(&fe, "code", c.Code)
	checkText(&fe, "title", c.Title, true, MaxTitle)
	if err := fe.Err(); err != nil {
		return err
	}
	title, _ := json.Marshal(c.Title)
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		before, err := category(ctx, tx, c.Code)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_categories (code, title, position) VALUES (?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET title = excluded.title, position = excluded.position`, c.Code, string(title), c.Position); err != nil {
			return fmt.Errorf("catalog: put category: %w", err)
		}
		e := audit.Entry{Actor: actor.Ref(), Action: "catalog.category.put", ObjectType: "service_category", ObjectID: c.Code, After: audit.Digest(c)}
		if before.Code != "" {
			e.Before = audit.Digest(before)
		}
		tx.AfterCommit(func() { s.stale.Store(true) })
		_, err = s.d.Audit.Append(ctx, tx, e)
		return err
	})
}

func category(ctx context.Context, q sqldb.Querier, code string) (Category, error) {
	c := Category{Code: code}
	var title string
	if err := q.QueryRowContext(ctx, `SELECT title, position FROM service_categories WHERE code = ?`, code).Scan(&title, &c.Position); err != nil {
		return Category{}, err
	}
	return c, json.Unmarshal([]byte(title), &c.Title)
}

// Categories returns the categories in order.
func (s *Catalog) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT code, title, position FROM service_categories ORDER BY position, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		var title string
		if err := rows.Scan(&c.Code, &title, &c.Position); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(title), &c.Title); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PutSituation creates or updates a life situation by code and sets its
// services in order (administrators of the region); audited. Services are
// named by code and may be put later: pages show the published ones.
func (s *Catalog) PutSituation(ctx context.Context, actor okno.Actor, st Situation) error {
	if err := s.mayEdit(ctx, actor); err != nil {
		return err
	}
	var fe okno.FieldErrors
	checkCode(&fe, "code", st.Code)
	checkText(&fe, "title", st.Title, true, MaxTitle)
	checkText(&fe, "summary", st.Summary, false, MaxText)
	if len(st.Services) > MaxSituationServices {
		fe.Add("services", "catalog.too_many", MaxSituationServices)
	} else {
		seen := map[string]bool{}
		for i, c := range st.Services {
			field := fmt.Sprintf("services[%d]", i)
			checkCode(&fe, field, c)
			if seen[c] {
				fe.Add(field, "catalog.duplicate")
			}
			seen[c] = true
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	title, _ := json.Marshal(st.Title)
	summary, _ := json.Marshal(st.Summary)
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		before, err := situation(ctx, tx, st.Code)
		if err != nil && !okno.IsCode(err, okno.ENOTFOUND) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_situations (code, title, summary, position) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET title = excluded.title, summary = excluded.summary, position = excluded.position`,
			st.Code, string(title), string(summary), st.Position); err != nil {
			return fmt.Errorf("catalog: put situation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM situation_services WHERE situation_code = ?`, st.Code); err != nil {
			return err
		}
		for i, c := range st.Services {
			if _, err := tx.ExecContext(ctx, `INSERT INTO situation_services (situation_code, service_code, position) VALUES (?, ?, ?)`, st.Code, c, i); err != nil {
				return err
			}
		}
		e := audit.Entry{Actor: actor.Ref(), Action: "catalog.situation.put", ObjectType: "service_situation", ObjectID: st.Code, After: audit.Digest(st)}
		if before.Code != "" {
			e.Before = audit.Digest(before)
		}
		tx.AfterCommit(func() { s.stale.Store(true) })
		_, err = s.d.Audit.Append(ctx, tx, e)
		return err
	})
}

// situation reads a life situation with every service code it names.
func situation(ctx context.Context, q sqldb.Querier, code string) (Situation, error) {
	st := Situation{Code: code}
	var title, summary string
	err := q.QueryRowContext(ctx, `SELECT title, summary, position FROM service_situations WHERE code = ?`, code).Scan(&title, &summary, &st.Position)
	if err != nil {
		return Situation{}, sqldb.NotFound(err, "catalog.situation_not_found")
	}
	if err := unmarshalTexts(title, &st.Title, summary, &st.Summary); err != nil {
		return Situation{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT service_code FROM situation_services WHERE situation_code = ? ORDER BY position`, code)
	if err != nil {
		return Situation{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return Situation{}, err
		}
		st.Services = append(st.Services, c)
	}
	return st, rows.Err()
}

// unmarshalTexts decodes JSON columns: pairs of the column's text and
// where to decode it.
func unmarshalTexts(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		s, ok := pairs[i].(string)
		if !ok {
			return fmt.Errorf("catalog: column %d is not text", i/2)
		}
		if err := json.Unmarshal([]byte(s), pairs[i+1]); err != nil {
			return fmt.Errorf("catalog: %w", err)
		}
	}
	return nil
}

// Situations returns the life situations in order, each with the
// published services it names.
func (s *Catalog) Situations(ctx context.Context) ([]Situation, error) {
	v, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return v.situations, nil
}

// Situation returns a life situation and its published services in order.
func (s *Catalog) Situation(ctx context.Context, code string) (Situation, []Summary, error) {
	v, err := s.current(ctx)
	if err != nil {
		return Situation{}, nil, err
	}
	for _, st := range v.situations {
		if st.Code == code {
			out := make([]Summary, 0, len(st.Services))
			for _, c := range st.Services {
				if i, ok := v.byCode[c]; ok {
					out = append(out, v.services[i])
				}
			}
			return st, out, nil
		}
	}
	return Situation{}, nil, okno.Errorf(okno.ENOTFOUND, "catalog.situation_not_found")
}
