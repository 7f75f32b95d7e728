package application

// "Мои заявки": the citizen's drafts and applications, and the service an
// application's case was opened for.
//
// The list puts drafts first, most recently touched first, then the
// applications, newest first. Drafts are unfinished work the citizen came
// back for, and an application's place should not jump each time an
// official acts on it; this way each part pages on its own index
// (drafts_open: user, updated_at, id; applications_user: user, case_id)
// and one cursor says which part it is in: "d.<updated_at,id>" or
// "a.<case id>".

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// The size of a page of "Мои заявки".
const (
	MineDefaultLimit = 20
	MineMaxLimit     = 100
)

// The keys of what to do next.
const (
	NextFinish   = "application.next.finish"   // a draft: finish and submit it
	NextAnswer   = "application.next.answer"   // the case waits for the citizen
	NextDownload = "application.next.download" // the result is issued
	NextComplain = "application.next.complain" // refused: a pre-trial complaint is possible
)

// Mine returns the citizen's drafts and applications: drafts first, most
// recently saved first, then applications, newest first. after is the
// previous page's Next; limit 0 means MineDefaultLimit and more than
// MineMaxLimit is cut to it.
func (s *Service) Mine(ctx context.Context, actor okno.Actor, after string, limit int) (Page[Item], error) {
	if err := citizen(actor); err != nil {
		return Page[Item]{}, err
	}
	switch {
	case limit <= 0:
		limit = MineDefaultLimit
	case limit > MineMaxLimit:
		limit = MineMaxLimit
	}
	part, at, id, err := parseMineCursor(after)
	if err != nil {
		return Page[Item]{}, err
	}
	services := map[int64]catalog.Service{}
	var p Page[Item]
	if part == "d" {
		drafts, err := s.draftItems(ctx, actor.UserID, at, id, limit+1, services)
		if err != nil {
			return Page[Item]{}, err
		}
		if len(drafts) > limit {
			last := drafts[limit-1]
			p.Items, p.Next = drafts[:limit], "d."+sqldb.EncodeCursor(last.UpdatedAt, last.DraftID)
			return p, nil
		}
		p.Items, id = drafts, math.MaxInt64
	}
	apps, err := s.applicationItems(ctx, actor.UserID, id, limit-len(p.Items)+1, services)
	if err != nil {
		return Page[Item]{}, err
	}
	if n := limit - len(p.Items); len(apps) > n {
		// The next page starts below the last application shown, or
		// with the first when the drafts filled this one.
		apps = apps[:n]
		if n > 0 {
			id = apps[n-1].CaseID
		}
		p.Next = "a." + strconv.FormatInt(id, 10)
	}
	p.Items = append(p.Items, apps...)
	if p.Items == nil {
		p.Items = []Item{}
	}
	return p, nil
}

// parseMineCursor reads a cursor of Mine; "" starts with the newest draft.
func parseMineCursor(after string) (part string, at time.Time, id int64, err error) {
	if after == "" {
		return "d", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64, nil
	}
	part, rest, _ := strings.Cut(after, ".")
	ok := false
	switch part {
	case "d":
		at, id, ok = sqldb.DecodeCursor(rest)
	case "a":
		id, err = strconv.ParseInt(rest, 10, 64)
		ok = err == nil && id > 0
	}
	if !ok {
		var fe okno.FieldErrors
		fe.Add("after", "application.cursor_invalid")
		return "", time.Time{}, 0, fe.Err()
	}
	return part, at, id, nil
}

// service returns a service by ID, asking the catalogue once per page.
func (s *Service) service(ctx context.Context, id int64, cache map[int64]catalog.Service) (catalog.Service, error) {
	if svc, ok := cache[id]; ok {
		return svc, nil
	}
	svc, err := s.d.Catalog.ByID(ctx, id)
	if err != nil {
		return catalog.Service{}, fmt.Errorf("application: service %d: %w", id, err)
	}
	cache[id] = svc
	return svc, nil
}

// draftItems reads up to n open drafts saved before (at, id), newest
// first (index drafts_open).
func (s *Service) draftItems(ctx context.Context, userID int64, at time.Time, id int64, n int, services map[int64]catalog.Service) ([]Item, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT id, service_id, updated_at FROM drafts
		WHERE user_id = ? AND case_id IS NULL AND (updated_at < ? OR updated_at = ? AND id < ?)
		ORDER BY updated_at DESC, id DESC LIMIT ?`, userID, at, at, id, n)
	if err != nil {
		return nil, fmt.Errorf("application: my drafts: %w", err)
	}
	type row struct {
		id, service int64
		at          time.Time
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.service, &r.at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("application: my drafts: %w", err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("application: my drafts: %w", err)
	}
	items := make([]Item, 0, len(rs))
	for _, r := range rs {
		svc, err := s.service(ctx, r.service, services)
		if err != nil {
			return nil, err
		}
		items = append(items, Item{Kind: ItemDraft, DraftID: r.id, Service: svc.Code, Title: svc.Title,
			Next: NextFinish, UpdatedAt: r.at.UTC()})
	}
	return items, nil
}

// applicationItems reads up to n of the citizen's applications with case
// IDs below before, newest first (index applications_user), with where
// each stands.
func (s *Service) applicationItems(ctx context.Context, userID, before int64, n int, services map[int64]catalog.Service) ([]Item, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT a.case_id, a.service_id, c.ref, c.process_id, c.state, c.legal_due_at,
			c.legal_met_at, c.updated_at, c.closed_at, c.outcome
		FROM applications a JOIN cases c ON c.id = a.case_id
		WHERE a.user_id = ? AND a.case_id < ? ORDER BY a.case_id DESC LIMIT ?`, userID, before, n)
	if err != nil {
		return nil, fmt.Errorf("application: my applications: %w", err)
	}
	type row struct {
		it               Item
		service, process int64
		met              bool
	}
	var rs []row
	for rows.Next() {
		var r row
		var met, closed sql.NullTime
		if err := rows.Scan(&r.it.CaseID, &r.service, &r.it.Ref, &r.process, &r.it.State, &r.it.DueAt, &met,
			&r.it.UpdatedAt, &closed, &r.it.Outcome); err != nil {
			rows.Close()
			return nil, fmt.Errorf("application: my applications: %w", err)
		}
		r.it.Kind, r.it.UpdatedAt, r.it.Closed, r.met = ItemApplication, r.it.UpdatedAt.UTC(), closed.Valid, met.Valid
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("application: my applications: %w", err)
	}
	versions := map[int64]process.Version{}
	items := make([]Item, 0, len(rs))
	for _, r := range rs {
		svc, err := s.service(ctx, r.service, services)
		if err != nil {
			return nil, err
		}
		v, ok := versions[r.process]
		if !ok {
			if v, err = s.d.Cases.Definition(ctx, casework.Case{ProcessID: r.process}); err != nil {
				return nil, err
			}
			versions[r.process] = v
		}
		it := r.it
		it.Service, it.Title, it.StateTitle = svc.Code, svc.Title, catalog.Text{"ru": it.State}
		if v.Definition != nil {
			if st, ok := v.Definition.State(it.State); ok {
				it.StateTitle = catalog.Text(st.Title)
				it.Waiting = st.Waiting && !it.Closed
			}
		}
		if it.Closed || r.met {
			it.DueAt = time.Time{} // the legal clock has stopped: no deadline to show
		} else {
			it.DueAt = it.DueAt.UTC()
		}
		it.Next = next(it)
		items = append(items, it)
	}
	return items, nil
}

// next is what the citizen should do about an application.
func next(it Item) string {
	switch {
	case it.Waiting:
		return NextAnswer
	case it.Closed && it.Outcome == "granted":
		return NextDownload
	case it.Closed && it.Outcome == "refused":
		return NextComplain
	}
	return ""
}

// ServiceOf returns the catalogue service an application's case was
// opened for (code not_found for cases that are not applications).
func (s *Service) ServiceOf(ctx context.Context, caseID int64) (catalog.Service, error) {
	var id int64
	err := s.d.DB.QueryRowContext(ctx, `SELECT service_id FROM applications WHERE case_id = ?`, caseID).Scan(&id)
	if err != nil {
		return catalog.Service{}, sqldb.NotFound(err, "application.not_application")
	}
	return s.d.Catalog.ByID(ctx, id)
}
